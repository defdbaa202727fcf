"""A tiny aiogram bot used by test_harness.py to prove the emulator compatibility layer.

Run as ``python tests/e2e/fake_bot.py`` with BOT_TOKEN and TELEGRAM_API_BASE set.
"""

import asyncio
import logging
import os

from aiogram import Bot, Dispatcher, F
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramAPIError, TelegramRetryAfter
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.types import (
    BotCommand,
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
)

dp = Dispatcher()


@dp.message(CommandStart())
async def start(message: Message) -> None:
    button = InlineKeyboardButton(text="Press me", callback_data="press")
    await message.answer(
        f"Hello, <b>{message.from_user.first_name}</b>!", reply_markup=InlineKeyboardMarkup(inline_keyboard=[[button]])
    )


@dp.callback_query(F.data == "press")
async def press(callback: CallbackQuery) -> None:
    await callback.message.edit_text(f"Pressed by {callback.from_user.id}")
    await callback.answer("done")


@dp.message(Command("doc"))
async def doc(message: Message) -> None:
    report = BufferedInputFile(f"report for {message.from_user.id}".encode(), filename="report.txt")
    await message.answer_document(report, caption="Your <i>report</i>")


@dp.message(Command("menu"))
async def menu(message: Message) -> None:
    keyboard = ReplyKeyboardMarkup(keyboard=[[KeyboardButton(text="Apples"), KeyboardButton(text="Pears")]])
    await message.answer("Pick a fruit", reply_markup=keyboard)


@dp.message(Command("send"))
async def send(message: Message, bot: Bot, command: CommandObject) -> None:
    """/send CHAT_ID TEXT: message another chat and report how it went."""
    chat_id, text = command.args.split(maxsplit=1)
    try:
        await bot.send_message(int(chat_id), text)
    except TelegramRetryAfter as error:
        await message.answer(f"failed: TelegramRetryAfter retry_after={error.retry_after}")
    except TelegramAPIError as error:
        await message.answer(f"failed: {type(error).__name__}: {error.message}")
    else:
        await message.answer("sent")


@dp.message(F.document)
async def got_document(message: Message, bot: Bot) -> None:
    content = await bot.download(message.document.file_id)
    await message.answer(f"got {message.document.file_name}: {content.read().decode()}")


@dp.message(F.text)
async def echo(message: Message) -> None:
    await message.answer(f"echo: {message.text}")


async def main() -> None:
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"))
    session = AiohttpSession(api=TelegramAPIServer.from_base(os.environ["TELEGRAM_API_BASE"]))
    bot = Bot(os.environ["BOT_TOKEN"], session=session, default=DefaultBotProperties(parse_mode="HTML"))
    await bot.set_my_commands(
        [BotCommand(command="start", description="Start"), BotCommand(command="doc", description="Get a document")]
    )
    await bot.delete_webhook()
    await dp.start_polling(bot, polling_timeout=10)


if __name__ == "__main__":
    asyncio.run(main())
