"""Personal features in private chats only: a command or a button in a group gets a pointer to the
private chat and nothing personal; updates with nobody behind them are ignored; join requests and
membership updates still reach their handlers."""

from datetime import datetime, timezone

from aiogram.types import CallbackQuery, Chat, ChatJoinRequest, Message, Update, User
from sqlalchemy import func, select

from handlers.shared.callbacks import ConsentCb
from models import FsmRecord
from models import User as UserRow
from tests.support.factories import count_users, register
from tests.support.fake_telegram import BOT_USER

GROUP = Chat(id=-1001234567890, type="supergroup", title="Учителя школы № 1")
NAME = "Иванова Мария Петровна"
ANONYMOUS_ADMIN = User(id=1087968824, is_bot=True, first_name="Group", username="GroupAnonymousBot")


def message(harness, text: str, chat: Chat, sender: User | None) -> Update:
    return Update(
        update_id=harness.next_update_id(),
        message=Message(
            message_id=harness.next_message_id(),
            date=datetime.now(timezone.utc),
            chat=chat,
            from_user=sender,
            text=text,
        ),
    )


async def group_dialogs(session) -> list[FsmRecord]:
    return list(await session.scalars(select(FsmRecord).where(FsmRecord.key.contains(str(GROUP.id)))))


def to_chat(harness, chat_id: int) -> list:
    return [r for r in harness.api.requests if getattr(r, "chat_id", None) == chat_id]


async def test_personal_commands_in_a_group_only_point_to_the_private_chat(harness, sessionmaker):
    teacher = harness.user(901)
    await register(teacher, name=NAME)
    harness.api.clear()
    commands = ["/my_data", "/profile", "/start", "/help", "/route", "/events", "/delete_me", "/diagnostics"]
    for command in commands:
        await harness.feed(message(harness, command, GROUP, teacher.tg))
    replies = to_chat(harness, GROUP.id)
    assert [type(r).__name__ for r in replies] == ["SendMessage"] * len(commands)  # one each, no files
    for reply, command in zip(replies, commands, strict=True):
        assert "личном чате" in reply.text and f"отправьте там {command}" in reply.text
        assert "https://t.me/growth_test_bot" in reply.text
        assert "Иванова" not in reply.text and "Мария" not in reply.text
    assert to_chat(harness, 901) == []  # nor was anything sent to the person instead
    async with sessionmaker() as session:
        assert await group_dialogs(session) == []  # no dialog opened in the group
        assert (await session.scalar(select(UserRow).where(UserRow.telegram_id == 901))).full_name == NAME


async def test_a_stranger_cannot_register_in_a_group(harness, sessionmaker):
    stranger = User(id=902, is_bot=False, first_name="Гость")
    await harness.feed(message(harness, "/start", GROUP, stranger))
    [pointer] = to_chat(harness, GROUP.id)
    assert "личном чате" in pointer.text
    pressed = Message(
        message_id=pointer.reply_to_message_id or 1,
        date=datetime.now(timezone.utc),
        chat=GROUP,
        from_user=BOT_USER,
        text="…",
    )
    query = CallbackQuery(
        id="group-press", from_user=stranger, chat_instance="g", data=ConsentCb(agree=True).pack(), message=pressed
    )
    await harness.feed(Update(update_id=harness.next_update_id(), callback_query=query))
    assert "личном чате" in harness.api.alerts()[-1]
    await harness.feed(message(harness, "Гостев Гость Гостевич", GROUP, stranger))
    assert len(to_chat(harness, GROUP.id)) == 1  # the group's conversation gets no answer
    assert await count_users(sessionmaker) == 0
    async with sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(FsmRecord)) == 0
        assert await group_dialogs(session) == []


async def test_commands_for_other_bots_and_group_chatter_get_no_answer(harness):
    person = User(id=903, is_bot=False, first_name="Пётр")
    for text in ("/start@other_bot", "Коллеги, кто идёт на семинар?", "/help@OTHER_bot"):
        await harness.feed(message(harness, text, GROUP, person))
    assert to_chat(harness, GROUP.id) == []
    await harness.feed(message(harness, "/help@Growth_Test_Bot", GROUP, person))
    assert "личном чате" in to_chat(harness, GROUP.id)[-1].text


async def test_updates_with_nobody_behind_them_are_ignored(harness):
    teacher = harness.user(904)
    await register(teacher)
    harness.api.clear()
    # An anonymous group admin, a message without `from` in a private chat, a channel post.
    await harness.feed(message(harness, "/help", GROUP, ANONYMOUS_ADMIN))
    await harness.feed(message(harness, "/help", Chat(id=904, type="private"), None))
    channel = Chat(id=-1009999, type="channel", title="Новости")
    post = Message(message_id=5, date=datetime.now(timezone.utc), chat=channel, sender_chat=channel, text="/start")
    await harness.feed(Update(update_id=harness.next_update_id(), channel_post=post))
    await harness.feed(Update(update_id=harness.next_update_id()))  # a kind of update this aiogram does not know
    assert harness.api.requests == []
    # The person in their private chat is served as before.
    assert "/profile" in (await teacher.send("/help"))[-1]


async def test_join_requests_from_groups_still_reach_their_handler(harness):
    seen = []

    async def on_join_request(request: ChatJoinRequest) -> None:
        seen.append((request.chat.id, request.from_user.id))

    harness.dp.chat_join_request.register(on_join_request)
    person = User(id=905, is_bot=False, first_name="Анна")
    request = ChatJoinRequest(
        chat=GROUP, from_user=person, user_chat_id=905, date=datetime.now(timezone.utc), invite_link=None
    )
    await harness.feed(Update(update_id=harness.next_update_id(), chat_join_request=request))
    assert seen == [(GROUP.id, 905)]
