"""The known instant every test runs at, instead of the wall clock.

`TEST_NOW` (ISO 8601 with an offset) chooses it; CI runs the date-sensitive layers a second and a
third time at 21:30 UTC (Moscow's date already tomorrow's) and at 23:59 Moscow time on the last
day of a month. The clock ticks from there (tick=True), so timeouts and "after 5 minutes" logic
behave as in life; only the starting point is fixed.

A bot subprocess started by a test gets the test's current instant in `TEST_NOW` and runs under
`python -m tests.support.at_instant`, so both sides of an end-to-end test agree on "now".
"""

import os
import sys
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import time_machine

DEFAULT_INSTANT = "2026-12-07T09:00:00+00:00"  # a Monday, 12:00 in Moscow
MOSCOW = ZoneInfo("Europe/Moscow")


def instant() -> datetime:
    """The configured starting instant, aware and in UTC."""
    raw = os.environ.get("TEST_NOW") or DEFAULT_INSTANT
    moment = datetime.fromisoformat(raw)
    if moment.tzinfo is None:
        raise ValueError(f"TEST_NOW must carry a UTC offset, got {raw!r}")
    return moment.astimezone(timezone.utc)


def moscow_today() -> date:
    """The date people in Moscow (the default zone of test users) see at the start of a test."""
    return instant().astimezone(MOSCOW).date()


def travel(moment: datetime | None = None) -> time_machine.travel:
    return time_machine.travel(moment or instant(), tick=True)


def child_env(env: dict[str, str]) -> dict[str, str]:
    """Environment for a subprocess: the parent's current (travelled) instant becomes the child's."""
    return env | {"TEST_NOW": datetime.now(timezone.utc).isoformat()}


def bot_command(*args: str) -> list[str]:
    """`python -m bot ARGS` at the test's instant (pair it with child_env for the environment)."""
    return [sys.executable, "-m", "tests.support.at_instant", "bot", *args]
