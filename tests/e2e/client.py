"""Python side of the e2e harness: the emulator control API and the ``TgUser`` test client.

Users talk to the bot through the client routes of telegram-test-api (``/sendMessage``,
``/sendCommand``, ``/sendCallback``); the bot's messages (with their edits) are read from the
compatibility layer's ``/_e2e/chats/<chat_id>`` view (see ``emulator/server.js``).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiohttp

POLL_INTERVAL = 0.05


@dataclass
class BotMessage:
    """A message the bot sent to a chat, as it is now (after edits)."""

    message_id: int
    chat_id: int
    text: str | None  # plain text, HTML tags stripped like Telegram does
    caption: str | None
    reply_markup: dict | None  # inline keyboard
    keyboard: dict | None  # reply keyboard (or remove/force reply) sent with the message
    document: dict | None  # {file_id, file_name, mime_type, file_size}
    photo: list | None
    edits: list[dict]  # each edit's {text, caption, reply_markup}, oldest first
    deleted: bool
    raw_text: str | None  # text/caption as the bot sent it (e.g. with HTML tags)
    raw: dict

    @classmethod
    def from_view(cls, view: dict) -> BotMessage:
        m = view["message"]
        return cls(
            m["message_id"],
            m["chat"]["id"],
            m.get("text"),
            m.get("caption"),
            m.get("reply_markup"),
            view.get("keyboard"),
            m.get("document"),
            m.get("photo"),
            view["edits"],
            view["deleted"],
            view.get("raw_text"),
            m,
        )

    @property
    def body(self) -> str:
        return self.text or self.caption or ""

    @property
    def buttons(self) -> list[dict]:
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [button for row in rows for button in row]

    @property
    def reply_buttons(self) -> list[str]:
        rows = (self.keyboard or {}).get("keyboard", [])
        return [b if isinstance(b, str) else b["text"] for row in rows for b in row]

    def button(self, label: str) -> dict | None:
        """The inline button whose text or callback_data equals ``label``."""
        return next((b for b in self.buttons if label in (b["text"], b.get("callback_data"))), None)


class Emulator:
    """Control client of the emulator (one HTTP session per call: safe across event loops)."""

    def __init__(self, base_url: str, process: Any = None):
        self.base_url = base_url.rstrip("/")
        self.process = process  # the node ManagedProcess, when started by the fixture

    async def request(self, method: str, path: str, **kwargs: Any) -> Any:
        async with aiohttp.ClientSession() as session:
            async with session.request(method, self.base_url + path, **kwargs) as resp:
                if path.startswith("/_e2e/files/"):
                    resp.raise_for_status()
                    return await resp.read()
                data = await resp.json()
        if not data.get("ok"):
            raise RuntimeError(f"emulator {path}: {data}")
        return data["result"]

    async def messages(self, chat_id: int) -> list[BotMessage]:
        chat = await self.request("GET", f"/_e2e/chats/{chat_id}")
        return [BotMessage.from_view(v) for v in chat["messages"]]

    async def answers(self, chat_id: int) -> list[dict]:
        """answerCallbackQuery calls for callbacks pressed in this chat."""
        return (await self.request("GET", f"/_e2e/chats/{chat_id}"))["answers"]

    async def calls(self, method: str | None = None) -> list[dict]:
        """Bot API calls made by bots (except getUpdates): {method, bot (its id), chat_id, params, status, result}."""
        return await self.request("GET", "/_e2e/calls", params={"method": method} if method else {})

    async def fail(
        self,
        chat_id: int | None = None,
        error_code: int = 403,
        *,
        method: str | None = None,
        description: str | None = None,
        retry_after: int | None = None,
        times: int | None = None,
    ) -> dict:
        """Make Bot API calls for ``chat_id`` (and/or ``method``) fail; ``times=None`` = until cleared.

        403 defaults to "Forbidden: bot was blocked by the user"; 429 carries ``retry_after``.
        """
        rule = {
            "chat_id": chat_id,
            "error_code": error_code,
            "method": method,
            "description": description,
            "retry_after": retry_after,
            "times": times,
        }
        return await self.request("POST", "/_e2e/failures", json={k: v for k, v in rule.items() if v is not None})

    async def clear_failures(self) -> None:
        await self.request("DELETE", "/_e2e/failures")

    async def upload(self, content: bytes, file_name: str, mime_type: str) -> dict:
        params = {"file_name": file_name, "mime_type": mime_type}
        headers = {"Content-Type": "application/octet-stream"}
        return await self.request("POST", "/_e2e/files", params=params, data=content, headers=headers)

    async def file_content(self, file_id: str) -> bytes:
        return await self.request("GET", f"/_e2e/files/{file_id}")

    async def polls(self) -> dict[str, float]:
        """Bot token -> time of its latest getUpdates call."""
        return await self.request("GET", "/_e2e/polls")


class TgUser:
    """A Telegram user in a private chat with the bot (chat id == user id)."""

    def __init__(
        self, emulator: Emulator, token: str, user_id: int, first_name: str = "Test", username: str | None = None
    ):
        self.emulator, self.token, self.user_id, self.chat_id = emulator, token, user_id, user_id
        self.user = {
            "id": user_id,
            "is_bot": False,
            "first_name": first_name,
            "username": username or f"user{user_id}",
            "language_code": "ru",
        }
        self.chat = {"id": user_id, "type": "private", "first_name": first_name, "username": self.user["username"]}
        self.floor = 0  # messages up to this id (left from earlier tests) are ignored
        self.consumed: set[int] = set()
        self.answers_seen = 0

    async def forget_history(self) -> None:
        """Ignore every message already in the chat (done by the ``make_user`` fixture)."""
        self.floor = max((m.message_id for m in await self.emulator.messages(self.chat_id)), default=0)
        self.answers_seen = len(await self.emulator.answers(self.chat_id))

    async def messages(self) -> list[BotMessage]:
        return [m for m in await self.emulator.messages(self.chat_id) if m.message_id > self.floor]

    async def _post(self, route: str, payload: dict) -> None:
        base = {"botToken": self.token, "from": self.user, "chat": self.chat, "date": int(time.time())}
        await self.emulator.request("POST", route, json=base | payload)

    async def send(self, text: str) -> None:
        if text.startswith("/"):
            command = text.split()[0]
            entity = {"type": "bot_command", "offset": 0, "length": len(command)}
            await self._post("/sendCommand", {"text": text, "entities": [entity]})
        else:
            await self._post("/sendMessage", {"text": text})

    async def request_join(self, group: dict) -> None:
        """Ask to join a group through its join-request link (a chat_join_request update)."""
        await self.emulator.request(
            "POST", "/_e2e/join_request", json={"botToken": self.token, "chat": group, "from": self.user}
        )

    async def share_chat(self, request_id: int, chat_id: int) -> None:
        """Pick a chat with a request_chat reply button (a message with chat_shared)."""
        payload = {
            "botToken": self.token,
            "chat": self.chat,
            "from": self.user,
            "request_id": request_id,
            "chat_id": chat_id,
        }
        await self.emulator.request("POST", "/_e2e/chat_shared", json=payload)

    async def send_document(
        self, file_name: str, content: bytes, caption: str | None = None, mime_type: str = "application/octet-stream"
    ) -> dict:
        document = await self.emulator.upload(content, file_name, mime_type)
        await self._post("/sendMessage", {"document": document} | ({"caption": caption} if caption else {}))
        return document

    async def _poll(self, find: Callable[[list[BotMessage]], Any], timeout: float, what: str) -> Any:
        __tracebackhide__ = True
        deadline = time.monotonic() + timeout
        while True:
            messages = await self.messages()
            if (found := find(messages)) is not None:
                return found
            if time.monotonic() > deadline:
                seen = "\n".join(
                    f"  #{m.message_id}: {m.body!r} buttons={[b['text'] for b in m.buttons]}" for m in messages
                )
                raise AssertionError(f"user {self.user_id}: no {what} within {timeout}s; bot messages:\n{seen}")
            await asyncio.sleep(POLL_INTERVAL)

    async def wait_reply(
        self,
        contains: str | None = None,
        *,
        timeout: float = 10.0,
        predicate: Callable[[BotMessage], bool] | None = None,
    ) -> BotMessage:
        """The oldest new bot message (not returned before) containing ``contains`` in text/caption."""

        def find(messages: list[BotMessage]) -> BotMessage | None:
            return next(
                (
                    m
                    for m in messages
                    if m.message_id not in self.consumed
                    and not m.deleted
                    and (contains is None or contains in m.body)
                    and (predicate is None or predicate(m))
                ),
                None,
            )

        message = await self._poll(find, timeout, f"reply containing {contains!r}")
        self.consumed.add(message.message_id)
        return message

    async def wait_edit(self, message: BotMessage, contains: str | None = None, *, timeout: float = 10.0) -> BotMessage:
        """``message`` once edited again (and its text/caption contains ``contains``)."""

        def find(messages: list[BotMessage]) -> BotMessage | None:
            return next(
                (
                    m
                    for m in messages
                    if m.message_id == message.message_id
                    and len(m.edits) > len(message.edits)
                    and (contains is None or contains in m.body)
                ),
                None,
            )

        return await self._poll(find, timeout, f"edit of #{message.message_id} containing {contains!r}")

    async def click(self, label: str, *, timeout: float = 10.0, times: int = 1) -> BotMessage:
        """Press the button ``label`` (text or callback_data) of the latest message that has it.

        Inline buttons send a callback query; reply-keyboard buttons send their text.
        ``times=2`` is a double tap: the same press sent twice at once.
        Returns the message the button belongs to.
        """

        def find(messages: list[BotMessage]) -> BotMessage | None:
            live = [m for m in reversed(messages) if not m.deleted]
            inline = next((m for m in live if m.button(label)), None)
            shown = next((m for m in reversed(messages) if m.keyboard), None)  # current reply keyboard
            return inline or (shown if shown and label in shown.reply_buttons else None)

        message = await self._poll(find, timeout, f"button {label!r}")
        button = message.button(label)
        if button is not None and "callback_data" not in button:
            raise AssertionError(f"button {label!r} has no callback_data: {button}")

        def press():
            if button is None:
                return self.send(label)
            stub = {"message_id": message.message_id, "chat": self.chat}
            return self._post("/sendCallback", {"message": stub, "data": button["callback_data"]})

        await asyncio.gather(*(press() for _ in range(times)))
        return message

    async def wait_answer(self, contains: str | None = None, *, timeout: float = 10.0) -> dict:
        """The next answerCallbackQuery ({text, show_alert, ...}) to a button pressed in this chat."""
        deadline = time.monotonic() + timeout
        while True:
            answers = await self.emulator.answers(self.chat_id)
            for index, answer in enumerate(answers[self.answers_seen :], start=self.answers_seen):
                if contains is None or contains in (answer.get("text") or ""):
                    self.answers_seen = index + 1
                    return answer
            if time.monotonic() > deadline:
                raise AssertionError(f"user {self.user_id}: no callback answer containing {contains!r}: {answers}")
            await asyncio.sleep(POLL_INTERVAL)

    async def expect_silence(self, seconds: float = 1.0) -> None:
        """Assert that the bot sends nothing new (not yet returned by wait_reply) for ``seconds``."""
        await asyncio.sleep(seconds)
        new = [m.body for m in await self.messages() if m.message_id not in self.consumed]
        assert not new, f"user {self.user_id}: unexpected bot messages {new}"


async def eventually(check: Callable[[], Any], timeout: float = 10.0) -> Any:
    """Retry an assertion about the database until it holds: the bot replies before its
    transaction commits, so a row may land a moment after the message the test waited for."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            result = check()
            return await result if asyncio.iscoroutine(result) else result
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.2)
