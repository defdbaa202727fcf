"""Prometheus metrics (served at /metrics in webhook mode). Module-level, as prometheus_client
intends: counters are process-wide and cheap to touch from anywhere."""

import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update
from prometheus_client import Counter, Gauge, Histogram

UPDATES = Counter("bot_updates_handled_total", "Updates handled", ["type"])
HANDLER_LATENCY = Histogram("bot_handler_latency_seconds", "Time to handle one update",
                            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
OUTBOX_DEPTH = Gauge("bot_outbox_depth", "Outbox messages due or waiting", ["status"])
SENDS = Counter("bot_sends_total", "Outbox sends by outcome", ["outcome"])


class MetricsMiddleware(BaseMiddleware):
    async def __call__(
        self, handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject, data: dict[str, Any],
    ) -> Any:
        started = time.perf_counter()
        try:
            return await handler(event, data)
        finally:
            HANDLER_LATENCY.observe(time.perf_counter() - started)
            UPDATES.labels(event.event_type if isinstance(event, Update) else "unknown").inc()
