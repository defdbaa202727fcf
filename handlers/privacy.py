"""/my_data and /delete_me: the user's rights under 152-ФЗ."""

import json

from aiogram import Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import BotCommandScopeChat, BufferedInputFile, CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.middlewares.db import READ_ONLY
from bot.services import signups, users
from bot.services.errors import NotRegistered
from bot.services.roles import Identity
from handlers import keyboards, texts, ui
from handlers.callbacks import DeleteMeCb

router = Router(name=__name__)


@router.message(Command("my_data"), flags=READ_ONLY)
async def my_data(message: Message, session: AsyncSession, identity: Identity) -> None:
    if identity.user is None:
        raise NotRegistered()
    payload = json.dumps(await users.export_data(session, identity.user), ensure_ascii=False, indent=2)
    await message.answer_document(
        BufferedInputFile(payload.encode("utf-8"), filename="my_data.json"),
        caption="Все данные, которые бот хранит о вас.",
    )


@router.message(Command("delete_me"), flags=READ_ONLY)
async def delete_me(message: Message, identity: Identity) -> None:
    if identity.user is None:
        raise NotRegistered()
    await message.answer(texts.DELETE_ASK, reply_markup=keyboards.delete_confirm())


@router.callback_query(DeleteMeCb.filter())
async def delete_confirmed(
    query: CallbackQuery, callback_data: DeleteMeCb, state: FSMContext, session: AsyncSession, identity: Identity,
    signup_policy: signups.SignupPolicy,
) -> None:
    if identity.user is None:
        # A second tap after erasure: nothing left to delete.
        await ui.show(query, texts.DELETED if callback_data.confirm else texts.DELETE_KEPT)
        return
    if not callback_data.confirm:
        await ui.show(query, texts.DELETE_KEPT)
        return
    await state.clear()
    await users.erase(session, identity.user, signup_policy)
    await ui.show(query, texts.DELETED)
    await query.bot.delete_my_commands(scope=BotCommandScopeChat(chat_id=query.from_user.id))
