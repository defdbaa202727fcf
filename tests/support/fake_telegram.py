"""A request-recording Bot API session for handler tests (the pattern of aiogram's own
tests/mocked_bot.py, which is not shipped in the wheel). Requests are kept in order, oldest first."""

import itertools
from collections.abc import AsyncGenerator
from datetime import datetime, timezone
from typing import Any

from aiogram import Bot
from aiogram.client.session.base import BaseSession
from aiogram.methods import TelegramMethod
from aiogram.types import Chat, Document, Message, User

BOT_USER = User(id=1000000, is_bot=True, first_name="Growth", username="growth_test_bot")


class RecordingSession(BaseSession):
    def __init__(self) -> None:
        super().__init__()
        self.requests: list[TelegramMethod] = []
        self.failures: dict[tuple[str, int | None], Exception] = {}
        self._ids = itertools.count(1)

    def fail(self, method: str, chat_id: int | None, error: Exception) -> None:
        """Raise `error` for every `method` call to `chat_id` (None: to anyone)."""
        self.failures[(method, chat_id)] = error

    async def make_request(self, bot: Bot, method: TelegramMethod, timeout: int | None = None) -> Any:
        name = type(method).__name__
        chat_id = getattr(method, "chat_id", None)
        for key in ((name, chat_id), (name, None)):
            if key in self.failures:
                raise self.failures[key]
        self.requests.append(method)
        return self._respond(method)

    def _respond(self, method: TelegramMethod) -> Any:
        name = type(method).__name__
        if name == "GetMe":
            return BOT_USER
        returning = getattr(method, "__returning__", None)
        if returning is Message or name.startswith(("Send", "Edit")):
            chat_id = getattr(method, "chat_id", None) or 0
            document = None
            if name == "SendDocument":
                document = Document(file_id=f"doc{next(self._ids)}", file_unique_id="u",
                                    file_name=getattr(method.document, "filename", None))
            return Message(
                message_id=getattr(method, "message_id", None) or next(self._ids),
                date=datetime.now(timezone.utc), chat=Chat(id=int(chat_id), type="private"),
                from_user=BOT_USER, text=getattr(method, "text", None), document=document,
                caption=getattr(method, "caption", None),
            )
        return True

    async def close(self) -> None:
        return None

    async def stream_content(self, url: str, headers=None, timeout: int = 30, chunk_size: int = 65536,
                             raise_for_status: bool = True) -> AsyncGenerator[bytes, None]:
        yield b""

    # --- conveniences for assertions ------------------------------------------------------

    def sent(self, method: str = "SendMessage", chat_id: int | None = None) -> list[TelegramMethod]:
        return [r for r in self.requests if type(r).__name__ == method
                and (chat_id is None or getattr(r, "chat_id", None) == chat_id)]

    def texts(self, chat_id: int | None = None) -> list[str]:
        """Texts the user saw: new messages and in-place edits, in order."""
        return [r.text for r in self.requests if type(r).__name__ in ("SendMessage", "EditMessageText")
                and (chat_id is None or getattr(r, "chat_id", None) == chat_id)]

    def alerts(self) -> list[str]:
        return [r.text for r in self.requests if type(r).__name__ == "AnswerCallbackQuery" and r.text]

    def clear(self) -> None:
        self.requests.clear()
