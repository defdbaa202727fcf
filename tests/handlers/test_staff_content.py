"""Issue 13, content and quieter corners: a retake interval of 0, the questionnaire's framework on
upload, labels and the file as uploaded, content errors in Russian."""

from datetime import timedelta

from sqlalchemy import select, update

from bot.content import CONTENT_DIR
from bot.services import content
from handlers.admin.content import ContentCb
from handlers.diagnosis.ui import MenuCb
from handlers.events.callbacks import EventAdminCb
from models import (
    ContentVersion,
    EventRegistration,
    OutboxMessage,
    RegistrationStatus,
    RouteStep,
    StepStatus,
    User,
    utcnow,
)
from tests.support.documents import send_file, serve_files
from tests.support.factories import built, diagnosed, make_event, make_methodist, registered, route_steps
from tests.support.harness import ADMIN_ID

TEACHER_YAML = (CONTENT_DIR / "questionnaire_teacher.yaml").read_text(encoding="utf-8")


async def test_a_retake_interval_of_zero_does_not_promise_a_date(harness, sessionmaker):
    t = await registered(harness, 801)
    attempt_id = await diagnosed(sessionmaker, 801)
    async with sessionmaker() as session, session.begin():
        text = TEACHER_YAML.replace("retake_interval_days: 180", "retake_interval_days: 0")
        await content.load_content(session, "questionnaire_teacher", text.replace('"2025.1"', '"2025.2"'), None)
    shown = (await t.click(MenuCb(action="show", attempt_id=attempt_id)))[-1]
    assert "не раньше" not in shown  # was «Повторная диагностика — не раньше <today>»
    assert "Повторную диагностику можно пройти в любое время" in shown


async def test_attendance_that_closes_a_route_step_tells_the_teacher_once(harness, sessionmaker):
    methodist = await make_methodist(harness, sessionmaker, 720, "г. Новочеркасск")
    await built(harness, sessionmaker, 721)
    event_id = await make_event(sessionmaker, "Семинар по оцениванию", starts_at=utcnow() - timedelta(hours=2))
    step = (await route_steps(sessionmaker, 721))[0]
    async with sessionmaker() as session, session.begin():
        await session.execute(update(RouteStep).where(RouteStep.id == step.id).values(event_id=event_id))
        user_id = await session.scalar(select(User.id).where(User.telegram_id == 721))
        session.add(EventRegistration(event_id=event_id, user_id=user_id, status=RegistrationStatus.registered))
    await methodist.click(EventAdminCb(action="att", event_id=event_id))
    await methodist.press("Все присутствовали")
    await methodist.press("✅")  # marked absent and present again: still one notice
    await methodist.press("▫️")
    assert (await route_steps(sessionmaker, 721))[0].status == StepStatus.done
    async with sessionmaker() as session:
        notices = list(await session.scalars(select(OutboxMessage).where(OutboxMessage.purpose == "route_step_done")))
    assert [(n.chat_id, n.idempotency_key) for n in notices] == [(721, f"step_attended:{step.id}")]
    assert f"Шаг ИОМ «{step.title}» выполнен" in notices[0].payload["text"]


def without_area_8(text: str) -> str:
    """The bundled questionnaire with its last area (8, «Цифровая») cut out, comments kept."""
    return text[: text.index('  - code: "8"')]


async def current_teacher_version(sessionmaker) -> ContentVersion:
    async with sessionmaker() as session:
        return await content.current_version(session, "questionnaire_teacher")


async def test_a_questionnaire_without_an_area_is_refused_unless_the_change_of_framework_is_confirmed(
    routed, sessionmaker, monkeypatch
):
    files = serve_files(routed, monkeypatch)
    admin = routed.user(ADMIN_ID)
    before = await current_teacher_version(sessionmaker)
    smaller = without_area_8(TEACHER_YAML).replace('"2025.1"', '"2026.1"').encode()
    replies = await send_file(routed, files, admin, "questionnaire_teacher.yaml", smaller)
    assert "новая версия меняет рамку анкеты" in replies[-1]
    assert "удалена область 8 «Цифровая» (5 утверждений)" in replies[-1]
    assert "перестанут быть сопоставимы" in replies[-1] and "преодоление дефицитов" in replies[-1]
    assert (await current_teacher_version(sessionmaker)).id == before.id  # was «теперь текущая»

    assert "рамка анкеты прежняя" in (await admin.press("Отмена"))[-1]
    assert (await current_teacher_version(sessionmaker)).id == before.id
    await send_file(routed, files, admin, "questionnaire_teacher.yaml", smaller)
    replies = await admin.press("Да, сменить рамку")
    assert "версия 2026.1, теперь текущая" in replies[-1] and "Рамка анкеты изменена" in replies[-1]
    now = await current_teacher_version(sessionmaker)
    assert [a["code"] for a in now.data["areas"]] == [str(n) for n in range(1, 8)]
    assert "устарела" in (await admin.click(ContentCb(action="reframe")))[-1]  # a second tap changes nothing


async def test_the_download_is_the_file_as_uploaded_and_labels_are_never_shared(routed, sessionmaker, monkeypatch):
    files = serve_files(routed, monkeypatch)
    admin = routed.user(ADMIN_ID)
    await admin.send("/content")
    await admin.press("⬇ Анкета педагога")
    downloaded = routed.api.sent("SendDocument", ADMIN_ID)[-1].document.data
    assert downloaded.decode() == TEACHER_YAML  # comments included: the file as loaded
    before = await current_teacher_version(sessionmaker)
    replies = await send_file(routed, files, admin, "questionnaire_teacher.yaml", downloaded)
    assert "уже загружался" in replies[-1] and (await current_teacher_version(sessionmaker)).id == before.id

    edited = TEACHER_YAML.replace("title: Анкета педагога", "title: Анкета педагога (ред.)").encode()
    replies = await send_file(routed, files, admin, "questionnaire_teacher.yaml", edited)
    assert "версия «2025.1» уже загружена с другим содержанием" in replies[-1]  # was a second «2025.1»
    async with sessionmaker() as session:
        labels = list(
            await session.scalars(select(ContentVersion.version).where(ContentVersion.kind == "questionnaire_teacher"))
        )
    assert labels == ["2025.1"]


async def test_content_errors_name_the_area_and_the_line_in_russian(routed, sessionmaker, monkeypatch):
    files = serve_files(routed, monkeypatch)
    admin = routed.user(ADMIN_ID)
    tabbed = TEACHER_YAML.replace('\n  - code: "3"', '\n\t- code: "3"').encode()
    replies = await send_file(routed, files, admin, "questionnaire_teacher.yaml", tabbed)
    assert "файл не читается как YAML (строка" in replies[-1] and "табуляция" in replies[-1]
    assert "token" not in replies[-1] and "found" not in replies[-1]  # was the parser's English

    short = "\n".join(line for line in TEACHER_YAML.split("\n") if 'code: "3.5"' not in line)
    replies = await send_file(routed, files, admin, "questionnaire_teacher.yaml", short.encode())
    area_line = TEACHER_YAML.split("\n").index('  - code: "3"') + 1
    assert f"в области 3 «Оценочная» (строка {area_line}) 4 утверждения, а в остальных по 5" in replies[-1]
