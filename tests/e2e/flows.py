"""What several e2e tests do the same way: the dialogs a person walks through the emulator and the
rows written straight to the bot's database. Test modules import from here, never from each other."""

import asyncio
from datetime import date, timedelta

from sqlalchemy import select

from models import (
    AreaResult,
    AttemptStatus,
    ContentVersion,
    DiagnosisAttempt,
    Organization,
    Position,
    Route,
    RouteStatus,
    RouteStep,
    StepStatus,
    User,
    utcnow,
)
from tests.e2e.client import BotMessage, TgUser
from tests.e2e.database import BotDb
from tests.e2e.processes import REPO_ROOT
from tests.support import clock

ASSESSMENT_ITEMS = range(10, 15)  # questions 11–15: area 3 «Оценочная», all answered 0


async def press(user: TgUser, label: str, expect: str) -> BotMessage:
    """Press an inline button and wait for the message to be redrawn with `expect`."""
    message = await user.click(label)
    return await user.wait_edit(message, contains=expect, timeout=15)


async def register(user: TgUser, name: str) -> BotMessage:
    """The whole /start dialog: a maths teacher of МБОУ СОШ № 1 in Новочеркасск, 7 years."""
    await user.send("/start")
    await user.wait_reply(contains="Согласие на обработку", timeout=20)
    await press(user, "✅ Согласен(на)", "Введите ваши фамилию")
    await user.send(name)
    await user.wait_reply(contains="Выберите муниципалитет")
    await press(user, "г. Новочеркасск", "Выберите организацию")
    await press(user, "МБОУ СОШ № 1", "Ваша должность")
    await press(user, "Учитель", "Отметьте предметы")
    await press(user, "Математика", "Отметьте предметы")
    await press(user, "Готово ➡", "стаж")
    await user.send("7")
    await user.wait_reply(contains="Год рождения")
    await user.send("1988")
    return await user.wait_reply(contains="Вы зарегистрированы", timeout=15)


async def wait_text(user: TgUser, contains: str, timeout: float = 20) -> BotMessage:
    """A bot message (new, or an existing one edited) whose current text contains `contains`."""

    def find(messages):
        return next((m for m in reversed(messages) if contains in m.body), None)

    return await user._poll(find, timeout, f"text containing {contains!r}")


async def answer(user: TgUser, question: BotMessage, number: int) -> BotMessage:
    """Answer question `number` of the teacher questionnaire (0 in area 3, else 2)."""
    value = "0" if number - 1 in ASSESSMENT_ITEMS else "2"
    await user.click(value)
    return await user.wait_edit(question, contains=f"Вопрос {number + 1} из 40", timeout=15)


async def grant_methodist(bot_process, telegram_id: int, org_id: int) -> str:
    """`python -m bot grant methodist ID --scope ORG` on the running bot's database."""
    proc = await asyncio.create_subprocess_exec(
        *clock.bot_command("grant", "methodist", str(telegram_id), "--scope", str(org_id)),
        cwd=REPO_ROOT,
        env=clock.child_env(bot_process.env),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(proc.communicate(), 120)
    assert proc.returncode == 0, out.decode(errors="replace")
    return out.decode(errors="replace")


async def add_diagnosis(db: BotDb, telegram_id: int, zones: dict[str, str], days_ago: int = 2) -> None:
    """A completed teacher diagnosis with these zones per area, written to the bot's database."""
    user = await db.user(telegram_id)
    scores = {"severe": 5, "partial": 9, "norm": 12, "resource": 15}
    async with db.session() as session, session.begin():
        version = await session.scalar(
            select(ContentVersion.id).where(
                ContentVersion.kind == "questionnaire_teacher", ContentVersion.is_current.is_(True)
            )
        )
        attempt = DiagnosisAttempt(
            user_id=user.id,
            variant="teacher",
            content_version_id=version,
            status=AttemptStatus.completed,
            current_index=40,
            completed_at=utcnow() - timedelta(days=days_ago),
        )
        session.add(attempt)
        await session.flush()
        session.add_all(
            AreaResult(attempt_id=attempt.id, area=area, score=scores[zone], max_score=15, zone=zone, point_deficits=[])
            for area, zone in zones.items()
        )


async def add_route(db: BotDb, telegram_id: int, area: str = "3", title: str = "Курс «Оценивание»") -> int:
    """An active route with one planned formal step in `area`, written to the bot's database; its id."""
    user = await db.user(telegram_id)
    today = date.today()
    async with db.session() as session, session.begin():
        route = Route(
            user_id=user.id, status=RouteStatus.active, period_start=today, period_end=today + timedelta(days=180)
        )
        session.add(route)
        await session.flush()
        step = RouteStep(
            route_id=route.id,
            position=1,
            area=area,
            deficit_kind="severe",
            title=title,
            form="formal",
            task="",
            deadline=today + timedelta(days=60),
            status=StepStatus.planned,
        )
        session.add(step)
        await session.flush()
        return step.id


async def add_people(db: BotDb, people: dict[int, tuple[str, Position]], school: str = "МБОУ СОШ № 1") -> None:
    """Registered people (telegram id -> full name, position) of `school`, written to the bot's database:
    maths teachers with 7 years of experience, born in 1988, like `register` makes."""
    async with db.session() as session, session.begin():
        org = await session.scalar(
            select(Organization.id).where(Organization.name == school).order_by(Organization.id).limit(1)
        )
        session.add_all(
            User(
                telegram_id=telegram_id,
                full_name=name,
                position=position,
                subjects=["Математика"],
                experience_years=7,
                birth_year=1988,
                organization_id=org,
                timezone="Europe/Moscow",
                consent_at=utcnow(),
            )
            for telegram_id, (name, position) in people.items()
        )
