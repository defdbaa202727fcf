"""/my_data and /delete_me: the user's rights under 152-ФЗ."""

import asyncio
import json

from aiogram import Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import BotCommandScopeChat, BufferedInputFile, CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.infra.clock import Clock
from bot.middlewares.db import READ_ONLY
from bot.render import personal_data
from bot.services.communities import groups as communities_groups
from bot.services.events import seats
from bot.services.onboarding import privacy
from bot.services.shared.roles import Identity
from handlers.communities.kick import remove_from_groups
from handlers.shared import keyboards, texts, ui
from handlers.shared.access import GatedRouter, Registered
from handlers.shared.callbacks import DeleteMeCb


async def my_data(message: Message, session: AsyncSession, identity: Identity, clock: Clock) -> None:
    """A document to read, in Russian, and the same data as JSON for machines."""
    data = await privacy.export_data(session, identity.user)
    readable = await asyncio.to_thread(personal_data.document, data, identity.user.timezone, clock())
    await message.answer_document(
        BufferedInputFile(readable, filename="my_data.pdf"),
        caption="Все данные, которые бот хранит о вас, — в этом документе.",
    )
    payload = json.dumps(data, ensure_ascii=False, indent=2)
    await message.answer_document(
        BufferedInputFile(payload.encode("utf-8"), filename="my_data.json"),
        caption="Те же данные в машиночитаемом виде: для переноса в другие системы.",
    )


async def delete_me(message: Message) -> None:
    await message.answer(texts.DELETE_ASK, reply_markup=keyboards.delete_confirm())


async def delete_confirmed(
    query: CallbackQuery,
    callback_data: DeleteMeCb,
    state: FSMContext,
    session: AsyncSession,
    identity: Identity,
    signup_policy: seats.SignupPolicy,
    clock: Clock,
) -> None:
    if identity.user is None:
        # A second tap after erasure: nothing left to delete.
        await ui.show(query, texts.DELETED if callback_data.confirm else texts.DELETE_KEPT)
        return
    if not callback_data.confirm:
        await ui.show(query, texts.DELETE_KEPT)
        return
    await state.clear()
    community_groups = await communities_groups.chats_of(session, identity.user.id)  # issue 14
    await privacy.erase(session, identity.user, signup_policy, clock())
    await ui.show(query, texts.DELETED)
    await query.bot.delete_my_commands(scope=BotCommandScopeChat(chat_id=query.from_user.id))
    await remove_from_groups(query.bot, community_groups, query.from_user.id)  # issue 14


def setup() -> Router:
    router = Router(name=__name__)
    members = GatedRouter(name=f"{__name__}.members", who=Registered())
    members.message.register(my_data, Command("my_data"), flags=READ_ONLY)
    members.message.register(delete_me, Command("delete_me"), flags=READ_ONLY)
    # Open to all: a second tap after the erasure finds no user and is told it is done.
    router.callback_query.register(delete_confirmed, DeleteMeCb.filter())
    router.include_router(members)
    return router
