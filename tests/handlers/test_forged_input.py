"""Absurd input from people and forged buttons: numbers beyond any column, digits that are not
ASCII, presses Telegram no longer takes an answer for. Each gets a clear answer; nothing crashes
(the harness fails a test whose updates logged an error or answered a press twice)."""

from datetime import timedelta

import pytest
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import SendMediaGroup
from sqlalchemy import select

from bot.services.admin.content import parse_hours
from bot.services.mentoring.rules import parse_day
from bot.services.shared.errors import InvalidInput
from handlers.events.callbacks import EventAdminCb, EventCb
from handlers.mentoring.ui import PairCb
from handlers.monitoring.ui import StatsCb
from models import Event, MentorPair, PairStatus, PairType, RoleGrant, User
from tests.support import clock
from tests.support.factories import (
    compose,
    make_event,
    make_methodist,
    org_id,
    publish,
    register,
    the_broadcast,
    the_event,
    when,
)
from tests.support.harness import ADMIN_ID, Harness
from tests.support.indicators_data import PERIOD, seed_dataset

HUGE = "99999999999999999999"  # 20 digits: beyond SQLite's INTEGER and PostgreSQL's BIGINT


async def test_ids_beyond_64_bits_are_answered_as_stale_buttons(harness, sessionmaker):
    teacher = harness.user(801)
    await register(teacher)
    for data in (
        f"evcard:open:{HUGE}:all:0",
        f"evcard:join:{HUGE}:all:0",
        f"rstep:done:{HUGE}",
        f"rstep:open:-{HUGE}",
        f"offer:{HUGE}:1",
        f"dg:b:{HUGE}:0:0",
        f"dg:a:1:{HUGE}:1",
        f"dgm:res:{HUGE}",
        f"mnt:card:{HUGE}:0:0",
        f"mrel:{HUGE}",
        f"subj:{HUGE}",
    ):
        replies = await teacher.click(data)
        assert replies and "устарела" in replies[-1], data
    methodist = await make_methodist(harness, sessionmaker, 802, "г. Новочеркасск")
    for data in (
        f"evadm:card:{HUGE}:0:0",
        f"st:show:{HUGE}:20250901:20260531:0:0",
        f"mpair:card:{HUGE}:0",
        f"bc:open:{HUGE}:0:0:0",
        f"bcann:{HUGE}",
        f"org:invite:choose:{HUGE}:0",
    ):
        replies = await methodist.click(data)
        assert replies and "устарела" in replies[-1], data
    # A 64-bit id still parses: it is simply not there.
    replies = await teacher.click(EventCb(action="open", event_id=2**63 - 1))
    assert "устарела" not in replies[-1]


async def test_a_400_digit_duration_is_refused_in_the_new_event_and_in_editing(harness, sessionmaker):
    methodist = await make_methodist(harness, sessionmaker, 803, "г. Новочеркасск")
    await methodist.send("/new_event")
    await methodist.send("Семинар")
    await methodist.send("-")
    await methodist.press("Семинар")
    await methodist.press("1. Предметная")
    await methodist.press("Готово")
    await methodist.press("Все: г. Новочеркасск")
    await methodist.send(when(timedelta(days=3)))
    for typed in ("9" * 400, "9" * 400 + " ч", "1" * 30 + ",5 дн"):
        assert "от 5 минут до 180 дней" in (await methodist.send(typed))[-1], typed
    assert "Место проведения" in (await methodist.send("2 ч"))[-1]  # the dialog goes on
    await methodist.send("/cancel")

    await publish(methodist)
    event = await the_event(sessionmaker)
    await methodist.click(EventAdminCb(action="field", event_id=event.id, arg=6))  # «Продолжительность»
    assert "от 5 минут до 180 дней" in (await methodist.send("9" * 400))[-1]
    async with sessionmaker() as session:
        assert (await session.get(Event, event.id)).duration_min == 90


async def test_ids_and_numbers_are_ascii_digits(harness, sessionmaker):
    admin = harness.user(ADMIN_ID)
    await register(admin)
    for args in ("²", "٣٤٥", "¹²³", "1²"):
        replies = await admin.send(f"/grant {args}")
        assert "/grant" in replies[-1], args  # the usage again, no dialog opened
    async with sessionmaker() as session:
        assert (await session.scalars(select(RoleGrant))).all() == []
    teacher = harness.user(804)
    await teacher.send("/start")
    await teacher.press("Согласен")
    await teacher.send("Иванова Мария")
    await teacher.press("Новочеркасск")
    await teacher.press("СОШ № 1")
    await teacher.press("Учитель")
    await teacher.press("Математика")
    await teacher.press("Готово")
    assert "числом" in (await teacher.send("²"))[-1]
    await teacher.send("2")
    assert "четырьмя цифрами" in (await teacher.send("١٩٩٠"))[-1]  # Arabic-Indic digits are not a year here


@pytest.mark.parametrize("typed", ["²", "٣٦", "9" * 400])
def test_typed_hours_and_days_refuse_other_digits(typed):
    with pytest.raises(InvalidInput):
        parse_hours(typed)
    with pytest.raises(InvalidInput):
        parse_day(f"01.{typed}.2026")


