"""The bank of practices: sharing with a file, moderation (return, fix, approve) and its rights,
bad materials, forged ids."""

from sqlalchemy import select, update

from handlers.diagnosis.ui import MenuCb
from handlers.practices.ui import ModCb, PracticeCb
from models import Organization, Practice, PracticeStatus, User
from tests.support.factories import diagnosed, make_methodist, org_id, registered, result
from tests.support.practices import outbox_texts, send_document, share, the_practice

SCOPE = "г. Новочеркасск"


async def test_share_return_fix_and_approve(harness, sessionmaker):
    methodist = await make_methodist(harness, sessionmaker, 811, SCOPE)
    author = await registered(harness, 812, "Петрова Анна Ивановна")
    preview = (await share(author))[-1]
    assert "Билет на выход" in preview and "&lt;по теме&gt; &amp;" in preview and "bilet.pdf" in preview
    assert "3.2" in preview and "Основная школа".lower() in preview
    assert "модерацию" in (await author.press("Отправить на модерацию"))[-1]
    practice = await the_practice(sessionmaker)
    assert practice.status == PracticeStatus.pending and practice.material_kind == "document"
    assert (practice.areas, practice.items, practice.material_ref) == (["3"], ["3.2"], "file-bilet.pdf")
    assert any("На модерации" in text for text in await outbox_texts(sessionmaker, 811))

    assert "Билет на выход" in (await methodist.send("/practices_review"))[-1]
    await methodist.press("Билет на выход")
    await methodist.press("Вернуть с комментарием")
    assert "возвращена" in (await methodist.send("Добавьте пример карточки"))[-1]
    assert (await the_practice(sessionmaker)).status == PracticeStatus.returned
    assert any("Добавьте пример карточки" in t for t in await outbox_texts(sessionmaker, 812))

    # The author fixes the description only and resubmits; the methodist approves for the municipality.
    await author.click(PracticeCb(action="fix", practice_id=practice.id))
    await author.press("Оставить как было")  # title
    await author.press("Готово")  # areas kept
    await author.press("Готово")  # items kept
    await author.press("Оставить как было")  # subject
    await author.press("Основная школа")
    await author.send("Карточка: один вопрос по теме урока, пример во вложении.")
    await author.press("Оставить как было")  # the same PDF
    await author.press("Отправить на модерацию")
    fixed = await the_practice(sessionmaker)
    assert (fixed.id, fixed.status, fixed.revision) == (practice.id, PracticeStatus.pending, 2)
    assert fixed.description.startswith("Карточка") and fixed.material_ref == "file-bilet.pdf"

    await methodist.send("/practices_review")
    await methodist.press("Билет на выход")
    assert "одобрена" in (await methodist.press("Одобрить: муниципалитет"))[-1]
    approved = await the_practice(sessionmaker)
    assert approved.status == PracticeStatus.approved
    assert approved.visibility_org_id == await org_id(sessionmaker, SCOPE)
    assert any("одобрена" in t for t in await outbox_texts(sessionmaker, 812))
    # A double tap on «approve» changes nothing and says so.
    assert (
        "уже рассмотрена"
        in (await methodist.click(ModCb(action="approve", practice_id=practice.id, value="region")))[-1]
    )


async def test_moderation_rights(harness, sessionmaker):
    """A plain teacher, a methodist of another municipality and the author-methodist are refused."""
    author = await make_methodist(harness, sessionmaker, 821, SCOPE)  # a methodist who teaches too
    other = await make_methodist(harness, sessionmaker, 822, "г. Волгодонск")
    teacher = await registered(harness, 823, "Сидорова Вера Павловна")
    await share(author)
    await author.press("Отправить на модерацию")
    practice = await the_practice(sessionmaker)
    approve = ModCb(action="approve", practice_id=practice.id, value="school")

    assert "только методистам" in (await teacher.click(approve))[-1]
    assert "Свою практику" in (await author.click(approve))[-1]
    assert "на модерации в вашей зоне нет" in (await other.send("/practices_review"))[-1]
    assert "не из вашей зоны" in (await other.click(approve))[-1]
    assert "не из вашей зоны" in (await other.click(ModCb(action="open", practice_id=practice.id)))[-1]
    assert "не найдена" in (await other.click(ModCb(action="approve", practice_id=99999, value="school")))[-1]
    # A school methodist cannot make a practice visible to the whole region.
    school = await make_methodist(harness, sessionmaker, 824, "МБОУ СОШ № 1")
    assert (
        "шире вашей зоны" in (await school.click(ModCb(action="approve", practice_id=practice.id, value="region")))[-1]
    )
    assert "одобрена" in (await school.click(approve))[-1]
    async with sessionmaker() as session:
        assert (await session.get(Practice, practice.id)).status == PracticeStatus.approved


async def test_bad_materials_are_refused_and_nothing_is_lost(harness, sessionmaker):
    author = await registered(harness, 831)
    await share(author, material="не ссылка")
    assert "ссылкой вида https://" in harness.api.texts(831)[-1]
    assert "тип файла не подходит" in (await send_document(author, "virus.exe", "application/x-msdownload"))[-1]
    assert "больше 20 МБ" in (await send_document(author, "big.pdf", size=30 * 1024 * 1024))[-1]
    # Still at the material step with everything typed so far: a good link goes through.
    preview = (await author.send("https://example.org/kartochki?a=1&b=2"))[-1]
    assert "Билет на выход" in preview and "https://example.org/kartochki?a=1&amp;b=2" in preview
    await author.press("Отправить на модерацию")
    assert (await the_practice(sessionmaker)).material_kind == "link"


async def test_practice_needs_an_organization_and_valid_title(harness, sessionmaker):
    author = await registered(harness, 841)
    await author.send("/share_practice")
    assert "слишком длинно" in (await author.send("Я" * 151))[-1]
    async with sessionmaker() as session, session.begin():
        await session.execute(update(User).where(User.telegram_id == 841).values(organization_id=None))
    await share(author)
    assert "организацию" in (await author.press("Отправить на модерацию"))[-1]
    async with sessionmaker() as session:
        assert await session.scalar(select(Practice.id)) is None
        assert await session.scalar(select(Organization.id).limit(1)) is not None


async def test_resource_zone_is_invited_to_share(harness, sessionmaker):
    teacher = await registered(harness, 851)
    attempt_id = await diagnosed(
        sessionmaker, 851, [result("3", 15, "resource"), result("2", 9, "partial"), result("7", 12, "norm")]
    )
    shown = await teacher.click(MenuCb(action="show", attempt_id=attempt_id))
    assert any("ресурсной зоне по областям: 3. Оценочная." in text for text in shown)
    assert "Как называется практика" in (await teacher.press("Поделиться практикой"))[-1]
    # No resource zone, no invitation.
    other = await registered(harness, 852)
    attempt_id = await diagnosed(sessionmaker, 852)
    shown = await other.click(MenuCb(action="show", attempt_id=attempt_id))
    assert not any("ресурсной зоне" in text for text in shown)
    assert "Поделиться практикой" not in [label for label, _ in other.buttons()]
