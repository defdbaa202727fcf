"""A press gets one answer, and a refusal is that answer: Telegram keeps only the first answer to
a press, so a handler that answers «OK» and then refuses leaves the person with the wrong one. The
harness fails any test that answered a press twice; these cover the presses that used to."""

from sqlalchemy import update

from handlers.monitoring.ui import StatsCb
from handlers.route.ui import SkipFileCb
from handlers.shared.callbacks import PositionCb
from models import RouteStep, StepStatus, utcnow
from tests.support.factories import built, make_methodist, org_id, register, route_steps
from tests.support.indicators_data import PERIOD


async def test_a_forged_position_in_the_profile_is_refused_in_the_one_answer(harness):
    teacher = harness.user(871)
    await register(teacher)
    await teacher.send("/profile")
    await teacher.press("Должность")
    replies = await teacher.click(PositionCb(value="director-general"))
    assert replies == ["Выберите должность кнопкой из списка."]
    assert "Сохранено" in (await teacher.press("Учитель"))[-1]  # the dialog still works
    assert harness.api.double_answers == []


async def test_skipping_the_file_of_a_step_closed_meanwhile_is_refused_in_the_one_answer(harness, sessionmaker):
    teacher, _ = await built(harness, sessionmaker, 872)
    step = (await route_steps(sessionmaker, 872))[0]
    await teacher.click(f"rstep:done:{step.id}")
    await teacher.send("Провела открытый урок")
    async with sessionmaker() as session, session.begin():  # attendance closed the step meanwhile
        await session.execute(
            update(RouteStep).where(RouteStep.id == step.id).values(status=StepStatus.done, done_at=utcnow())
        )
    replies = await teacher.click(SkipFileCb(step_id=step.id))
    assert replies == ["Этот шаг уже отмечен выполненным."]
    assert harness.api.double_answers == []


async def test_the_report_button_refuses_out_of_scope_in_the_one_answer(harness, sessionmaker):
    methodist = await make_methodist(harness, sessionmaker, 873, "г. Новочеркасск")
    foreign = await org_id(sessionmaker, "г. Волгодонск")
    start, end = PERIOD.key
    replies = await methodist.click(StatsCb(action="xls", org_id=foreign, start=start, end=end))
    assert len(replies) == 1 and "вне вашей зоны" in replies[0] and "Собираю" not in replies[0]
    assert harness.api.sent("SendDocument") == [] and harness.api.double_answers == []