async def test_a_press_too_old_to_answer_still_updates_the_screen(harness, sessionmaker):
    teacher = harness.user(805)
    await register(teacher)
    event_id = await make_event(sessionmaker, "Семинар для всех")
    await teacher.send("/events")
    listing = harness.api.last_keyboard(805)[0]
    replies = await teacher.click(EventCb(action="open", event_id=event_id), listing, too_old=True)
    assert "Семинар для всех" in teacher.screen(listing) and replies
    # The diagnosis answers its presses itself: an old press still moves on to the question.
    await teacher.send("/diagnostics")
    data = next(d for text, d in teacher.buttons() if "Начать" in text)
    replies = await teacher.click(data, too_old=True)
    assert "1/" in replies[-1] or "Вопрос" in replies[-1]
    # A refusal to an old press, and a stale button pressed while the bot was down, arrive in the chat.
    replies = await teacher.click(EventAdminCb(action="card", event_id=event_id), too_old=True)
    assert "только методистам" in replies[-1]
    replies = await teacher.click("subj:3", too_old=True)
    assert "устарела" in replies[-1] and harness.api.sent("SendMessage", 805)[-1].text == replies[-1]


async def test_charts_that_cannot_be_sent_are_reported(harness, sessionmaker):
    await seed_dataset(sessionmaker)
    methodist = await make_methodist(harness, sessionmaker, 806, "г. Новочеркасск")
    novocherkassk = await org_id(sessionmaker, "г. Новочеркасск")
    harness.api.fail(
        "SendMediaGroup",
        806,
        TelegramBadRequest(SendMediaGroup(chat_id=806, media=[]), "Bad Request: failed to send message #1"),
    )
    start, end = PERIOD.key
    replies = await methodist.click(StatsCb(action="png", org_id=novocherkassk, start=start, end=end))
    assert "Рисую графики" in replies[-1] or "Не удалось отправить графики" in " ".join(replies)
    assert any("Не удалось отправить графики" in r for r in replies)
    # The report that cannot be sent is reported as well, after the one answer «Собираю отчёт…».
    harness.api.fail("SendDocument", 806, TelegramBadRequest(SendMediaGroup(chat_id=806, media=[]), "Bad Request"))
    replies = await methodist.click(StatsCb(action="xls", org_id=novocherkassk, start=start, end=end))
    assert any("Не удалось отправить отчёт" in r for r in replies)


async def test_an_unexpected_failure_after_the_answer_still_apologises(harness, sessionmaker, monkeypatch):
    await seed_dataset(sessionmaker)
    methodist = await make_methodist(harness, sessionmaker, 807, "г. Новочеркасск")
    novocherkassk = await org_id(sessionmaker, "г. Новочеркасск")

    def broken(*args, **kwargs):
        raise RuntimeError("matplotlib exploded")

    monkeypatch.setattr("bot.render.stats_charts.deficits", broken)
    start, end = PERIOD.key
    replies = await methodist.click(StatsCb(action="png", org_id=novocherkassk, start=start, end=end))
    assert any(reply.startswith("Что-то пошло не так") for reply in replies)  # in the chat
    assert [r.exc_info[1].args for r in harness.errors.records] == [("matplotlib exploded",)]
    harness.errors.records.clear()  # the one error this test causes on purpose
    # The apology tried the press first (the error handler cannot know it was answered): expected.
    harness.api.double_answers.clear()


async def test_forged_numbers_inside_valid_buttons_are_refused(harness, sessionmaker):
    methodist = await make_methodist(harness, sessionmaker, 808, "г. Новочеркасск")
    await compose(methodist)
    draft = await the_broadcast(sessionmaker)
    for value in (HUGE, "-" + HUGE, "٣", "²"):
        replies = await methodist.click(f"bc:org:{draft.id}:{value}:0:0")
        assert "Неверные данные кнопки" in replies[-1], value
    mentor, mentee = harness.user(809), harness.user(810)
    await register(mentor, name="Наставник Олег")
    await register(mentee, name="Подопечная Вера")
    async with sessionmaker() as session, session.begin():
        ids = dict((await session.execute(select(User.telegram_id, User.id))).all())
        pair = MentorPair(
            mentor_id=ids[809],
            mentee_id=ids[810],
            type=PairType.subject,
            goal="Цель",
            starts_on=clock.moscow_today(),
            planned_end=clock.moscow_today() + timedelta(days=180),
            cadence_days=14,
            status=PairStatus.active,
            escalation_level=0,
        )
        session.add(pair)
    for months in (2**63 - 1, 120_000, 10):
        replies = await methodist.click(PairCb(action="months", pair_id=pair.id, value=months))
        assert "от 3 до 9 месяцев" in replies[-1], months


async def test_a_flood_of_old_presses_is_not_an_error(db_url, sessionmaker):
    harness = Harness(db_url, sessionmaker, throttle_rate=1, throttle_window_s=60)
    await harness.start()
    user = harness.user(811)
    await user.send("/start")
    assert await user.click("subj:1", too_old=True) == []  # throttled; the warning cannot be answered
    await harness.stop()  # fails on any error logged
