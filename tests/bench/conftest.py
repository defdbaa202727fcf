"""Benchmarks run on the wall clock: they time real processes (the bot, the fake Bot API, delivery
children) that know nothing of the tests' known instant (tests/support/clock.py)."""

from datetime import datetime, timezone

import pytest
import time_machine
from time_machine import escape_hatch


@pytest.fixture(autouse=True)
def wall_clock(known_instant):
    real_now = escape_hatch.datetime.datetime.now(timezone.utc)
    with time_machine.travel(datetime.fromtimestamp(real_now.timestamp(), timezone.utc), tick=True):
        yield
