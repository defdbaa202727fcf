"""Diagnosis step benchmark: the "answer → save → edit to the next question" path through the real
dispatcher and database, measured against the least a saved step must do, in the same run.

The metric, `diagnosis_step_vs_commit_floor` = step throughput / `floor_commit` throughput, target
>= 0.6. `floor_commit` is a bare Dispatcher with one callback handler that answers the callback,
edits the message to a question-sized text with the step's six buttons and commits one INSERT
through the app's engine (`bot.db.create_engine`): the Telegram side and the commit every saved
step needs, without middlewares, identity, checks or the ORM. Every kind is fed with
dp.feed_update through the same recording fake Bot API; each round measures all of them back to
back, and the value is the median of the rounds' ratios (a shared machine's load drifts between
rounds, hardly within one).

Context in the same line, without targets:
- `diagnosis_step_ratio`: steps / a bare echo handler (a plain Dispatcher, no middlewares, no
  database): the old metric.
- `stack_echo_per_s` and `handler_ratio`: the same echo behind the app's own middlewares (session,
  identity, FSM state), i.e. the per-update floor every handler of ours pays, and the share of it
  the diagnosis step keeps.
- `floor_edit_ratio` / `floor_commit_ratio`: each floor against the bare echo.

Run: .venv/bin/python -m pytest -q -s tests/bench/test_diagnosis_bench.py"""

import asyncio
import itertools
import statistics
import time
from datetime import datetime, timezone
from unittest import mock

from aiogram import Dispatcher, F, Router
from aiogram.types import CallbackQuery, Chat, Message, Update, User as TgUser
from sqlalchemy import func, select

from bot.app import create_dispatcher
from bot.db import create_engine, create_sessionmaker
from bot.services import diagnosis
from handlers.diagnosis_ui import AnswerCb
from handlers.keyboard_builder import KeyboardBuilder
from models import DiagnosisAnswer, Organization, Position, ProcessedUpdate, User, utcnow
from tests.bench.support import commit_one_row, migrated_sqlite, report
from tests.support.fake_telegram import BOT_USER
from tests.support.harness import Harness

USERS, STEPS, ROUNDS = 12, 39, 5  # 39 steps: the 40th answer would complete the attempt
TARGET = 0.6  # diagnosis_step_vs_commit_floor


def echo_router() -> Router:
    router = Router()

    @router.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text)

    return router


def echo_dispatcher() -> Dispatcher:
    dp = Dispatcher()
    dp.include_router(echo_router())
    return dp


def floor_dispatcher(engine=None) -> Dispatcher:
    """A bare callback handler doing the step's Telegram work, and with an engine one commit too."""
    router, counter = Router(), itertools.count(1)
    text = f"<b>Анкета</b>\nВопрос 2 из 40  ▰▱▱▱▱▱▱▱▱▱ 3%\n<i>Область 1</i>\n\n{'утверждение ' * 25}\n\n{'шкала ' * 25}"

    @router.callback_query(AnswerCb.filter(F.action == "a"))
    async def step(query: CallbackQuery, callback_data: AnswerCb) -> None:
        if engine is not None:
            await commit_one_row(engine, next(counter))
        await query.answer()
        kb = KeyboardBuilder()
        for value in range(4):
            kb.button(text=str(value), callback_data=AnswerCb(action="a", attempt_id=callback_data.attempt_id,
                                                              index=callback_data.index + 1, value=value))
        for action, label in (("b", "◀ Назад"), ("p", "⏸ Пауза")):
            kb.button(text=label, callback_data=AnswerCb(action=action, attempt_id=callback_data.attempt_id,
                                                         index=callback_data.index + 1))
        await query.bot.edit_message_text(text, chat_id=query.from_user.id, message_id=query.message.message_id,
                                          reply_markup=kb.adjust(4, 2).as_markup())

    dp = Dispatcher()
    dp.include_router(router)
    return dp


def stack_echo_dispatcher(harness: Harness) -> Dispatcher:
    """The app's wiring (create_dispatcher) with only the echo router in it."""
    router = echo_router()
    with mock.patch("handlers.get_routers", lambda: [router]):
        return create_dispatcher(harness.settings, harness.sessionmaker)


def chat_of(telegram_id: int) -> tuple[TgUser, Chat]:
    return TgUser(id=telegram_id, is_bot=False, first_name="Bench"), Chat(id=telegram_id, type="private")


def echo_updates(count: int, first_id: int) -> list[Update]:
    tg, chat = chat_of(1)
    now = datetime.now(timezone.utc)
    return [Update(update_id=first_id + n, message=Message(message_id=n + 1, date=now, chat=chat, from_user=tg,
                                                           text=f"эхо {n}")) for n in range(count)]


