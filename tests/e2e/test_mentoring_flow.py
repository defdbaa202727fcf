"""Mentoring end to end through the emulator: a methodist (granted through the CLI, scoped to the
municipality) pairs a young specialist with an experienced colleague picked from the suggestions;
the mentor sees the mentee's progress in /mentees, comments on a step and logs a check-in; the
mentee gets both and writes back through the relay (/mentor), the mentor answers with the reply
button; a missed meeting cadence escalates to the methodist.

Diagnoses and routes are written straight to the bot's database (their screens have their own e2e
test). The `mentoring_cadence` job runs every 60 minutes in the bot (not configurable), so the
escalation part moves the last meeting back in the database and runs the job's function from
this process on the same database; the running bot's delivery job then sends what it queued."""

import asyncio
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from bot.services.mentoring import cadence as mentoring
from models import (
    CheckIn,
    MentorPair,
    Organization,
    OutboxMessage,
    PairStatus,
    PairType,
    Role,
    RoleGrant,
    Route,
    RouteComment,
    RouteStatus,
    RouteStep,
    StepStatus,
    utcnow,
)
from tests.e2e.client import BotMessage, TgUser, eventually
from tests.e2e.database import BotDb
from tests.e2e.flows import add_diagnosis, grant_methodist, press, register

SILENT_DAYS = 45  # > 3 × the default cadence of 14 days: both escalation levels are owed


@pytest.fixture(scope="module")
def bot_extra_env() -> dict[str, str]:
    # Pair announcements, comments, check-in copies and escalations go through the outbox: no quiet
    # hours, or the story would stall when the suite runs in the evening.
    # The cadence job runs every few seconds here instead of hourly, so the escalation below is
    # raised by the running bot itself.
    return {"QUIET_HOURS": "", "DELIVERY_INTERVAL_S": "0.5", "MENTORING_INTERVAL_S": "3"}


async def register_young(user: TgUser, name: str) -> BotMessage:
    """Like `register`, but a young specialist: 1 year of experience, born in 2001."""
    await user.send("/start")
    await user.wait_reply(contains="Согласие на обработку", timeout=30)
    await press(user, "✅ Согласен(на)", "Введите ваши фамилию")
    await user.send(name)
    await user.wait_reply(contains="Выберите муниципалитет", timeout=20)
    await press(user, "г. Новочеркасск", "Выберите организацию")
    await press(user, "МБОУ СОШ № 1", "Ваша должность")
    await press(user, "Учитель", "Отметьте предметы")
    await press(user, "Математика", "Отметьте предметы")
    await press(user, "Готово ➡", "стаж")
    await user.send("1")
    await user.wait_reply(contains="Год рождения", timeout=20)
    await user.send("2001")
    return await user.wait_reply(contains="Вы зарегистрированы", timeout=30)


STEPS = [  # (title, status, deadline shift in days): 1 of 3 done, none overdue
    ("Курс «Критериальное оценивание»", StepStatus.done, 10),
    ("Листы самооценки в 7 классе", StepStatus.planned, 20),
    ("Стажировка в СОШ № 3", StepStatus.planned, 60),
]


async def add_route(db: BotDb, telegram_id: int, today) -> list[int]:
    user = await db.user(telegram_id)
    async with db.session() as session, session.begin():
        route = Route(
            user_id=user.id, status=RouteStatus.active, period_start=today, period_end=today + timedelta(days=180)
        )
        session.add(route)
        await session.flush()
        steps = [
            RouteStep(
                route_id=route.id,
                position=n,
                area="3",
                deficit_kind="severe",
                title=title,
                form="formal",
                task="Разобрать приёмы",
                deadline=today + timedelta(days=shift),
                status=status,
                done_at=utcnow() if status == StepStatus.done else None,
            )
            for n, (title, status, shift) in enumerate(STEPS, start=1)
        ]
        session.add_all(steps)
        await session.flush()
        return [s.id for s in steps]


def button_with(message: BotMessage, fragment: str) -> str:
    labels = [b["text"] for b in message.buttons if fragment in b["text"]]
    assert labels, f"no button with {fragment!r}: {[b['text'] for b in message.buttons]}"
    return labels[0]


