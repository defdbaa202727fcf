"""Quiet hours in the recipient's time zone."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo


def parse_quiet_hours(spec: str) -> tuple[time, time] | None:
    if not spec:
        return None
    start, end = spec.split("-")
    return time.fromisoformat(start), time.fromisoformat(end)


def quiet_until(now: datetime, zone: str, hours: tuple[time, time] | None) -> datetime | None:
    """The moment the current quiet period ends, or None when it is not quiet now."""
    if hours is None:
        return None
    start, end = hours
    local = now.astimezone(ZoneInfo(zone))
    t = local.time()
    quiet = (start <= t or t < end) if start > end else (start <= t < end)
    if not quiet:
        return None
    end_today = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if end_today <= local:
        end_today = (local + timedelta(days=1)).replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    return end_today.astimezone(now.tzinfo)
