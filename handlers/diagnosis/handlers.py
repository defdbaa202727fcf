"""/diagnostics: the intro, one statement at a time in one message edited in place, pause and
resume, the result with the radar chart. The attempt row holds all dialog state (no FSM), so a
restart resumes exactly where the teacher stopped."""

import asyncio
import logging

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, Filter, StateFilter
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.infra.clock import Clock
from bot.middlewares.db import READ_ONLY
from bot.render import chart
from bot.services import diagnosis
from bot.services.diagnosis import Step
from bot.services.shared.roles import Identity
from handlers.diagnosis import ui as ui_dg
from handlers.diagnosis.ui import AnswerCb, MenuCb
from handlers.shared import ui
from handlers.shared.access import GatedRouter, Registered
from handlers.shared.filters import NOT_COMMAND
from models import User

log = logging.getLogger(__name__)


def _message_id(query: CallbackQuery) -> int | None:
    return query.message.message_id if query.message is not None else None


async def _edit_question(query: CallbackQuery, step: Step) -> None:
    """Edit the attempt's message to the current question; if it can't be edited, send a new one
    and make that the attempt's message."""
    await ui.answer(query)
    try:
        await query.bot.edit_message_text(
            ui_dg.question(step),
            chat_id=query.from_user.id,
            message_id=step.attempt.message_id,
            reply_markup=ui_dg.question_kb(step),
        )
    except TelegramBadRequest as exc:
        if "not modified" not in exc.message:
            await _send_question(query.bot, query.from_user.id, step)


async def _send_question(bot: Bot, chat_id: int, step: Step) -> None:
    """Resume in a fresh message at the bottom of the chat; the old one loses its buttons."""
    if step.attempt.message_id is not None:
        try:
            await bot.edit_message_text(ui_dg.MOVED, chat_id=chat_id, message_id=step.attempt.message_id)
        except TelegramBadRequest:
            pass  # already gone or unchanged: its buttons are refused as stale anyway
    sent = await bot.send_message(chat_id, ui_dg.question(step), reply_markup=ui_dg.question_kb(step))
    diagnosis.show_in(step, sent.message_id)


async def _send_result(bot: Bot, chat_id: int, user: User, res: diagnosis.Result) -> None:
    try:
        # Rendering takes a few hundred milliseconds: off the event loop.
        png = await asyncio.to_thread(lambda: chart.radar(**ui_dg.chart_input(res, user.timezone)))
        await bot.send_photo(
            chat_id, BufferedInputFile(png, filename="profile.png"), caption=ui_dg.chart_caption(res, user.timezone)
        )
    except Exception:  # the chart only illustrates: a failure must not roll back the saved results
        log.exception("could not send the profile chart of attempt %s", res.attempt.id)
    await bot.send_message(chat_id, ui_dg.result_text(res, user.timezone), reply_markup=ui_dg.result_kb(res))


async def diagnostics(message: Message, session: AsyncSession, identity: Identity, clock: Clock) -> None:
    user = identity.user
    step = await diagnosis.unfinished(session, user)
    if step is not None:
        await message.answer(ui_dg.unfinished(step), reply_markup=ui_dg.unfinished_kb(step))
        return
    options = await diagnosis.options(session, user, clock())
    await message.answer(ui_dg.intro(options, user.timezone), reply_markup=ui_dg.intro_kb(options))


async def start(
    query: CallbackQuery, callback_data: MenuCb, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    step, created = await diagnosis.start(session, identity.user, callback_data.variant, _message_id(query), clock())
    if created:
        await _edit_question(query, step)  # the intro turns into the first question
    else:
        await ui.answer(query)
        await _send_question(query.bot, query.from_user.id, step)


async def resume(query: CallbackQuery, callback_data: MenuCb, session: AsyncSession, identity: Identity) -> None:
    step = await diagnosis.resume(session, identity.user, callback_data.attempt_id)
    await ui.answer(query)
    await _send_question(query.bot, query.from_user.id, step)


async def restart(
    query: CallbackQuery, callback_data: MenuCb, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    step = await diagnosis.restart(session, identity.user, callback_data.attempt_id, _message_id(query), clock())
    await _edit_question(query, step)


async def show_result(query: CallbackQuery, callback_data: MenuCb, session: AsyncSession, identity: Identity) -> None:
    res = await diagnosis.result(session, identity.user, callback_data.attempt_id)  # a refusal is the one answer
    await ui.answer(query)
    await _send_result(query.bot, query.from_user.id, identity.user, res)


async def answer(
    query: CallbackQuery, callback_data: AnswerCb, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    user = identity.user
    step = await diagnosis.answer(
        session, user, callback_data.attempt_id, callback_data.index, callback_data.value, _message_id(query), clock()
    )
    if not step.finished:
        await _edit_question(query, step)
        return
    await ui.answer(query, "Готово!")
    try:
        await query.bot.edit_message_text(ui_dg.DONE, chat_id=query.from_user.id, message_id=step.attempt.message_id)
    except TelegramBadRequest:
        pass  # the result below is what matters
    await _send_result(query.bot, query.from_user.id, user, await diagnosis.result(session, user, step.attempt.id))


async def back(query: CallbackQuery, callback_data: AnswerCb, session: AsyncSession, identity: Identity) -> None:
    step = await diagnosis.back(
        session, identity.user, callback_data.attempt_id, callback_data.index, _message_id(query)
    )
    await _edit_question(query, step)


async def pause(query: CallbackQuery, callback_data: AnswerCb, session: AsyncSession, identity: Identity) -> None:
    step = await diagnosis.pause(
        session, identity.user, callback_data.attempt_id, callback_data.index, _message_id(query)
    )
    await ui.answer(query)
    try:
        await query.bot.edit_message_text(
            ui_dg.paused(step),
            chat_id=query.from_user.id,
            message_id=step.attempt.message_id,
            reply_markup=ui_dg.paused_kb(step),
        )
    except TelegramBadRequest:
        pass  # nothing changed on the server; /diagnostics still offers «Продолжить»


class InQuestionnaire(Filter):
    """The person has a questionnaire open (in progress, paused or not)."""

    async def __call__(self, event: Message, identity: Identity | None = None, session: AsyncSession | None = None):
        return bool(identity and identity.user and session and await diagnosis.in_progress(session, identity.user.id))


async def typed_instead_of_answering(message: Message, session: AsyncSession, identity: Identity) -> None:
    """Text while a question waits for its buttons: say so and bring the question down to the text."""
    step = await diagnosis.unfinished(session, identity.user)
    await message.answer(ui_dg.ANSWER_WITH_BUTTONS)
    await _send_question(message.bot, message.chat.id, step)


def setup() -> Router:
    router = GatedRouter(name=__name__, who=Registered())
    router.message.register(diagnostics, Command("diagnostics"), flags=READ_ONLY)
    router.callback_query.register(start, MenuCb.filter(F.action == "start"))
    router.callback_query.register(resume, MenuCb.filter(F.action == "resume"))
    router.callback_query.register(restart, MenuCb.filter(F.action == "restart"))
    router.callback_query.register(show_result, MenuCb.filter(F.action == "show"), flags=READ_ONLY)
    router.callback_query.register(answer, AnswerCb.filter(F.action == "a"))
    router.callback_query.register(back, AnswerCb.filter(F.action == "b"))
    router.callback_query.register(pause, AnswerCb.filter(F.action == "p"))
    router.message.register(typed_instead_of_answering, StateFilter(None), NOT_COMMAND, InQuestionnaire())
    return router
