"""A request-recording Bot API session for handler tests (the pattern of aiogram's own
tests/mocked_bot.py, which is not shipped in the wheel). Requests are kept in order, oldest first.

It refuses what Telegram refuses, with Telegram's own descriptions raised as aiogram raises them
(TelegramBadRequest), so a handler that only works against a lenient fake fails here:
- a second answerCallbackQuery for the same query id (kept in `double_answers`: the harness fails a
  test that answered a press twice, even if the code carried on), and any answer to a press marked
  `too_old` (pressed while the bot was down: Telegram refuses answers after about 15 s);
- editMessageText / editMessageCaption / editMessageReplyMarkup of a message it never sent (or
  deleted), and an edit that changes neither the content nor the keyboard.
A benchmark that presses buttons on synthetic message ids sets `like_telegram = False`: it then
neither remembers messages nor refuses anything (the handler tests are where refusals matter)."""

import itertools
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from aiogram import Bot
from aiogram.client.session.base import BaseSession
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import TelegramMethod
from aiogram.types import Chat, Document, InlineKeyboardMarkup, Message, User

BOT_USER = User(id=1000000, is_bot=True, first_name="Growth", username="growth_test_bot")

QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
EDIT_NOT_FOUND = "Bad Request: message to edit not found"
EDITS = {"EditMessageText": "text", "EditMessageCaption": "caption", "EditMessageReplyMarkup": None}


@dataclass
class Shown:
    """What Telegram keeps of a message the bot sent: its text (or caption) and keyboard."""

    content: str | None
    markup: Any


def _markup(method: TelegramMethod) -> Any:
    markup = getattr(method, "reply_markup", None)
    return markup.model_dump(exclude_none=True) if isinstance(markup, InlineKeyboardMarkup) else None


