"""The dispatchers and updates of the diagnosis step benchmark, shared with its profiler
(tests/bench/profile_step.py): a bare echo, the two floors, the app's stack behind an echo, and
the answer taps of fresh attempts."""

import itertools
from datetime import datetime, timezone
from unittest import mock

from aiogram import Dispatcher, F, Router
from aiogram.types import CallbackQuery, Chat, Message, Update
from aiogram.types import User as TgUser
from sqlalchemy import select

from bot.app import create_dispatcher
from bot.services import diagnosis
from handlers.diagnosis.ui import AnswerCb
from handlers.shared.keyboard_builder import KeyboardBuilder
from models import Organization, Position, User, utcnow
from tests.bench.support import commit_one_row
from tests.support.fake_telegram import BOT_USER
from tests.support.harness import Harness

# Messages carry a date; the handlers never read it, so one fixed instant serves every update.
SENT_AT = datetime(2026, 12, 7, 9, 0, tzinfo=timezone.utc)
USERS, STEPS = 12, 39  # people answering at once in each round; 39 steps: the 40th would complete the attempt


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
            kb.button(
                text=str(value),
                callback_data=AnswerCb(
                    action="a", attempt_id=callback_data.attempt_id, index=callback_data.index + 1, value=value
                ),
            )
        for action, label in (("b", "◀ Назад"), ("p", "⏸ Пауза")):
            kb.button(
                text=label,
                callback_data=AnswerCb(
                    action=action, attempt_id=callback_data.attempt_id, index=callback_data.index + 1
                ),
            )
        await query.bot.edit_message_text(
            text,
            chat_id=query.from_user.id,
            message_id=query.message.message_id,
            reply_markup=kb.adjust(4, 2).as_markup(),
        )

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


ECHO_SENDERS = 200  # the echo updates come from many people: one sender would be throttled (30 per 10 s)


def echo_updates(count: int, first_id: int) -> list[Update]:
    now, updates = SENT_AT, []
    for n in range(count):
        tg, chat = chat_of(1 + n % ECHO_SENDERS)
        updates.append(
            Update(
                update_id=first_id + n,
                message=Message(message_id=n + 1, date=now, chat=chat, from_user=tg, text=f"эхо {n}"),
            )
        )
    return updates


def answer_updates(attempts: dict[int, tuple[int, int]], first_id: int) -> list[Update]:
    """Each user answers their attempt's questions 0..STEPS-1 in turn, from the attempt's message."""
    now, updates = SENT_AT, []
    for step in range(STEPS):
        for telegram_id, (attempt_id, message_id) in attempts.items():
            tg, chat = chat_of(telegram_id)
            message = Message(message_id=message_id, date=now, chat=chat, from_user=BOT_USER, text="…")
            data = AnswerCb(action="a", attempt_id=attempt_id, index=step, value=step % 4).pack()
            updates.append(
                Update(
                    update_id=first_id + len(updates),
                    callback_query=CallbackQuery(
                        id=str(len(updates)), from_user=tg, chat_instance="ci", data=data, message=message
                    ),
                )
            )
    return updates


async def new_attempts(harness: Harness, first_tg: int) -> dict[int, tuple[int, int]]:
    attempts = {}
    async with harness.sessionmaker() as session, session.begin():
        org_id = await session.scalar(select(Organization.id).limit(1))
        for telegram_id in range(first_tg, first_tg + USERS):
            user = User(
                telegram_id=telegram_id,
                full_name="Педагог",
                position=Position.teacher,
                subjects=[],
                organization_id=org_id,
                timezone="Europe/Moscow",
                is_active=True,
            )
            session.add(user)
            await session.flush()
            step, _ = await diagnosis.start(session, user, "teacher", message_id=telegram_id, now=utcnow())
            attempts[telegram_id] = (step.attempt.id, telegram_id)
    return attempts
