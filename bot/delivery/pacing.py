"""Sending pace: one global rate (evenly spaced slots), about 1 msg/s per chat, and a global
pause after Telegram answers 429. Pure asyncio; the clock is injectable for tests."""

import asyncio
import time
from collections.abc import Awaitable, Callable

CATCH_UP_S = 0.02


class Pacer:
    def __init__(
        self,
        rate_per_s: float,
        per_chat_interval_s: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._interval = 1.0 / rate_per_s
        self._per_chat = per_chat_interval_s
        self._clock, self._sleep = clock, sleep
        self._next_slot = 0.0
        self._chat_next: dict[int, float] = {}
        self._paused_until = 0.0

    def pause(self, seconds: float) -> None:
        """Telegram said 429: nobody sends until the pause is over."""
        self._paused_until = max(self._paused_until, self._clock() + seconds)
        self._next_slot = max(self._next_slot, self._paused_until)

    async def acquire(self, chat_id: int) -> None:
        """Wait for this message's slot. Slots are handed out in call order, so callers should
        call in the order they want messages to go out."""
        while True:
            now = self._clock()
            start = max(now, self._next_slot, self._paused_until, self._chat_next.get(chat_id, 0.0))
            if start <= now:
                break
            await self._sleep(start - now)
        # Scheduling from the previous slot, not from "now", keeps the average rate exact even
        # when the event loop wakes us late; the catch-up is capped at CATCH_UP_S of sending so
        # an idle spell never turns into a burst.
        self._next_slot = max(self._next_slot + self._interval, now - max(self._interval, CATCH_UP_S))
        self._chat_next[chat_id] = now + self._per_chat
        if len(self._chat_next) > 100_000:
            self._chat_next = {c: t for c, t in self._chat_next.items() if t > now}
