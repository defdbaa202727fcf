"""Prometheus metrics, served at /metrics in webhook mode: updates handled, handler latency, outbox
depth, sends by outcome.

Long polling has nowhere to serve them, so until `enable()` (the webhook runner calls it) the
recording functions do nothing and prometheus_client is never imported: about 1 MB of resident
memory a polling bot would carry for nobody to read. Once enabled the metrics are process-wide, as
prometheus_client intends."""

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update


@dataclass(frozen=True)
class _Prometheus:
    updates: Any
    handler_latency: Any
    outbox_depth: Any
    sends: Any


_enabled: _Prometheus | None = None


def enable() -> None:
    global _enabled
    if _enabled is not None:  # collectors register once per process
        return
    from prometheus_client import Counter, Gauge, Histogram, Info

    from bot.version import __version__, commit

    Info("bot_build", "Which release (and git commit) is running").info(
        {"version": __version__, "commit": commit() or "unknown"}
    )

    _enabled = _Prometheus(
        updates=Counter("bot_updates_handled_total", "Updates handled", ["type"]),
        handler_latency=Histogram(
            "bot_handler_latency_seconds",
            "Time to handle one update",
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
        ),
        outbox_depth=Gauge("bot_outbox_depth", "Outbox messages due or waiting", ["status"]),
        sends=Counter("bot_sends_total", "Outbox sends by outcome", ["outcome"]),
    )


def exposition() -> tuple[bytes, str]:
    """The body and content type of a /metrics response."""
    enable()
    from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

    return generate_latest(), CONTENT_TYPE_LATEST


def count_send(outcome: str) -> None:
    if _enabled is not None:
        _enabled.sends.labels(outcome).inc()


def set_outbox_depth(status: str, count: int) -> None:
    if _enabled is not None:
        _enabled.outbox_depth.labels(status).set(count)


class MetricsMiddleware(BaseMiddleware):
    """Registered only when metrics are enabled (see bot.app.create_dispatcher)."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        started = time.perf_counter()
        try:
            return await handler(event, data)
        finally:
            if _enabled is not None:
                _enabled.handler_latency.observe(time.perf_counter() - started)
                _enabled.updates.labels(event.event_type if isinstance(event, Update) else "unknown").inc()
