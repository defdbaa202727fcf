"""Finding and using practices: own deficits first, visibility by scope, filters and search,
adding to the ИОМ (double taps, own practice), «применил(а)» tells the author, /delete_me."""

from sqlalchemy import select, update

from handlers.practices.ui import ListCb, PracticeCb
from handlers.shared.callbacks import DeleteMeCb
from models import OutboxMessage, Practice, PracticeUse, StepStatus
from tests.support.factories import built, diagnosed, registered, route_steps
from tests.support.practices import approved_practice, outbox_texts, send_document

SCOPE = "г. Новочеркасск"


async def test_deficits_first_and_only_within_scope(harness, sessionmaker):
    await registered(harness, 851, "Автор Практик")
    teacher = await registered(harness, 852)
    await diagnosed(sessionmaker, 852)  # area 3 severe, 2 partial, point 7.3
    await approved_practice(sessionmaker, 851, "Цифровой журнал", ["8"], seen_at=SCOPE)
    await approved_practice(sessionmaker, 851, "Критерии успеха", ["3"], seen_at=SCOPE)
    await approved_practice(sessionmaker, 851, "Похвала родителям", ["7"], ["7.3"], seen_at=SCOPE)
    hidden = await approved_practice(sessionmaker, 851, "Только Волгодонск", ["3"], seen_at="г. Волгодонск")
    screen = (await teacher.send("/practices"))[-1]
    order = [screen.index(title) for title in ("Похвала родителям", "Критерии успеха", "Цифровой журнал")]
    assert order == sorted(order), screen  # point deficit, then deficit area, then the rest
    assert "🎯 <b>Похвала" in screen and "🎯 <b>Критерии" in screen and "🎯 <b>Цифровой" not in screen
    assert "Только Волгодонск" not in screen
    assert "не найдена" in (await teacher.click(PracticeCb(action="open", practice_id=hidden)))[-1]

    # Filters: by area, by level; a search is case-insensitive in Cyrillic.
    by_area = (await teacher.click(ListCb(area="8")))[-1]
    assert "Цифровой журнал" in by_area and "Критерии" not in by_area
    assert "Практик пока нет" in (await teacher.click(ListCb(level="noo")))[-1]  # all are for basic school
    assert "Цифровой журнал" in (await teacher.click(ListCb(level="ooo")))[-1]
    async with sessionmaker() as session, session.begin():  # a practice for another subject
        await session.execute(update(Practice).where(Practice.title == "Цифровой журнал").values(subject="История"))
    mine = (await teacher.press("Мои предметы"))[-1]  # the teacher teaches maths and physics
    assert "мои предметы" in mine and "Критерии успеха" in mine and "Цифровой журнал" not in mine
    await teacher.click(PracticeCb(action="search"))
    found = (await teacher.send("КРИТЕРИИ"))[-1]
    assert "Критерии успеха" in found and "Цифровой" not in found
    # A card shows the author's school and role, not the name.
    await teacher.press("Критерии успеха")
    card = teacher.screen()
    assert "МБОУ СОШ № 1" in card and "учитель" in card and "Автор Практик" not in card


async def test_add_to_route_apply_and_author_is_told(harness, sessionmaker):
    await registered(harness, 861, "Автор Практик")
    teacher, _ = await built(harness, sessionmaker, 862)
    practice_id = await approved_practice(sessionmaker, 861, "Критерии успеха", ["3"], ["3.1"], seen_at=SCOPE)
    await teacher.click(PracticeCb(action="open", practice_id=practice_id))
    await teacher.press("В мой ИОМ")
    assert "добавлен шаг" in (await teacher.press("30 дней"))[-1]
    step = next(s for s in await route_steps(sessionmaker, 862) if "Критерии успеха" in s.title)
    assert (step.form, step.area, step.status) == ("informal", "3", StepStatus.planned)
    assert step.title == "Изучить и применить практику «Критерии успеха»"
    # A double tap (or a stale button) adds nothing twice.
    again = await teacher.click(PracticeCb(action="deadline", practice_id=practice_id, value=30))
    assert "уже есть в вашем ИОМ" in again[-1]
    assert (
        "Выберите срок" in (await teacher.click(PracticeCb(action="deadline", practice_id=practice_id, value=999)))[-1]
    )
    assert len([s for s in await route_steps(sessionmaker, 862) if "Критерии" in s.title]) == 1

    await teacher.click(PracticeCb(action="open", practice_id=practice_id))
    await teacher.press("Применил(а)")
    assert "Отмечено" in (await teacher.send("Ввёл критерии в 7Б, дети <сами> проверяют"))[-1]
    step = next(s for s in await route_steps(sessionmaker, 862) if s.id == step.id)
    assert step.status == StepStatus.done and "сами" in step.reflection
    told = await outbox_texts(sessionmaker, 861)
    assert any("применил(а) коллега" in t and "&lt;сами&gt;" in t for t in told)
    assert "только один раз" in (await teacher.click(PracticeCb(action="applied", practice_id=practice_id)))[-1]
    # The author reads the reflection, with the colleague's school and not their name.
    author = harness.user(861)
    text = (await author.click(PracticeCb(action="reflections", practice_id=practice_id)))[-1]
    assert "Ввёл критерии" in text and "МБОУ СОШ № 1" in text and "Иванова" not in text
    # Nobody else reads them.
    assert (
        "не найдена среди ваших" in (await teacher.click(PracticeCb(action="reflections", practice_id=practice_id)))[-1]
    )


