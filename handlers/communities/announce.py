"""A leader's announcement to the community's members: the leader sends their own message (text,
one photo or one document), sees it as members will, confirms; the live progress and the final
report are the broadcast machinery's (bot.services.broadcasts.report).

The progress card carries /broadcast's «stop» button (BcCb). The broadcasts router is for
methodists; a leader who is not one reaches the stop handlers here, which act only on a community
announcement of theirs."""

from contextlib import suppress

from aiogram import Bot, F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.infra.clock import Clock
from bot.middlewares.db import READ_ONLY
from bot.services import broadcasts
from bot.services.broadcasts import report
from bot.services.communities import announcements, common
from bot.services.shared import timefmt
from bot.services.shared.errors import DomainError, InvalidInput
from bot.services.shared.roles import Identity
from handlers.broadcasts import texts as btexts
from handlers.broadcasts import ui as bui
from handlers.broadcasts.callbacks import BcCb
from handlers.communities.callbacks import CommCb, CommunityFlow
from handlers.shared import ui
from handlers.shared.access import GatedRouter, Registered
from handlers.shared.filters import NOT_COMMAND
from handlers.shared.keyboard_builder import KeyboardBuilder
from handlers.shared.texts import esc
from models import Broadcast

COMPOSE = (
    "<b>Объявление участникам «{title}»</b>\nПришлите сообщение так, как его должны увидеть участники: "
    "текст с оформлением, можно с одним фото или документом и подписью.\n/cancel — отменить."
)


def confirm_kb(broadcast: Broadcast, members: int) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    kb.button(text=f"📨 Отправить ({members})", callback_data=CommCb(action="annsend", id=broadcast.id))
    kb.button(text="Отменить", callback_data=CommCb(action="anndrop", id=broadcast.id))
    return kb.adjust(1).as_markup()


async def ask(
    query: CallbackQuery, callback_data: CommCb, state: FSMContext, session: AsyncSession, identity: Identity
) -> None:
    community = (await common.require_manager(session, identity, callback_data.id)).community
    await state.set_state(CommunityFlow.announce)
    await state.set_data({"id": community.id})
    await ui.show(query, COMPOSE.format(title=esc(community.title)))


async def compose(message: Message, state: FSMContext, session: AsyncSession, identity: Identity, bot: Bot) -> None:
    if message.media_group_id:
        raise InvalidInput(btexts.NO_ALBUMS)
    if not (message.text or message.photo or message.document):
        raise InvalidInput(btexts.NEED_CONTENT)
    preview = broadcasts.preview_of(message.text or message.caption, "[фото]" if message.photo else "[документ]")
    community_id = int((await state.get_data()).get("id") or 0)
    draft, members = await announcements.draft(
        session, identity, community_id, message.chat.id, message.message_id, preview
    )
    await state.clear()
    await message.answer(btexts.PREVIEW_HEAD)
    await bot.copy_message(message.chat.id, message.chat.id, message.message_id)
    await message.answer(
        f"Отправить это объявление участникам сообщества: {members}?", reply_markup=confirm_kb(draft, members)
    )


async def send(
    query: CallbackQuery,
    callback_data: CommCb,
    session: AsyncSession,
    identity: Identity,
    settings: Settings,
    clock: Clock,
) -> None:
    """As /broadcast's «send now»: the progress card goes out first, then the rows are written with
    it attached; everything commits once, before the replies that follow."""
    draft, _ = await announcements.get(session, identity, callback_data.id, *announcements.DRAFT)
    card = await query.bot.send_message(query.from_user.id, btexts.starting(draft))
    now = clock()
    try:
        sent = await announcements.send(session, identity, draft.id, now)
    except DomainError:  # nothing was sent (nobody to send to): no progress to show
        with suppress(TelegramBadRequest):
            await query.bot.delete_message(card.chat.id, card.message_id)
        raise
    await announcements.attach_progress(session, identity, sent.id, card.chat.id, card.message_id)
    progress = await report.progress(session, sent, now)
    zone = timefmt.reader_zone(identity.user, settings.default_timezone)
    await ui.show(query, f"Объявление №{sent.id} отправляется: участников — {sent.recipients}.")
    await query.bot.edit_message_text(
        report.progress_text(sent, progress, zone),
        chat_id=card.chat.id,
        message_id=card.message_id,
        reply_markup=bui.progress_kb(sent),
    )


async def drop(
    query: CallbackQuery, callback_data: CommCb, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    await announcements.drop(session, identity, callback_data.id, clock())
    await ui.show(query, "Объявление не отправлено.")


async def _own_kind(session: AsyncSession, callback_data: BcCb) -> None:
    """Other broadcasts' buttons are not ours: hand them on (to the methodists-only refusal)."""
    if not await announcements.is_announcement(session, callback_data.id):
        raise SkipHandler()


async def stop_ask(query: CallbackQuery, callback_data: BcCb, session: AsyncSession, identity: Identity) -> None:
    await _own_kind(session, callback_data)
    broadcast, _ = await announcements.get(session, identity, callback_data.id)
    await ui.answer(query)
    await query.bot.send_message(
        query.from_user.id, btexts.stop_question(broadcast), reply_markup=bui.stop_kb(broadcast)
    )


async def stop(
    query: CallbackQuery, callback_data: BcCb, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    await _own_kind(session, callback_data)
    withdrawn = await announcements.stop(session, identity, callback_data.id, clock())
    broadcast, _ = await announcements.get(session, identity, callback_data.id)
    await ui.show(query, btexts.stopped(broadcast, withdrawn))


async def stop_no(query: CallbackQuery, callback_data: BcCb, session: AsyncSession, identity: Identity) -> None:
    await _own_kind(session, callback_data)
    broadcast, _ = await announcements.get(session, identity, callback_data.id)
    await ui.show(query, f"Хорошо, рассылка №{broadcast.id} продолжается.")


def setup() -> Router:
    router = GatedRouter(name=__name__, who=Registered())
    router.callback_query.register(ask, CommCb.filter(F.action == "ann"))
    router.message.register(compose, StateFilter(CommunityFlow.announce), NOT_COMMAND)
    router.callback_query.register(send, CommCb.filter(F.action == "annsend"))
    router.callback_query.register(drop, CommCb.filter(F.action == "anndrop"))
    # reached only by leaders who are not methodists (the broadcasts router takes methodists' presses)
    router.callback_query.register(stop_ask, BcCb.filter(F.action == "stop"), flags=READ_ONLY)
    router.callback_query.register(stop, BcCb.filter(F.action == "stopyes"))
    router.callback_query.register(stop_no, BcCb.filter(F.action == "stopno"), flags=READ_ONLY)
    return router
