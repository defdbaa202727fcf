"""The one source of "now".

A `Clock` is created once in the wiring (`system_clock` in production), put into the dispatcher's
workflow data as `clock` and handed to the scheduled jobs and the delivery worker. Handlers take
`clock` and pass `now=clock()` into services; services take `now` as a required argument and never
read the wall clock themselves. Tests replace the clock or freeze time around it.
"""

from collections.abc import Callable
from datetime import datetime, timezone

Clock = Callable[[], datetime]  # returns an aware UTC datetime


def system_clock() -> datetime:
    return datetime.now(timezone.utc)
