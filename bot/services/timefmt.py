"""Dates the way Russians write them, in the reader's time zone."""

from datetime import datetime
from zoneinfo import ZoneInfo

WEEKDAYS = ("пн", "вт", "ср", "чт", "пт", "сб", "вс")


def local(moment: datetime, zone: str) -> datetime:
    return moment.astimezone(ZoneInfo(zone))


def fmt(moment: datetime, zone: str) -> str:
    """25.12.2026 (пт) 15:00 МСК-style, with the zone's abbreviation when it is not Moscow."""
    here = local(moment, zone)
    suffix = "" if zone == "Europe/Moscow" else f" ({zone.split('/')[-1].replace('_', ' ')})"
    return f"{here:%d.%m.%Y} ({WEEKDAYS[here.weekday()]}) {here:%H:%M}{suffix}"