def answer_updates(attempts: dict[int, tuple[int, int]], first_id: int) -> list[Update]:
    """Each user answers their attempt's questions 0..STEPS-1 in turn, from the attempt's message."""
    now, updates = datetime.now(timezone.utc), []
    for step in range(STEPS):
        for telegram_id, (attempt_id, message_id) in attempts.items():
            tg, chat = chat_of(telegram_id)
            message = Message(message_id=message_id, date=now, chat=chat, from_user=BOT_USER, text="…")
            data = AnswerCb(action="a", attempt_id=attempt_id, index=step, value=step % 4).pack()
            updates.append(Update(update_id=first_id + len(updates), callback_query=CallbackQuery(
                id=str(len(updates)), from_user=tg, chat_instance="ci", data=data, message=message)))
    return updates


async def new_attempts(harness: Harness, first_tg: int) -> dict[int, tuple[int, int]]:
    attempts = {}
    async with harness.sessionmaker() as session, session.begin():
        org_id = await session.scalar(select(Organization.id).limit(1))
        for telegram_id in range(first_tg, first_tg + USERS):
            user = User(telegram_id=telegram_id, full_name="Педагог", position=Position.teacher, subjects=[],
                        organization_id=org_id, timezone="Europe/Moscow", is_active=True)
            session.add(user)
            await session.flush()
            step, _ = await diagnosis.start(session, user, "teacher", message_id=telegram_id, now=utcnow())
            attempts[telegram_id] = (step.attempt.id, telegram_id)
    return attempts


async def rate(dp: Dispatcher, harness: Harness, updates: list[Update]) -> float:
    started = time.perf_counter()
    for update in updates:
        await dp.feed_update(harness.bot, update)
    return len(updates) / (time.perf_counter() - started)


async def run(url: str) -> dict[str, float]:
    engine = create_engine(url)
    harness = Harness(url, create_sessionmaker(engine))
    harness.api.like_telegram = False  # presses come from synthetic message ids; refusals are not measured
    await harness.start()
    echo, stack = echo_dispatcher(), stack_echo_dispatcher(harness)
    floors = {"floor_edit": floor_dispatcher(), "floor_commit": floor_dispatcher(engine)}
    rates: dict[str, list[float]] = {"echo": [], "stack": [], "steps": [], "floor_edit": [], "floor_commit": []}
    update_id = 1
    try:
        for n in range(ROUNDS):
            attempts = await new_attempts(harness, 10_000 + n * USERS)
            steps = answer_updates(attempts, update_id)
            update_id += len(steps)
            for name, dp in (("echo", echo), ("stack", stack)):
                updates = echo_updates(len(steps), update_id)
                update_id += len(updates)
                rates[name].append(await rate(dp, harness, updates))
            rates["steps"].append(await rate(harness.dp, harness, steps))
            for name, dp in floors.items():
                rates[name].append(await rate(dp, harness, answer_updates(attempts, update_id)))
                update_id += len(steps)
            harness.api.clear()
        async with harness.sessionmaker() as session:
            saved = await session.scalar(select(func.count()).select_from(DiagnosisAnswer))
            floor_rows = await session.scalar(select(func.count()).where(ProcessedUpdate.bot_id == -1))
    finally:
        await harness.stop()
        await engine.dispose()
    return {"rates": rates, "saved": saved, "floor_rows": floor_rows}


def test_diagnosis_step_vs_commit_floor(tmp_path):
    url = migrated_sqlite(tmp_path)
    result = asyncio.run(run(url))
    rates = result["rates"]
    per_round = [steps / floor for steps, floor in zip(rates["steps"], rates["floor_commit"])]
    ratio = statistics.median(per_round)
    median = {name: statistics.median(values) for name, values in rates.items()}
    passed = report(
        "diagnosis_step_vs_commit_floor", ratio, TARGET, ">=", rounds=[round(r, 3) for r in per_round],
        steps_per_s=round(median["steps"], 1), floor_commit_per_s=round(median["floor_commit"], 1),
        diagnosis_step_ratio=round(median["steps"] / median["echo"], 3), echo_per_s=round(median["echo"], 1),
        stack_echo_per_s=round(median["stack"], 1), handler_ratio=round(median["steps"] / median["stack"], 3),
        floor_edit_ratio=round(median["floor_edit"] / median["echo"], 3),
        floor_commit_ratio=round(median["floor_commit"] / median["echo"], 3))
    assert result["saved"] == USERS * STEPS * ROUNDS  # every step really saved its answer
    assert result["floor_rows"] == USERS * STEPS * ROUNDS  # and the floor really committed its row
    assert passed
