"""/diagnostics: the intro, one statement at a time in one message edited in place, pause and
resume, the result with the radar chart. The attempt row holds all dialog state (no FSM), so a
restart resumes exactly where the teacher stopped."""

import asyncio
import logging

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.middlewares.db import READ_ONLY
from bot.render import chart
from bot.services import diagnosis
from bot.services.diagnosis import Step
from bot.services.errors import NotRegistered
from bot.services.roles import Identity
from handlers import diagnosis_ui as ui_dg
from handlers.diagnosis_ui import AnswerCb, MenuCb
from models import User

router = Router(name=__name__)
log = logging.getLogger(__name__)


def _user(identity: Identity) -> User:
    if identity.user is None:
        raise NotRegistered()
    return identity.user


def _message_id(query: CallbackQuery) -> int | None:
    return query.message.message_id if query.message is not None else None


async def _edit_question(query: CallbackQuery, step: Step) -> None:
    """Edit the attempt's message to the current question; if it can't be edited, send a new one
    and make that the attempt's message."""
    await query.answer()
    try:
        await query.bot.edit_message_text(ui_dg.question(step), chat_id=query.from_user.id,
                                          message_id=step.attempt.message_id, reply_markup=ui_dg.question_kb(step))
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


async def _send_result(bot: Bot, chat_id: int, session: AsyncSession, user: User, attempt_id: int) -> None:
    res = await diagnosis.result(session, user, attempt_id)
    try:
        # Rendering takes a few hundred milliseconds: off the event loop.
        png = await asyncio.to_thread(lambda: chart.radar(**ui_dg.chart_input(res, user.timezone)))
        await bot.send_photo(chat_id, BufferedInputFile(png, filename="profile.png"),
                             caption=ui_dg.chart_caption(res, user.timezone))
    except Exception:  # the chart only illustrates: a failure must not roll back the saved results
        log.exception("could not send the profile chart of attempt %s", attempt_id)
    await bot.send_message(chat_id, ui_dg.result_text(res, user.timezone), reply_markup=ui_dg.result_kb(res))


@router.message(Command("diagnostics"), flags=READ_ONLY)
async def diagnostics(message: Message, session: AsyncSession, identity: Identity) -> None:
    user = _user(identity)
    step = await diagnosis.unfinished(session, user)
    if step is not None:
        await message.answer(ui_dg.unfinished(step), reply_markup=ui_dg.unfinished_kb(step))
        return
    options = await diagnosis.options(session, user)
    await message.answer(ui_dg.intro(options, user.timezone), reply_markup=ui_dg.intro_kb(options))


@router.callback_query(MenuCb.filter(F.action == "start"))
async def start(query: CallbackQuery, callback_data: MenuCb, session: AsyncSession, identity: Identity) -> None:
    step, created = await diagnosis.start(session, _user(identity), callback_data.variant, _message_id(query))
    if created:
        await _edit_question(query, step)  # the intro turns into the first question
    else:
        await query.answer()
        await _send_question(query.bot, query.from_user.id, step)


@router.callback_query(MenuCb.filter(F.action == "resume"))
async def resume(query: CallbackQuery, callback_data: MenuCb, session: AsyncSession, identity: Identity) -> None:
    step = await diagnosis.resume(session, _user(identity), callback_data.attempt_id)
    await query.answer()
    await _send_question(query.bot, query.from_user.id, step)


@router.callback_query(MenuCb.filter(F.action == "restart"))
async def restart(query: CallbackQuery, callback_data: MenuCb, session: AsyncSession, identity: Identity) -> None:
    step = await diagnosis.restart(session, _user(identity), callback_data.attempt_id, _message_id(query))
    await _edit_question(query, step)


@router.callback_query(MenuCb.filter(F.action == "show"), flags=READ_ONLY)
async def show_result(query: CallbackQuery, callback_data: MenuCb, session: AsyncSession, identity: Identity) -> None:
    await query.answer()
    await _send_result(query.bot, query.from_user.id, session, _user(identity), callback_data.attempt_id)


@router.callback_query(AnswerCb.filter(F.action == "a"))
async def answer(query: CallbackQuery, callback_data: AnswerCb, session: AsyncSession, identity: Identity) -> None:
    user = _user(identity)
    step = await diagnosis.answer(session, user, callback_data.attempt_id, callback_data.index, callback_data.value,
                                  _message_id(query))
    if not step.finished:
        await _edit_question(query, step)
        return
    await query.answer("Готово!")
    try:
        await query.bot.edit_message_text(ui_dg.DONE, chat_id=query.from_user.id, message_id=step.attempt.message_id)
    except TelegramBadRequest:
        pass  # the result below is what matters
    await _send_result(query.bot, query.from_user.id, session, user, step.attempt.id)


@router.callback_query(AnswerCb.filter(F.action == "b"))
async def back(query: CallbackQuery, callback_data: AnswerCb, session: AsyncSession, identity: Identity) -> None:
    step = await diagnosis.back(session, _user(identity), callback_data.attempt_id, callback_data.index,
                                _message_id(query))
    await _edit_question(query, step)


@router.callback_query(AnswerCb.filter(F.action == "p"))
async def pause(query: CallbackQuery, callback_data: AnswerCb, session: AsyncSession, identity: Identity) -> None:
    step = await diagnosis.pause(session, _user(identity), callback_data.attempt_id, callback_data.index,
                                 _message_id(query))
    await query.answer()
    try:
        await query.bot.edit_message_text(ui_dg.paused(step), chat_id=query.from_user.id,
                                          message_id=step.attempt.message_id, reply_markup=ui_dg.paused_kb(step))
    except TelegramBadRequest:
        pass  # nothing changed on the server; /diagnostics still offers «Продолжить»
