"""The objective check of the self-assessment end to end through the emulator (issue 16): a teacher
whose diagnosis shows a severe deficit in area 3 builds her ИОМ, takes the check of that area with
/check (the area is offered first), answering every task through the buttons; the check puts her in
the resource zone, the result shows both side by side and says the ИОМ follows the check; /route
offers the rebuild and the new route plans area 3 on the check (no steps there) and says so.
The diagnosis is written straight to the bot's database; the keys come from the shipped bank."""

import pytest
import yaml
from sqlalchemy import select

from models import AttemptStatus, ObjectiveCheck, Route, RouteStatus, RouteStep, StepStatus
from tests.e2e.client import BotMessage, TgUser
from tests.e2e.database import BotDb
from tests.e2e.flows import add_diagnosis, press, register
from tests.e2e.processes import REPO_ROOT

pytestmark = pytest.mark.backends("sqlite", "postgres")

BANK = REPO_ROOT / "bot" / "content" / "objective_tasks.yaml"
ZONES = {"1": "norm", "2": "partial", "3": "severe", "4": "norm", "5": "norm", "6": "norm", "7": "norm", "8": "norm"}


def keys(area: str) -> dict[str, int]:
    """Task text -> the number of its right option, for one area of the shipped bank."""
    bank = yaml.safe_load(BANK.read_text(encoding="utf-8"))
    [tasks] = [a["tasks"] for a in bank["areas"] if a["code"] == area]
    return {task["text"]: task["answer"] for task in tasks}


async def answer_rightly(teacher: TgUser, question: BotMessage, area: str) -> BotMessage:
    """Answer every task of the running check with its right option; the result message."""
    right = keys(area)
    while "Проверка завершена" not in question.body:
        [option] = [number for text, number in right.items() if text in question.body]
        await teacher.click(str(option))
        question = await teacher.wait_edit(question, timeout=20)
    return question


async def live_steps(db: BotDb, telegram_id: int) -> list[RouteStep]:
    user = await db.user(telegram_id)
    return await db.scalars(
        select(RouteStep)
        .join(Route, Route.id == RouteStep.route_id)
        .where(Route.user_id == user.id, Route.status != RouteStatus.archived, RouteStep.status != StepStatus.removed)
    )


async def test_severe_deficit_checked_and_the_route_follows_the_check(make_user, db):
    teacher = await make_user(first_name="Светлана")
    await register(teacher, "Проверкина Светлана")
    await add_diagnosis(db, teacher.user_id, ZONES)

    # the ИОМ on the self-assessment: area 3 (severe) and area 2 (partial)
    await teacher.send("/route")
    await teacher.wait_reply(contains="Самодиагностика пройдена", timeout=30)
    await press(teacher, "Построить ИОМ", "ИОМ составлен")
    first = await live_steps(db, teacher.user_id)
    assert {s.area for s in first} == {"2", "3"} and {s.deficit_kind for s in first if s.area == "3"} == {"severe"}

    # /check offers area 3 first; every task answered through the buttons, rightly
    await teacher.send("/check")
    picker = await teacher.wait_reply(contains="Проверка самооценки", timeout=30)
    assert "Стоит проверить прежде всего (выраженный дефицит): 3. Оценочная." in picker.text
    assert picker.buttons[0]["text"] == "🔴 3. Оценочная"
    question = await press(teacher, "🔴 3. Оценочная", f"Задание 1 из {len(keys('3'))}")
    result = await answer_rightly(teacher, question, "3")
    for line in (
        "Проверка завершена: 3. Оценочная.",
        "самооценка: 🔴 выраженный дефицит",
        f"проверка: 🔵 ресурсная зона ({len(keys('3'))} из {len(keys('3'))} верно, 15 из 15)",
        "Расходятся на зону и больше: ИОМ будет построен по результату проверки.",
    ):
        assert line in result.text, (line, result.text)
    [check] = await db.scalars(select(ObjectiveCheck))
    assert (check.area, check.status, check.self_zone, check.zone, check.score) == (
        "3",
        AttemptStatus.completed,
        "severe",
        "resource",
        15,
    )

    # /route offers the rebuild; the new ИОМ plans area 3 on the check (resource: no steps) and says so
    await teacher.send("/route")
    route = await teacher.wait_reply(contains="Мой ИОМ", timeout=30)
    assert "можно перестроить по её результату" in route.text, route.text
    await press(teacher, "🔄 Перестроить по результату проверки", "Перестроить ИОМ по новым результатам")
    built = await press(teacher, "Да, перестроить", "ИОМ составлен")
    assert (
        "По результату проверки самооценки построены области: 3. Оценочная "
        "(самооценка: выраженный дефицит, проверка: ресурсная зона)." in built.text
    ), built.text
    rebuilt = await live_steps(db, teacher.user_id)
    assert rebuilt and {s.area for s in rebuilt} == {"2"}, [(s.area, s.title) for s in rebuilt]
    statuses = await db.scalars(select(Route.status).order_by(Route.id))
    assert statuses[0] == RouteStatus.archived and statuses[1] != RouteStatus.archived and len(statuses) == 2

    # the rebuilt route is up to date: /route no longer offers it
    await teacher.send("/route")
    current = await teacher.wait_reply(contains="Мой ИОМ", timeout=30)
    assert "Перестроить по результату проверки" not in [b["text"] for b in current.buttons]