@pytest.mark.timeout(900)
async def test_young_specialist_pair_story(make_user, bot_process, db):
    methodist = await make_user(first_name="Ольга")
    mentor = await make_user(first_name="Мария")
    mentee = await make_user(first_name="Анна")
    await asyncio.gather(
        register(methodist, "Методистова Ольга"),
        register(mentor, "Опытная Мария"),
        register_young(mentee, "Молодая Анна"),
    )

    async with db.session() as session:
        municipality = await session.scalar(select(Organization.id).where(Organization.name == "г. Новочеркасск"))
    assert "granted" in await grant_methodist(bot_process, methodist.user_id, municipality)

    mentee_row, mentor_row = (
        await eventually(lambda: db.user(mentee.user_id)),
        await eventually(lambda: db.user(mentor.user_id)),
    )
    assert (mentee_row.experience_years, mentee_row.birth_year) == (1, 2001)
    zone = ZoneInfo(mentee_row.timezone)
    today = datetime.now(zone).date()
    await add_diagnosis(db, mentee.user_id, {"1": "norm", "2": "partial", "3": "severe"})
    await add_diagnosis(db, mentor.user_id, {"1": "resource", "2": "norm", "3": "resource"}, days_ago=30)
    await add_route(db, mentee.user_id, today)

    # --- the methodist: young specialists without a mentor → suggestions → a pair --------------
    await methodist.send("/pairs")
    await methodist.wait_reply(contains="Наставнические пары", timeout=30)
    young = await press(methodist, "Молодые специалисты без наставника", "до 35 лет, стаж до 3 лет")
    assert "Молодая Анна" in young.text and "стаж 1 г." in young.text
    assert "Опытная Мария" not in young.text and "Методистова Ольга" not in young.text
    shown = await press(methodist, "Подобрать наставника: Молодая Анна", "Подбор наставника")
    assert "Форма: наставник — молодой специалист" in shown.text
    assert "Дефициты: Оценочная, Методическая" in shown.text
    assert "Молодая Анна —" not in shown.text.split("Дефициты")[1]  # never her own mentor
    candidates = shown.text.split("Дефициты")[1]
    assert "Опытная Мария" in candidates and "Методистова Ольга" not in candidates  # not the methodist choosing
    assert "ресурсная зона: Оценочная; тот же предмет: Математика; та же школа; свободно 3 места из 3" in shown.text
    await press(methodist, "Назначить: Опытная Мария", "Напишите цель наставничества")
    await methodist.send("Освоить <формирующее> оценивание")
    card = await methodist.wait_reply(contains="Пара создана", timeout=30)
    assert "Освоить <формирующее> оценивание" in card.text and "&lt;формирующее&gt;" in card.raw_text
    assert "Форма: наставник — молодой специалист" in card.text and "раз в 2 недели" in card.text

    assigned = await mentor.wait_reply(contains="Вы назначены наставником", timeout=30)
    assert "Молодая Анна" in assigned.text and "/mentees" in assigned.text
    assert any(b["text"] == "Открыть карточку" for b in assigned.buttons)
    told = await mentee.wait_reply(contains="Вам назначен наставник", timeout=30)
    assert "Опытная Мария" in told.text and "/mentor" in told.text
    async with db.session() as session:
        pair = await session.scalar(select(MentorPair))
        assert (pair.type, pair.status, pair.starts_on, pair.cadence_days) == (
            PairType.young_specialist,
            PairStatus.active,
            today,
            14,
        )
        assert await session.scalar(
            select(RoleGrant.id).where(RoleGrant.telegram_id == mentor.user_id, RoleGrant.role == Role.mentor)
        )

    # --- the mentor: progress in /mentees, the card, a comment on a step -----------------------
    await mentor.send("/mentees")
    listing = await mentor.wait_reply(contains="Мои подопечные", timeout=30)
    for fragment in (
        "Молодая Анна",
        "Диагностика: пройдена",
        "ИОМ: в работе, выполнено 33%",
        "Последняя встреча: ещё не было",
    ):
        assert fragment in listing.text, (fragment, listing.text)
    await mentor.click("Молодая Анна")
    chart = await mentor.wait_reply(predicate=lambda m: bool(m.photo), timeout=60)
    assert "Профиль компетенций: Молодая Анна" in chart.caption
    mentee_card = await mentor.wait_reply(contains="Цель наставничества", timeout=30)
    for fragment in (
        "Оценочная — выраженный дефицит (5/15)",
        "✅ 1. Курс «Критериальное оценивание»",
        "▫️ 2. Листы самооценки в 7 классе",
    ):
        assert fragment in mentee_card.text, (fragment, mentee_card.text)

    await mentor.click("💬 Комментарий к шагу")
    await mentor.wait_edit(mentee_card, contains="К какому шагу", timeout=30)
    asked = await mentor.click("2. Листы самооценки в 7 классе")
    await mentor.wait_edit(asked, contains="Напишите комментарий", timeout=30)
    await mentor.send("Возьмите шаблон листа из папки <Оценивание> & покажите на встрече")
    saved = await mentor.wait_reply(contains="Комментарий сохранён", timeout=30)
    assert "Молодая Анна" in saved.text

    note = await mentee.wait_reply(contains="Комментарий наставника", timeout=30)
    assert "Опытная Мария" in note.text and "к шагу «Листы самооценки в 7 классе»" in note.text
    assert "из папки <Оценивание> & покажите" in note.text
    await mentee.click("Открыть шаг")
    await mentee.wait_edit(note, contains="Срок: до", timeout=30)

    # --- the mentor logs a check-in; the mentee gets a copy ------------------------------------
    await mentor.click("📝 Записать встречу")
    await mentor.wait_edit(saved, contains="Когда прошла встреча", timeout=30)
    mentor_today = datetime.now(ZoneInfo(mentor_row.timezone)).date()
    await mentor.send(f"{mentor_today:%d.%m.%Y}")
    await mentor.wait_reply(contains="Что обсуждали", timeout=30)
    await mentor.send("Разобрали урок в 7 «Б»: обратная связь")
    await mentor.wait_reply(contains="О чём договорились", timeout=30)
    await mentor.send("Открытый урок к пятнице")
    logged = await mentor.wait_reply(contains="Встреча записана", timeout=30)
    assert f"Последняя встреча: {mentor_today:%d.%m.%Y}" in logged.text

    copy = await mentee.wait_reply(contains="Встреча с наставником", timeout=30)
    assert "Опытная Мария" in copy.text and f"{mentor_today:%d.%m.%Y}" in copy.text
    assert "Обсуждали: Разобрали урок в 7 «Б»: обратная связь" in copy.text
    assert "Договорились: Открытый урок к пятнице" in copy.text

    # --- the relay: the mentee writes through /mentor, the mentor answers ------------------------
    await mentee.send("/mentor")
    mine = await mentee.wait_reply(contains="Ваш наставник: Опытная Мария", timeout=30)
    assert f"последняя — {mentor_today:%d.%m.%Y}" in mine.text
    assert str(mentor.user_id) not in mine.text and mentor.user["username"] not in mine.text
    await mentee.click(button_with(mine, "Написать"))
    await mentee.wait_reply(contains="Получатель: Опытная Мария", timeout=30)
    await mentee.send("Можно перенести встречу на <среду>?")
    await mentee.wait_reply(contains="Сообщение передано", timeout=30)

    relayed = await mentor.wait_reply(contains="Сообщение от подопечного", timeout=30)
    assert "Молодая Анна" in relayed.text and relayed.text.endswith("Можно перенести встречу на <среду>?")
    assert str(mentee.user_id) not in relayed.text and mentee.user["username"] not in relayed.text
    assert [b["text"] for b in relayed.buttons] == ["↩️ Ответить"]
    await mentor.click("↩️ Ответить")
    await mentor.wait_reply(contains="Получатель: Молодая Анна", timeout=30)
    await mentor.send("Да, в среду в 15:00 в 214 кабинете")
    await mentor.wait_reply(contains="Сообщение передано", timeout=30)
    back = await mentee.wait_reply(contains="Сообщение от наставника", timeout=30)
    assert "Опытная Мария" in back.text and back.text.endswith("Да, в среду в 15:00 в 214 кабинете")
    assert any(b["text"] == "↩️ Ответить" for b in back.buttons)

    async with db.session() as session:
        comments = list(await session.scalars(select(RouteComment)))
        checkins = list(await session.scalars(select(CheckIn)))
    assert [c.text for c in comments] == ["Возьмите шаблон листа из папки <Оценивание> & покажите на встрече"]
    assert [(c.held_on, c.next_steps) for c in checkins] == [(mentor_today, "Открытый урок к пятнице")]

    # --- the cadence is missed: no meeting for SILENT_DAYS → escalation to the methodist --------
    held_on = mentor_today - timedelta(days=SILENT_DAYS)
    async with db.session() as session, session.begin():
        await session.execute(update(MentorPair).values(starts_on=held_on - timedelta(days=5)))
        await session.execute(update(CheckIn).values(held_on=held_on))
    alarm = await methodist.wait_reply(contains="Наставническая пара без встреч", timeout=60)
    for _ in range(2):  # two more runs of the job (here, on the same database): they add nothing
        async with db.session() as session, session.begin():
            assert await mentoring.enqueue_checkin_reminders_and_escalations(session, utcnow()) == 0
    async with db.session() as session:
        assert (await session.scalar(select(MentorPair))).escalation_level == 2
        purposes = sorted(
            (m.purpose, m.chat_id)
            for m in await session.scalars(
                select(OutboxMessage).where(OutboxMessage.purpose.in_(["mentor_escalation", "mentor_checkin"]))
            )
        )
    # Both levels fell due at once and both reach the municipality's methodist: one alarm, not two.
    assert purposes == [("mentor_checkin", mentor.user_id), ("mentor_escalation", methodist.user_id)]

    for fragment in (
        f"без встреч {SILENT_DAYS} дн.",
        "наставник Опытная Мария",
        "подопечный Молодая Анна",
        "План — раз в 2 недели",
        f"последняя встреча — {held_on:%d.%m.%Y}",
    ):
        assert fragment in alarm.text, (fragment, alarm.text)
    reminder = await mentor.wait_reply(contains="Пора встретиться", timeout=60)
    assert "Молодая Анна" in reminder.text and f"последняя встреча — {held_on:%d.%m.%Y}" in reminder.text
    await mentor.expect_silence(1)
    await mentee.expect_silence(1)  # the mentee is never told about the escalation

    opened = await methodist.click("Открыть пару")
    pair_card = await methodist.wait_edit(opened, contains="Наставник: Опытная Мария", timeout=30)
    assert "Наставник: Опытная Мария" in pair_card.text and "Подопечный: Молодая Анна" in pair_card.text
    assert f"последняя — {held_on:%d.%m.%Y}" in pair_card.text

    # The mentor opens the card from the reminder and logs the meeting: the silence is over.
    await mentor.click("Открыть карточку")
    reopened = await mentor.wait_reply(contains="Цель наставничества", timeout=60)
    await mentor.click("📝 Записать встречу")
    await mentor.wait_edit(reopened, contains="Когда прошла встреча", timeout=30)
    await mentor.send(f"{mentor_today:%d.%m.%Y}")
    await mentor.wait_reply(contains="Что обсуждали", timeout=30)
    await mentor.send("Встретились после напоминания")
    await mentor.wait_reply(contains="О чём договорились", timeout=30)
    await mentor.send("-")
    await mentor.wait_reply(contains="Встреча записана", timeout=30)
    await mentee.wait_reply(contains="Встретились после напоминания", timeout=30)
    async with db.session() as session, session.begin():
        assert await mentoring.enqueue_checkin_reminders_and_escalations(session, utcnow()) == 0
    async with db.session() as session:
        assert (await session.scalar(select(MentorPair))).escalation_level == 0


def test_bot_log_has_no_tracebacks(bot_process):
    """Runs last in this module: nothing above made the real process log an unhandled error."""
    log = bot_process.log_text()
    assert "Traceback" not in log and " ERROR " not in log, log[-3000:]
