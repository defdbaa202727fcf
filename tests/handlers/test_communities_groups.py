"""A community's linked Telegram group: linking through Telegram's chat picker (the bot must be an
admin allowed to invite; a forged community id is refused), join requests approved only for members
(others get a private message why), and removal from the group on leaving the community."""

from datetime import datetime, timezone

import pytest
from aiogram.types import (
    Chat,
    ChatInviteLink,
    ChatJoinRequest,
    ChatMemberAdministrator,
    ChatMemberMember,
    ChatShared,
    Message,
    Update,
)
from aiogram.types import User as TgUser

from handlers.communities.callbacks import CommCb
from models import CommunityKind
from tests.support.communities import community, community_row, teacher
from tests.support.fake_telegram import BOT_USER

LEADER, MEMBER, STRANGER, NOBODY = 7401, 7402, 7403, 7404
GROUP = -1001234567890
LINK = "https://t.me/+JoinTheMO"
RIGHTS = dict.fromkeys(
    (
        "can_be_edited",
        "is_anonymous",
        "can_manage_chat",
        "can_delete_messages",
        "can_manage_video_chats",
        "can_promote_members",
        "can_change_info",
        "can_post_stories",
        "can_edit_stories",
        "can_delete_stories",
        "can_send_welcome_messages",
    ),
    False,
)


def bot_is_admin(harness, can_invite: bool = True) -> None:
    harness.api.responses["GetChatMember"] = ChatMemberAdministrator(
        user=BOT_USER, can_restrict_members=True, can_invite_users=can_invite, **RIGHTS
    )
    harness.api.responses["CreateChatInviteLink"] = ChatInviteLink(
        invite_link=LINK, creator=BOT_USER, creates_join_request=True, is_primary=False, is_revoked=False
    )


async def share_group(harness, telegram_id: int, request_id: int, chat_id: int = GROUP) -> list[str]:
    mark = len(harness.api.requests)
    message = Message(
        message_id=harness.next_message_id(),
        date=datetime.now(timezone.utc),
        chat=Chat(id=telegram_id, type="private"),
        from_user=TgUser(id=telegram_id, is_bot=False, first_name="Тест"),
        chat_shared=ChatShared(request_id=request_id, chat_id=chat_id),
    )
    await harness.feed(Update(update_id=harness.next_update_id(), message=message))
    return [r.text for r in harness.api.requests[mark:] if type(r).__name__ == "SendMessage"]


async def join_request(harness, telegram_id: int, chat_id: int = GROUP) -> list[str]:
    """Names of the Bot API methods the bot called for this request."""
    mark = len(harness.api.requests)
    request = ChatJoinRequest(
        chat=Chat(id=chat_id, type="supergroup", title="МО математиков"),
        from_user=TgUser(id=telegram_id, is_bot=False, first_name="Тест"),
        user_chat_id=telegram_id,
        date=datetime.now(timezone.utc),
    )
    await harness.feed(Update(update_id=harness.next_update_id(), chat_join_request=request))
    return [type(r).__name__ for r in harness.api.requests[mark:]]


@pytest.fixture
async def linked(harness, sessionmaker):
    leader = await teacher(harness, LEADER, "Руководитель Анна")
    member = await teacher(harness, MEMBER, "Участница Мария")
    await teacher(harness, STRANGER, "Чужой Степан")
    made = await community(sessionmaker, "МО математиков", leader_tg=LEADER)
    await member.click(CommCb(action="join", id=made))
    bot_is_admin(harness)
    await leader.click(CommCb(action="open", id=made))
    await leader.press("Привязать группу")
    picker = harness.api.sent("SendMessage", LEADER)[-1]
    button = picker.reply_markup.keyboard[0][0]
    assert button.request_chat.request_id == made and button.request_chat.bot_administrator_rights.can_invite_users
    shown = await share_group(harness, LEADER, made)
    assert "Группа привязана" in shown[-1]
    return made, leader, member


async def test_a_leader_links_the_group_and_members_get_the_join_request_link(harness, sessionmaker, linked):
    made, _, member = linked
    row = await community_row(sessionmaker, made)
    assert (row.chat_id, row.invite_link) == (GROUP, LINK)
    link = harness.api.sent("CreateChatInviteLink")[-1]
    assert link.chat_id == GROUP and link.creates_join_request
    await member.click(CommCb(action="open", id=made))
    urls = [b.url for row_ in member.last_markup().inline_keyboard for b in row_ if b.url]
    assert urls == [LINK]


async def test_join_requests_are_approved_for_members_only(harness, sessionmaker, linked):
    assert await join_request(harness, MEMBER) == ["ApproveChatJoinRequest"]
    called = await join_request(harness, STRANGER)
    assert called == ["DeclineChatJoinRequest", "SendMessage"]
    why = harness.api.sent("SendMessage", STRANGER)[-1].text
    assert "открыта только его участникам" in why and "/communities" in why
    assert (await join_request(harness, NOBODY))[:1] == ["DeclineChatJoinRequest"]
    assert "Зарегистрируйтесь" in harness.api.sent("SendMessage", NOBODY)[-1].text
    assert await join_request(harness, MEMBER, chat_id=-100999) == []  # not a community's group


async def test_leaving_the_community_removes_from_the_group(harness, sessionmaker, linked):
    made, _, member = linked
    await member.click(CommCb(action="leave", id=made))
    ban, unban = harness.api.sent("BanChatMember")[-1], harness.api.sent("UnbanChatMember")[-1]
    assert (ban.chat_id, ban.user_id, unban.user_id, unban.only_if_banned) == (GROUP, MEMBER, MEMBER, True)
    assert await join_request(harness, MEMBER) == ["DeclineChatJoinRequest", "SendMessage"]


async def test_linking_needs_the_bot_as_admin_and_the_community_as_ones_own(harness, sessionmaker):
    await teacher(harness, LEADER, "Руководитель Анна")
    await teacher(harness, STRANGER, "Чужой Степан")
    made = await community(sessionmaker, "МО математиков", leader_tg=LEADER)
    other = await community(sessionmaker, "Сеть", "Ростовская область", CommunityKind.network, leader_tg=STRANGER)
    bot_is_admin(harness, can_invite=False)
    assert "Бот должен быть администратором" in (await share_group(harness, LEADER, made))[-1]
    harness.api.responses["GetChatMember"] = ChatMemberMember(user=BOT_USER)
    assert "Бот должен быть администратором" in (await share_group(harness, LEADER, made))[-1]
    bot_is_admin(harness)
    assert "Вы не руководите этим сообществом." in (await share_group(harness, STRANGER, made))[-1]
    assert (await community_row(sessionmaker, made)).chat_id is None
    await share_group(harness, STRANGER, other)
    assert "уже привязана к сообществу «Сеть»" in (await share_group(harness, LEADER, made))[-1]
    assert (await community_row(sessionmaker, made)).chat_id is None


async def test_delete_me_removes_the_person_from_the_linked_group(harness, sessionmaker, linked):
    _, _, member = linked
    await member.send("/delete_me")
    await member.press("Да, удалить")
    ban = harness.api.sent("BanChatMember")[-1]
    assert (ban.chat_id, ban.user_id) == (GROUP, MEMBER)
    assert await join_request(harness, MEMBER) == ["DeclineChatJoinRequest", "SendMessage"]
