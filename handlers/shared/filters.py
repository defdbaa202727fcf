"""Message filters every dialog shares. A command is never an answer: "/events" typed at a name
step must run, not become the name.

They are `aiogram.filters.Filter` subclasses with an async `__call__`, so aiogram awaits them on
the event loop. A synchronous filter (a raw `State`, a magic `F` expression, a lambda) would be
run in a thread pool for every update it is checked against: use `StateFilter(...)`,
`CallbackData.filter(...)`, `Command(...)` or a small class like these instead
(tests/unit/test_filters_awaitable.py keeps it so)."""

from collections.abc import Callable
from typing import Any

from aiogram.filters import Filter
from aiogram.types import Message


def _is_command(message: Message) -> bool:
    return message.text is not None and message.text.startswith("/")


class IsCommand(Filter):
    async def __call__(self, message: Message) -> bool:
        return _is_command(message)


class NotCommand(Filter):
    """Anything but a command: text, a photo, a sticker..."""

    async def __call__(self, message: Message) -> bool:
        return not _is_command(message)


class Typed(Filter):
    """Text the user typed as an answer (not a command)."""

    async def __call__(self, message: Message) -> bool:
        return bool(message.text) and not _is_command(message)


class Has(Filter):
    """The message carries at least one of these parts: "text", "photo", "document"..."""

    def __init__(self, *parts: str) -> None:
        self.parts = parts

    async def __call__(self, message: Message) -> bool:
        return any(getattr(message, part, None) for part in self.parts)


class Caption(Filter):
    """The caption, stripped, is one of `values` (e.g. a content kind named in an upload's caption)."""

    def __init__(self, values: tuple[str, ...]) -> None:
        self.values = values

    async def __call__(self, message: Message) -> bool:
        return message.caption is not None and message.caption.strip() in self.values


class DocumentNamed(Filter):
    """A document whose file name `recognise` maps to something (e.g. a content kind)."""

    def __init__(self, recognise: Callable[[str | None], Any]) -> None:
        self.recognise = recognise

    async def __call__(self, message: Message) -> bool:
        return message.document is not None and bool(self.recognise(message.document.file_name))


IS_COMMAND = IsCommand()
NOT_COMMAND = NotCommand()
TYPED = Typed()
NO_TEXT = ~Has("text")