async def test_own_practice_and_no_route(harness, sessionmaker):
    author = await registered(harness, 871)
    teacher = await registered(harness, 872)
    practice_id = await approved_practice(sessionmaker, 871, "Критерии успеха", ["3"], seen_at=SCOPE)
    assert (
        "собственная практика"
        in (await author.click(PracticeCb(action="deadline", practice_id=practice_id, value=30)))[-1]
    )
    assert (
        "Сначала постройте ИОМ"
        in (await teacher.click(PracticeCb(action="deadline", practice_id=practice_id, value=30)))[-1]
    )
    assert "из вашего ИОМ" in (await teacher.click(PracticeCb(action="applied", practice_id=practice_id)))[-1]


async def test_deleted_author_practices_are_removed(harness, sessionmaker):
    author = await registered(harness, 881, "Удаляемый Автор")
    teacher, _ = await built(harness, sessionmaker, 882)
    practice_id = await approved_practice(sessionmaker, 881, "Критерии успеха", ["3"], seen_at=SCOPE)
    await teacher.click(PracticeCb(action="deadline", practice_id=practice_id, value=14))
    await author.send("/delete_me")
    await author.click(DeleteMeCb(confirm=True))
    async with sessionmaker() as session:
        assert await session.scalar(select(Practice.id)) is None
        assert await session.scalar(select(PracticeUse.id)) is None
    # The colleague's route step stays (its title is a copy).
    assert any("Критерии успеха" in s.title for s in await route_steps(sessionmaker, 882))
    assert "Практик пока нет" in (await teacher.send("/practices"))[-1]


async def test_question_to_the_author_is_relayed_both_ways(harness, sessionmaker):
    author = await registered(harness, 891, "Автор Практик")
    teacher = await registered(harness, 892, "Иванова Мария Петровна")
    stranger = await registered(harness, 893, "Чужой Человек")
    practice_id = await approved_practice(sessionmaker, 891, "Критерии успеха", ["3"], seen_at=SCOPE)
    await teacher.click(PracticeCb(action="open", practice_id=practice_id))
    assert "не ваше имя" in (await teacher.press("Вопрос автору"))[-1]
    assert "Передано" in (await teacher.send("Как вы вводите <критерии> в 5 классе?"))[-1]
    async with sessionmaker() as session:
        row = await session.scalar(select(OutboxMessage).where(OutboxMessage.chat_id == 891))
    assert "&lt;критерии&gt;" in row.payload["text"] and "МБОУ СОШ № 1" in row.payload["text"]
    assert "Иванова" not in row.payload["text"]
    question_id = row.payload["buttons"][0][0]["callback"]["question_id"]
    answer = PracticeCb(action="answer", value=question_id)
    assert "не найден" in (await stranger.click(answer))[-1]  # a forged id
    await author.click(answer)
    assert "Передано" in (await author.send("Начинаю с одного критерия на урок"))[-1]
    assert any("Начинаю с одного критерия" in t for t in await outbox_texts(sessionmaker, 892))
    assert "уже ответили" in (await author.click(answer))[-1]
    assert "собственная практика" in (await author.click(PracticeCb(action="ask", practice_id=practice_id)))[-1]


async def test_profile_shows_what_the_author_shares(harness, sessionmaker):
    author = await registered(harness, 895, "Автор Практик")
    assert "Делится опытом" not in (await author.send("/profile"))[-1]
    await approved_practice(sessionmaker, 895, "Критерии успеха", ["3"], seen_at=SCOPE)
    assert "Делится опытом: практик в банке — 1, применили коллеги — 0" in (await author.send("/profile"))[-1]


async def test_applied_with_evidence_keeps_the_file_in_the_route(harness, sessionmaker):
    await registered(harness, 897, "Автор Практик")
    teacher, _ = await built(harness, sessionmaker, 898)
    practice_id = await approved_practice(sessionmaker, 897, "Критерии успеха", ["3"], seen_at=SCOPE)
    await teacher.click(PracticeCb(action="deadline", practice_id=practice_id, value=14))
    await teacher.click(PracticeCb(action="applied", practice_id=practice_id))
    assert "подпись" in (await send_document(teacher, "lesson.pdf"))[-1]
    assert "фото или PDF" in (await send_document(teacher, "x.exe", "application/x-msdownload", caption="Готово"))[-1]
    assert "Отмечено" in (await send_document(teacher, "lesson.pdf", caption="Провела урок по критериям"))[-1]
    step = next(s for s in await route_steps(sessionmaker, 898) if "Критерии успеха" in s.title)
    assert (step.status, step.evidence_file_id, step.evidence_kind) == (StepStatus.done, "file-lesson.pdf", "document")
    assert any("Провела урок по критериям" in t for t in await outbox_texts(sessionmaker, 897))
