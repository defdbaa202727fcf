import asyncio
import time
from datetime import datetime, timezone

from bot.delivery.pacing import Pacer
from bot.delivery.quiet import parse_quiet_hours, quiet_until

QUIET = parse_quiet_hours("21:00-08:00")


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


def test_quiet_hours_in_the_recipients_zone():
    # 19:00 UTC is 22:00 in Moscow (quiet until 08:00 MSK = 05:00 UTC) but 02:00 in Krasnoyarsk.
    assert quiet_until(utc(2026, 12, 1, 19), "Europe/Moscow", QUIET) == utc(2026, 12, 2, 5)
    assert quiet_until(utc(2026, 12, 1, 19), "Asia/Krasnoyarsk", QUIET) == utc(2026, 12, 2, 1)
    assert quiet_until(utc(2026, 12, 1, 9), "Europe/Moscow", QUIET) is None
    assert quiet_until(utc(2026, 12, 1, 19), "Europe/Moscow", None) is None


def test_daytime_quiet_window():
    lunch = parse_quiet_hours("13:00-14:00")
    assert quiet_until(utc(2026, 12, 1, 10, 30), "Europe/Moscow", lunch) == utc(2026, 12, 1, 11)
    assert quiet_until(utc(2026, 12, 1, 12), "Europe/Moscow", lunch) is None


async def test_pacer_keeps_the_global_rate_and_per_chat_spacing():
    pacer = Pacer(rate_per_s=200, per_chat_interval_s=0.2)
    start = time.monotonic()
    for chat in range(40):
        await pacer.acquire(chat)
    spread = time.monotonic() - start
    assert spread >= 39 / 200 * 0.9
    start = time.monotonic()
    for _ in range(3):
        await pacer.acquire(7)
    assert time.monotonic() - start >= 0.4 * 0.9  # same chat: two waits of 0.2 s


async def test_pause_holds_everyone():
    pacer = Pacer(rate_per_s=1000)
    pacer.pause(0.3)
    start = time.monotonic()
    await asyncio.gather(pacer.acquire(1))
    assert time.monotonic() - start >= 0.25
