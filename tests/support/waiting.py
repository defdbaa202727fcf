"""Waiting for a condition instead of sleeping a fixed time: a sleep is either too short on a busy
machine (a flaky test) or longer than needed everywhere else (a slow one)."""

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any


async def wait_until(
    predicate: Callable[[], Any | Awaitable[Any]],
    timeout: float = 10.0,
    *,
    interval: float = 0.05,
    what: str = "the condition",
) -> Any:
    """Poll `predicate` (sync or async) until it returns something truthy, and return that; fail
    with an AssertionError naming `what` after `timeout` seconds. To assert that something did NOT
    happen, wait for a positive sign that the work which could have done it has run, then look."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if asyncio.iscoroutine(value):
            value = await value
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout}s (last value: {value!r})")
        await asyncio.sleep(interval)
