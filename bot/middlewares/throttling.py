import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiogram import BaseMiddleware
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, Message, TelegramObject, Update

FLOOD_WARNING = "Слишком много сообщений подряд. Подождите несколько секунд и повторите."
MAX_TRACKED_USERS = 50_000


@dataclass
class _Window:
    started: float
    count: int = 0
    warned: bool = False


class ThrottlingMiddleware(BaseMiddleware):
    """Per-user fixed window: past `rate` updates in `window_s`, one polite warning, then silence."""

    def __init__(self, rate: int, window_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._rate, self._window_s, self._clock = rate, window_s, clock
        self._windows: dict[int, _Window] = {}

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        tg_user = data.get("event_from_user")
        if tg_user is None:
            return await handler(event, data)
        now = self._clock()
        window = self._windows.get(tg_user.id)
        if window is None or now - window.started >= self._window_s:
            if len(self._windows) > MAX_TRACKED_USERS:
                self._windows.clear()
            window = self._windows[tg_user.id] = _Window(started=now)
        window.count += 1
        if window.count <= self._rate:
            return await handler(event, data)
        if not window.warned:
            window.warned = True
            await _warn(event)
        return None


async def _warn(update: TelegramObject) -> None:
    if not isinstance(update, Update):
        return
    if isinstance(update.callback_query, CallbackQuery):
        try:
            await update.callback_query.answer(FLOOD_WARNING, show_alert=True)
        except TelegramBadRequest as exc:  # a press too old to answer: the warning can wait
            if "query is too old" not in exc.message:
                raise
    elif isinstance(update.message, Message):
        await update.message.answer(FLOOD_WARNING)
