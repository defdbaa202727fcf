from datetime import datetime, timezone

from bot.delivery.pacing import CATCH_UP_S, Pacer
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


class FakeTime:
    """A clock that only moves when the pacer sleeps: deterministic, no wall-clock timing."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sent_at: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


async def test_pacer_keeps_the_global_rate():
    t = FakeTime()
    pacer = Pacer(rate_per_s=50, per_chat_interval_s=1.0, clock=t.clock, sleep=t.sleep)
    for chat in range(101):
        await pacer.acquire(chat)
        t.sent_at.append(t.now)
    # 100 intervals at 50/s is 2 s, less at most the allowed catch-up (CATCH_UP_S plus one slot).
    assert 2.0 - CATCH_UP_S - 1 / 50 - 1e-9 <= t.sent_at[-1] - t.sent_at[0] <= 2.0


async def test_pacer_spaces_messages_to_one_chat():
    t = FakeTime()
    pacer = Pacer(rate_per_s=1000, per_chat_interval_s=1.0, clock=t.clock, sleep=t.sleep)
    for _ in range(3):
        await pacer.acquire(7)
        t.sent_at.append(t.now)
    assert [round(b - a, 6) for a, b in zip(t.sent_at, t.sent_at[1:], strict=False)] == [1.0, 1.0]


async def test_pause_holds_everyone():
    t = FakeTime()
    pacer = Pacer(rate_per_s=1000, clock=t.clock, sleep=t.sleep)
    pacer.pause(3)
    await pacer.acquire(1)
    await pacer.acquire(2)
    assert t.now >= 1003


async def test_a_late_wakeup_is_caught_up_without_a_burst():
    t = FakeTime()
    pacer = Pacer(rate_per_s=100, per_chat_interval_s=0, clock=t.clock, sleep=t.sleep)
    await pacer.acquire(1)
    t.now += 10  # the loop was busy for ten seconds
    start = t.now
    for chat in range(2, 12):
        await pacer.acquire(chat)
    # Ten messages take 0.1 s at 100/s; only a small catch-up is allowed, not a ten-second burst.
    assert 0.1 - CATCH_UP_S - 2 / 100 - 1e-9 <= t.now - start <= 0.1
