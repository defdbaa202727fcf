"""Handlers read "now" from the dispatcher's clock (dp["clock"]), not from the wall clock."""

from datetime import timedelta

from models import utcnow
from tests.support.factories import make_event, registered


def shown(user) -> str:
    return " ".join(text for text, _ in user.buttons())


async def test_the_event_list_follows_the_injected_clock(harness, sessionmaker):
    t = await registered(harness, 770)
    start = utcnow() + timedelta(days=3)
    await make_event(sessionmaker, "Семинар о часах", starts_at=start)
    await t.send("/events")
    assert "Семинар о часах" in shown(t)
    harness.dp["clock"] = lambda: start + timedelta(hours=2)  # the bot's "now" is after the start
    await t.send("/events")
    assert "Семинар о часах" not in shown(t)
