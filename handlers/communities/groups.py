"""A community's linked Telegram group: linking it from the card (Telegram's own chat picker, the
bot must be an admin there allowed to invite), the join-request link for members, approving
`chat_join_request` only for the community's members (others get a private message why), and
removing from the group those who leave the community or are removed.

The join-request router is registered for chat_join_request updates only: the bot reads nothing
else from groups."""

from contextlib import suppress

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.types import (
    CallbackQuery,
    ChatAdministratorRights,
    ChatJoinRequest,
    ChatMemberAdministrator,
    ChatMemberOwner,
    KeyboardButton,
    KeyboardButtonRequestChat,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from sqlalchemy.ext.asyncio import AsyncSession

from bot.middlewares.db import READ_ONLY
from bot.services.communities import common, groups
from bot.services.shared.errors import InvalidInput
from bot.services.shared.roles import Identity
from handlers.communities.browse import render_card
from handlers.communities.callbacks import CommCb
from handlers.shared import ui
from handlers.shared.access import GatedRouter, Registered
from handlers.shared.filters import Has
from handlers.shared.texts import esc

# Only what the bot needs: inviting (approving join requests) and removing those who leave.
INVITE = ChatAdministratorRights(
    **dict.fromkeys(ChatAdministratorRights.model_fields, False)
    | {"can_invite_users": True, "can_restrict_members": True}
)
NOT_ADMIN = (
    "Бот должен быть администратором группы с правами приглашать и удалять участников. "
    "Назначьте его и привяжите группу снова."
)
PICK = (
    "Нажмите кнопку ниже и выберите группу сообщества. Telegram предложит сделать бота её "
    "администратором: это нужно, чтобы он принимал в группу только участников сообщества."
)


async def ask_group(query: CallbackQuery, callback_data: CommCb, session: AsyncSession, identity: Identity) -> None:
    community = (await common.require_manager(session, identity, callback_data.id)).community
    button = KeyboardButton(
        text="Выбрать группу",
        request_chat=KeyboardButtonRequestChat(
            request_id=community.id,
            chat_is_channel=False,
            bot_is_member=True,
            bot_administrator_rights=INVITE,
            user_administrator_rights=INVITE,
        ),
    )
    await ui.answer(query)
    markup = ReplyKeyboardMarkup(keyboard=[[button]], resize_keyboard=True, one_time_keyboard=True)
    await query.bot.send_message(query.from_user.id, PICK, reply_markup=markup)


async def group_shared(message: Message, session: AsyncSession, identity: Identity, bot: Bot) -> None:
    """request_id is the community id the picker was opened for: user input, checked again."""
    shared = message.chat_shared
    community = await groups.check_link(session, identity, shared.request_id, shared.chat_id)
    try:
        me = await bot.get_chat_member(shared.chat_id, bot.id)
    except (TelegramBadRequest, TelegramForbiddenError):
        raise InvalidInput(NOT_ADMIN) from None
    if not isinstance(me, ChatMemberOwner) and not (isinstance(me, ChatMemberAdministrator) and me.can_invite_users):
        raise InvalidInput(NOT_ADMIN)
    link = await bot.create_chat_invite_link(shared.chat_id, name=community.title[:32], creates_join_request=True)
    await groups.link(session, identity, community.id, shared.chat_id, link.invite_link)
    await message.answer(
        f"✅ Группа привязана к сообществу «{esc(community.title)}». Участники увидят кнопку «Группа сообщества» "
        "в его карточке; заявки бот одобряет только участникам.",
        reply_markup=ReplyKeyboardRemove(),
    )


async def unlink(query: CallbackQuery, callback_data: CommCb, session: AsyncSession, identity: Identity) -> None:
    await groups.unlink(session, identity, callback_data.id)
    await render_card(
        query, session, identity, callback_data.id, "Группа отвязана: бот больше не принимает в неё заявки."
    )


async def join_request(request: ChatJoinRequest, session: AsyncSession, bot: Bot) -> None:
    verdict = await groups.verdict(session, request.chat.id, request.from_user.id)
    if verdict is None:
        return  # a group not linked to a community: not the bot's to decide
    if verdict.approve:
        await request.approve()
        return
    await request.decline()
    # The bot may write to whoever sent a join request (user_chat_id) even before they wrote to it.
    with suppress(TelegramBadRequest, TelegramForbiddenError):
        await bot.send_message(request.user_chat_id, verdict.reason)


def setup() -> Router:
    router = Router(name=__name__)
    gated = GatedRouter(name=f"{__name__}.linking", who=Registered())
    gated.callback_query.register(ask_group, CommCb.filter(F.action == "glink"), flags=READ_ONLY)
    gated.message.register(group_shared, Has("chat_shared"))
    gated.callback_query.register(unlink, CommCb.filter(F.action == "gunlink"))
    requests = Router(name=f"{__name__}.join_requests")
    requests.chat_join_request.register(join_request, flags=READ_ONLY)
    router.include_router(gated)
    router.include_router(requests)
    return router