class RecordingSession(BaseSession):
    def __init__(self) -> None:
        super().__init__()
        self.requests: list[TelegramMethod] = []
        self.failures: dict[tuple[str, int | None], Exception] = {}
        self.messages: dict[tuple[int, int], Shown] = {}  # (chat id, message id) -> what it shows
        self.answered: set[str] = set()  # callback query ids already answered
        self.too_old: set[str] = set()  # callback query ids Telegram no longer takes an answer for
        self.double_answers: list[str] = []  # query ids answered a second time (a handler's bug)
        self.message_ids: dict[int, int] = {}  # index in `requests` -> id of the message it showed
        self._ids = itertools.count(1)
        self.like_telegram = True
        self.responses: dict[str, Any] = {}  # method name -> a canned result (getChatMember, ...)

    def fail(self, method: str, chat_id: int | None, error: Exception) -> None:
        """Raise `error` for every `method` call to `chat_id` (None: to anyone)."""
        self.failures[(method, chat_id)] = error

    def remember(self, chat_id: int, text: str | None = "…", markup: InlineKeyboardMarkup | None = None) -> int:
        """A message the bot sent before the test looked (an old keyboard a user still has)."""
        message_id = next(self._ids)
        self.messages[(chat_id, message_id)] = Shown(text, markup.model_dump(exclude_none=True) if markup else None)
        return message_id

    async def make_request(self, bot: Bot, method: TelegramMethod, timeout: int | None = None) -> Any:
        name = type(method).__name__
        chat_id = getattr(method, "chat_id", None)
        for key in ((name, chat_id), (name, None)):
            if key in self.failures:
                raise self.failures[key]
        if self.like_telegram:
            self._refuse_like_telegram(method, name)
        self.requests.append(method)
        response = self._respond(method)
        if isinstance(response, Message) and self.like_telegram:
            self.message_ids[len(self.requests) - 1] = response.message_id
        return response

    def _refuse_like_telegram(self, method: TelegramMethod, name: str) -> None:
        if name == "AnswerCallbackQuery":
            if method.callback_query_id in self.answered:
                self.double_answers.append(method.callback_query_id)
                raise TelegramBadRequest(method=method, message=QUERY_TOO_OLD)
            if method.callback_query_id in self.too_old:
                raise TelegramBadRequest(method=method, message=QUERY_TOO_OLD)
            self.answered.add(method.callback_query_id)
        elif name in EDITS and getattr(method, "inline_message_id", None) is None:
            key = (int(method.chat_id), method.message_id)
            shown = self.messages.get(key)
            if shown is None:
                raise TelegramBadRequest(method=method, message=EDIT_NOT_FOUND)
            field = EDITS[name]
            new = Shown(getattr(method, field) if field else shown.content, _markup(method))
            if new == shown:
                raise TelegramBadRequest(method=method, message=NOT_MODIFIED)
            self.messages[key] = new
        elif name == "DeleteMessage":
            self.messages.pop((int(method.chat_id), method.message_id), None)

    def _respond(self, method: TelegramMethod) -> Any:
        name = type(method).__name__
        if name == "GetMe":
            return BOT_USER
        if name in self.responses:
            return self.responses[name]
        returning = getattr(method, "__returning__", None)
        if returning is Message or name.startswith(("Send", "Edit")):
            chat_id = int(getattr(method, "chat_id", None) or 0)
            message_id = getattr(method, "message_id", None)
            if message_id is None:
                message_id = next(self._ids)
            if self.like_telegram and not name.startswith("Edit"):
                self.messages[(chat_id, message_id)] = Shown(
                    getattr(method, "text", None) or getattr(method, "caption", None), _markup(method)
                )
            document = None
            if name == "SendDocument":
                document = Document(
                    file_id=f"doc{next(self._ids)}",
                    file_unique_id="u",
                    file_name=getattr(method.document, "filename", None),
                )
            return Message(
                message_id=message_id,
                date=datetime.now(timezone.utc),
                chat=Chat(id=chat_id, type="private"),
                from_user=BOT_USER,
                text=getattr(method, "text", None),
                document=document,
                caption=getattr(method, "caption", None),
            )
        return True

    async def close(self) -> None:
        return None

    async def stream_content(
        self, url: str, headers=None, timeout: int = 30, chunk_size: int = 65536, raise_for_status: bool = True
    ) -> AsyncGenerator[bytes, None]:
        yield b""

    # --- conveniences for assertions ------------------------------------------------------

    def sent(self, method: str = "SendMessage", chat_id: int | None = None) -> list[TelegramMethod]:
        return [
            r
            for r in self.requests
            if type(r).__name__ == method and (chat_id is None or getattr(r, "chat_id", None) == chat_id)
        ]

    def texts(self, chat_id: int | None = None) -> list[str]:
        """Texts the user saw: new messages and in-place edits, in order."""
        return [
            r.text
            for r in self.requests
            if type(r).__name__ in ("SendMessage", "EditMessageText")
            and (chat_id is None or getattr(r, "chat_id", None) == chat_id)
        ]

    def last_keyboard(self, chat_id: int) -> tuple[int, InlineKeyboardMarkup | None] | None:
        """The message id and keyboard of the latest message sent or edited in this chat."""
        for index in range(len(self.requests) - 1, -1, -1):
            request = self.requests[index]
            if (
                getattr(request, "chat_id", None) == chat_id
                and index in self.message_ids
                and type(request).__name__ in ("SendMessage", "EditMessageText", "EditMessageReplyMarkup")
            ):
                return self.message_ids[index], request.reply_markup
        return None

    def holding(self, chat_id: int, callback_data: str) -> int | None:
        """The latest message in this chat whose keyboard has a button with this callback_data."""
        for (chat, message_id), shown in reversed(self.messages.items()):
            rows = (shown.markup or {}).get("inline_keyboard", [])
            if chat == chat_id and any(b.get("callback_data") == callback_data for row in rows for b in row):
                return message_id
        return None

    def shown(self, chat_id: int, message_id: int) -> Shown | None:
        return self.messages.get((chat_id, message_id))

    def alerts(self) -> list[str]:
        return [r.text for r in self.requests if type(r).__name__ == "AnswerCallbackQuery" and r.text]

    def clear(self) -> None:
        self.requests.clear()
