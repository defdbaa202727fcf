"""The default command menu is published for private chats only: groups get none."""

from aiogram import Bot
from aiogram.types import BotCommandScopeAllPrivateChats, BotCommandScopeDefault

from bot.app import publish_default_menu
from tests.support.fake_telegram import RecordingSession


async def test_default_menu_is_for_private_chats_and_groups_get_none():
    session = RecordingSession()
    bot = Bot("42:TEST", session=session)
    await publish_default_menu(bot)
    (cleared,) = session.sent("DeleteMyCommands")
    assert isinstance(cleared.scope, BotCommandScopeDefault)
    (menu,) = session.sent("SetMyCommands")
    assert isinstance(menu.scope, BotCommandScopeAllPrivateChats)
    assert {c.command for c in menu.commands} >= {"start", "help"}
