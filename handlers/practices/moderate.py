"""The methodist's /practices_review: practices waiting in their scope, approving one with the
scope it is seen in, or returning it with a comment (the author hears either via the outbox)."""

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.infra.clock import Clock
from bot.middlewares.db import READ_ONLY
from bot.services.practices import moderation
from bot.services.shared.roles import Identity
from handlers.practices import moderate_ui as kit
from handlers.practices.ui import ModCb, Practices
from handlers.shared import ui
from handlers.shared.access import GatedRouter, Methodist
from handlers.shared.filters import TYPED


def _zone(identity: Identity) -> str:
    return identity.user.timezone if identity.user else "Europe/Moscow"


async def review_command(message: Message, state: FSMContext, session: AsyncSession, identity: Identity) -> None:
    await state.clear()
    items, at = await moderation.queue(session, identity, 0)
    await message.answer(kit.queue(items, at), reply_markup=kit.queue_kb(items, at))


async def queue_page(query: CallbackQuery, callback_data: ModCb, session: AsyncSession, identity: Identity) -> None:
    items, at = await moderation.queue(session, identity, callback_data.page)
    await ui.show(query, kit.queue(items, at), kit.queue_kb(items, at))


async def open_review(query: CallbackQuery, callback_data: ModCb, session: AsyncSession, identity: Identity) -> None:
    c = await moderation.review_card(session, identity, callback_data.practice_id)
    await ui.show(query, kit.review(c, _zone(identity)), kit.review_kb(c))


async def material(query: CallbackQuery, callback_data: ModCb, session: AsyncSession, identity: Identity) -> None:
    practice = await moderation.for_moderator(session, identity, callback_data.practice_id)
    await ui.answer(query)
    if practice.material_kind == "photo":
        await query.bot.send_photo(query.from_user.id, practice.material_ref)
    elif practice.material_kind == "document":
        await query.bot.send_document(query.from_user.id, practice.material_ref)


async def approve(
    query: CallbackQuery, callback_data: ModCb, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    practice = await moderation.approve(session, identity, callback_data.practice_id, callback_data.value, clock())
    await ui.show(query, kit.approved(practice.title, callback_data.value))


async def return_start(
    query: CallbackQuery, callback_data: ModCb, state: FSMContext, session: AsyncSession, identity: Identity
) -> None:
    await moderation.for_moderator(session, identity, callback_data.practice_id)
    await state.set_state(Practices.return_comment)
    await state.update_data(practice_id=callback_data.practice_id)
    await ui.answer(query)
    await query.bot.send_message(query.from_user.id, kit.ASK_COMMENT)


async def got_comment(message: Message, state: FSMContext, session: AsyncSession, identity: Identity) -> None:
    practice_id = (await state.get_data()).get("practice_id", 0)
    practice = await moderation.send_back(session, identity, practice_id, message.text)
    await state.clear()
    await message.answer(kit.returned(practice.title))


def setup() -> Router:
    router = GatedRouter(name=__name__, who=Methodist())
    router.message.register(review_command, Command("practices_review"))
    router.callback_query.register(queue_page, ModCb.filter(F.action == "list"), flags=READ_ONLY)
    router.callback_query.register(open_review, ModCb.filter(F.action == "open"), flags=READ_ONLY)
    router.callback_query.register(material, ModCb.filter(F.action == "material"), flags=READ_ONLY)
    router.callback_query.register(approve, ModCb.filter(F.action == "approve"))
    router.callback_query.register(return_start, ModCb.filter(F.action == "return"))
    router.message.register(got_comment, StateFilter(Practices.return_comment), TYPED)
    return router
