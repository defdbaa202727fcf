"""Issue 13, content and quieter corners: a retake interval of 0, the questionnaire's framework on
upload, labels and the file as uploaded, content errors in Russian."""

from datetime import timedelta

from sqlalchemy import select, update

from bot.content import CONTENT_DIR
from bot.services import content
from handlers.diagnosis.ui import MenuCb
from handlers.events.callbacks import EventAdminCb
from models import EventRegistration, OutboxMessage, RegistrationStatus, RouteStep, StepStatus, User, utcnow
from tests.support.factories import built, diagnosed, make_event, make_methodist, registered, route_steps

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
