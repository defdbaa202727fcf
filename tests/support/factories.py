"""Helpers that make people and rows for handler and unit tests. A test module imports from here
(or another tests/support module), never from another test module.

Two kinds, by name: dialogs through the dispatcher (`register`, `make_methodist`, `publish`,
`compose`, `built`) walk the screens a person walks; row writers (`make_event`, `make_attempt`,
`make_catalogue`, `diagnosed`, `attended`) write straight to the database what another test
already proves through the screens."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from aiogram import Bot
from sqlalchemy import func, select, update

from bot.content import CONTENT_DIR
from bot.delivery.worker import DeliveryConfig, DeliveryWorker
from bot.services import content
from bot.services.shared import roles
from models import (
    Activity,
    ActivityForm,
    AreaResult,
    AttemptStatus,
    Broadcast,
    ContentVersion,
    DiagnosisAttempt,
    Event,
    EventFormat,
    EventRegistration,
    Organization,
    RegistrationStatus,
    Role,
    Route,
    RouteStatus,
    RouteStep,
    User,
    utcnow,
)
from tests.support.fake_telegram import RecordingSession

MSK = ZoneInfo("Europe/Moscow")

# --- people ------------------------------------------------------------------------------------


async def register(user, name="Иванова Мария Петровна", year="1990") -> None:
    """The whole /start dialog: a maths and physics teacher of СОШ № 1 in Новочеркасск, 2 years."""
    await user.send("/start")
    await user.press("Согласен")
    await user.send(name)
    await user.press("Новочеркасск")
    await user.press("СОШ № 1")
    await user.press("Учитель")
    await user.press("Математика")
    await user.press("Физика")
    await user.press("Готово")
    await user.send("2")
    await user.send(year)


async def registered(harness, telegram_id: int, name: str = "Иванова Мария Петровна"):
    user = harness.user(telegram_id)
    await register(user, name=name)
    return user


async def count_users(sessionmaker) -> int:
    async with sessionmaker() as session:
        return await session.scalar(select(func.count()).select_from(User))


async def org_id(sessionmaker, name: str) -> int:
    """The id of the seeded organization whose name contains `name`."""
    async with sessionmaker() as session:
        return await session.scalar(select(Organization.id).where(Organization.name.contains(name)))


async def make_methodist(harness, sessionmaker, telegram_id: int, scope: str):
    """A registered person with the methodist role over the organization named `scope`."""
    async with sessionmaker() as session, session.begin():
        await roles.grant(session, None, Role.methodist, telegram_id, await org_id(sessionmaker, scope))
    methodist = harness.user(telegram_id)
    await register(methodist, name="Методист Ольга")
    return methodist


# --- events ------------------------------------------------------------------------------------


def when(delta: timedelta) -> str:
    """A moment `delta` from now as a methodist types it (Moscow time)."""
    return (utcnow() + delta).astimezone(MSK).strftime("%d.%m.%Y %H:%M")


async def make_event(
    sessionmaker,
    title: str,
    scope: str = "г. Новочеркасск",
    *,
    starts_at: datetime | None = None,
    capacity: int | None = None,
    **fields,
) -> int:
    starts_at = starts_at or utcnow() + timedelta(days=3)
    async with sessionmaker() as session, session.begin():
        scope_id = await session.scalar(select(Organization.id).where(Organization.name.contains(scope)))
        values = dict(
            description="",
            format=EventFormat.seminar,
            areas=[2],
            timezone="Europe/Moscow",
            duration_min=90,
            place="ИПК, ауд. 12",
            registration_deadline=starts_at - timedelta(hours=2),
        )
        event = Event(
            title=title, scope_org_id=scope_id, starts_at=starts_at, capacity=capacity, **{**values, **fields}
        )
        session.add(event)
        await session.flush()
        return event.id


async def publish(
    methodist, title="Семинар по функциональной грамотности", capacity="30", start=timedelta(days=10)
) -> list[str]:
    """The whole /new_event dialog, up to «Опубликовать»."""
    await methodist.send("/new_event")
    await methodist.send(title)
    await methodist.send("Разбор заданий PISA <для учителей> & не только")
    await methodist.press("Семинар")
    await methodist.press("4. Функциональная")
    await methodist.press("2. Методическая")
    await methodist.press("Готово")
    await methodist.press("Все: г. Новочеркасск")
    await methodist.send(when(start))
    await methodist.send("1,5 ч")
    await methodist.send("https://sferum.ru/?call_link=abc&x=1")
    await methodist.send(capacity)
    await methodist.press("До начала")
    return await methodist.press("Опубликовать")


async def the_event(sessionmaker, title: str | None = None) -> Event:
    async with sessionmaker() as session:
        query = select(Event).order_by(Event.id.desc())
        return await session.scalar(query.where(Event.title == title) if title else query)


async def registration(sessionmaker, telegram_id: int, event_id: int) -> EventRegistration | None:
    async with sessionmaker() as session:
        return await session.scalar(
            select(EventRegistration)
            .join(User)
            .where(User.telegram_id == telegram_id, EventRegistration.event_id == event_id)
        )


async def attended(sessionmaker, telegram_id: int, event_id: int, value: bool | None) -> None:
    async with sessionmaker() as session, session.begin():
        user_id = await session.scalar(select(User.id).where(User.telegram_id == telegram_id))
        session.add(
            EventRegistration(event_id=event_id, user_id=user_id, status=RegistrationStatus.registered, attended=value)
        )


# --- diagnosis and route -----------------------------------------------------------------------

CATALOGUE = [  # area, form, title, format, hours
    ("3", "formal", "Курс «Формирующее оценивание»", "курс ДПО", 36),
    ("3", "non_formal", "Стажировка: критериальное оценивание", "стажировка", 16),
    ("3", "informal", "Книга Пинской «Формирующее оценивание»", "книга", 12),
    ("3", "informal", "Вебинар-запись об объективности ВПР", "вебинар", 2),
    ("2", "formal", "Курс «Проектирование урока по ФГОС»", "курс ДПО", 72),
    ("2", "non_formal", "Мастер-класс «Дифференциация на уроке»", "мастер-класс", 2),
    ("2", "informal", "Книга Лемова «Мастерство учителя»", "книга", 15),
    ("8", "formal", "Курс «Цифровая образовательная среда»", "курс ДПО", 36),
    ("8", "non_formal", "Реверсивное наставничество", "наставничество", 10),
    ("8", "informal", "Видеоинструкции ФГИС «Моя школа»", "видео", 4),
    ("7", "informal", "Книга Фабер и Мазлиш", "книга", 12),
]


def result(area: str, score: int, zone: str, points: list[str] | None = None) -> AreaResult:
    return AreaResult(area=area, score=score, max_score=15, zone=zone, point_deficits=points or [])


async def make_attempt(session, user: User, results: list[AreaResult], completed_at: datetime) -> int:
    """A completed teacher diagnosis with these area results, on the bundled questionnaire."""
    data, checksum = content.parse(
        "questionnaire_teacher", (CONTENT_DIR / "questionnaire_teacher.yaml").read_text(encoding="utf-8")
    )
    version = await session.scalar(select(ContentVersion).where(ContentVersion.checksum == checksum))
    if version is None:
        version = ContentVersion(kind="questionnaire_teacher", version=data["version"], checksum=checksum, data=data)
        session.add(version)
        await session.flush()
    attempt = DiagnosisAttempt(
        user_id=user.id,
        variant="teacher",
        content_version_id=version.id,
        status=AttemptStatus.completed,
        completed_at=completed_at,
    )
    session.add(attempt)
    await session.flush()
    for row in results:
        row.attempt_id = attempt.id
        session.add(row)
    await session.flush()
    return attempt.id


async def make_catalogue(session, rows=CATALOGUE) -> dict[str, int]:
    """Activities with codes a<N>-<area>; returns their ids by title."""
    ids = {}
    for number, (area, form, title, fmt, hours) in enumerate(rows):
        activity = Activity(
            code=f"a{number}-{area}",
            area=area,
            title=title,
            format=fmt,
            form=ActivityForm(form),
            hours=hours,
            url=f"https://example.org/{number}",
        )
        session.add(activity)
        await session.flush()
        ids[title] = activity.id
    return ids


async def diagnosed(
    sessionmaker,
    telegram_id: int,
    results: list[AreaResult] | None = None,
    completed_at: datetime | None = None,
    catalogue: bool = True,
) -> int:
    """A completed diagnosis of a registered person (area 3 severe, 2 partial, 7 norm with point
    7.3 by default); with `catalogue`, the steps come from CATALOGUE, the bundled one hidden."""
    async with sessionmaker() as session, session.begin():
        if catalogue and not await session.scalar(
            select(func.count()).select_from(Activity).where(Activity.code.startswith("a0-"))
        ):
            await session.execute(update(Activity).values(is_active=False))
            await make_catalogue(session)
        user = await session.scalar(select(User).where(User.telegram_id == telegram_id))
        results = results or [result("3", 5, "severe"), result("2", 9, "partial"), result("7", 12, "norm", ["7.3"])]
        return await make_attempt(session, user, results, completed_at or utcnow())


async def route_steps(sessionmaker, telegram_id: int, status: RouteStatus | None = None) -> list[RouteStep]:
    async with sessionmaker() as session:
        query = (
            select(RouteStep)
            .join(Route, Route.id == RouteStep.route_id)
            .join(User, User.id == Route.user_id)
            .where(User.telegram_id == telegram_id, Route.status != RouteStatus.archived)
            .order_by(RouteStep.position)
        )
        return list(await session.scalars(query))


async def built(harness, sessionmaker, telegram_id: int):
    """A registered teacher with a diagnosis who pressed «build the route»: (user, attempt id)."""
    t = await registered(harness, telegram_id)
    attempt_id = await diagnosed(sessionmaker, telegram_id)
    await t.click(f"rbuild:{attempt_id}")
    return t, attempt_id


# --- broadcasts and delivery -------------------------------------------------------------------

FAST = DeliveryConfig(rate_per_s=500, per_chat_interval_s=0, quiet_hours="", max_attempts=2, flush_every_s=0.05)


def delivery_worker(sessionmaker, config=FAST, api=None, clock=utcnow):
    """The real outbox worker over its own recording fake Bot API, wired as bot.app wires it
    (outbox buttons packed by the handlers' CallbackData registry): (worker, api)."""
    from handlers.shared import outbox_buttons

    if api is None:
        api = RecordingSession()
        # This fake never saw the messages the harness's bot sent (a broadcast's progress screen),
        # so it must not refuse edits of them; test_delivery injects Telegram's refusals itself.
        api.like_telegram = False
    bot = Bot("123456:TEST-delivery", session=api)
    return DeliveryWorker(bot, sessionmaker, config, clock, pack_callback=outbox_buttons.pack), api


async def compose(methodist, text: str = "Приглашаем на <b>семинар</b> по оцениванию") -> list[str]:
    await methodist.send("/broadcast")
    return await methodist.send(text)


async def the_broadcast(sessionmaker) -> Broadcast:
    async with sessionmaker() as session:
        return await session.scalar(select(Broadcast).order_by(Broadcast.id.desc()))
