"""Time zones and dates, the one home for both.

Datetimes are stored as aware UTC and shown in the reader's IANA zone. People never see an IANA
name: a zone is named in Russian («МСК+2, Екатеринбург», «по времени Екатеринбурга (МСК+2)»);
a zone outside Russia's list falls back to its UTC offset («UTC+5»).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from models import User

# The zone used when nothing better is known (Settings.default_timezone defaults to it; a new
# organization, an outbox row or a methodist without a profile falls back to it).
MOSCOW = "Europe/Moscow"
WEEKDAYS = ("пн", "вт", "ср", "чт", "пт", "сб", "вс")
# A zone offset is taken at a fixed winter instant when no moment is given: Russia has no DST, and
# a foreign zone's label must not change with the wall clock.
_REFERENCE = datetime(2026, 1, 15, 12, 0)


@dataclass(frozen=True)
class RussianZone:
    zone: str
    msk: str  # the offset from Moscow the way Russians say it: «МСК», «МСК+2», «МСК−1»
    city: str  # nominative, for lists and buttons
    city_of: str  # genitive, for «по времени Екатеринбурга»


# The eleven zones of Russia, west to east, one city each (the zones a person can choose).
RUSSIAN_ZONES = (
    RussianZone("Europe/Kaliningrad", "МСК−1", "Калининград", "Калининграда"),
    RussianZone(MOSCOW, "МСК", "Москва", "Москвы"),
    RussianZone("Europe/Samara", "МСК+1", "Самара", "Самары"),
    RussianZone("Asia/Yekaterinburg", "МСК+2", "Екатеринбург", "Екатеринбурга"),
    RussianZone("Asia/Omsk", "МСК+3", "Омск", "Омска"),
    RussianZone("Asia/Krasnoyarsk", "МСК+4", "Красноярск", "Красноярска"),
    RussianZone("Asia/Irkutsk", "МСК+5", "Иркутск", "Иркутска"),
    RussianZone("Asia/Yakutsk", "МСК+6", "Якутск", "Якутска"),
    RussianZone("Asia/Vladivostok", "МСК+7", "Владивосток", "Владивостока"),
    RussianZone("Asia/Magadan", "МСК+8", "Магадан", "Магадана"),
    RussianZone("Asia/Kamchatka", "МСК+9", "Петропавловск-Камчатский", "Петропавловска-Камчатского"),
)
_BY_ZONE = {z.zone: z for z in RUSSIAN_ZONES}


def is_listed(zone: str) -> bool:
    return zone in _BY_ZONE


def local(moment: datetime, zone: str) -> datetime:
    return moment.astimezone(ZoneInfo(zone))


def utc_offset(zone: str, at: datetime | None = None) -> str:
    """«UTC+5», «UTC−3:30», «UTC»: the fallback name of a zone outside the list."""
    here = at.astimezone(ZoneInfo(zone)) if at else _REFERENCE.replace(tzinfo=ZoneInfo(zone))
    offset = here.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds()) // 60
    if minutes == 0:
        return "UTC"
    sign, minutes = ("+" if minutes > 0 else "−"), abs(minutes)
    return f"UTC{sign}{minutes // 60}" + (f":{minutes % 60:02d}" if minutes % 60 else "")


def label(zone: str, at: datetime | None = None) -> str:
    """The zone for a list or a profile: «МСК+2, Екатеринбург», else «UTC+5»."""
    known = _BY_ZONE.get(zone)
    return f"{known.msk}, {known.city}" if known else utc_offset(zone, at)


def phrase(zone: str, at: datetime | None = None) -> str:
    """The zone inside a sentence: «по московскому времени», «по времени Екатеринбурга (МСК+2)»."""
    known = _BY_ZONE.get(zone)
    if known is None:
        return f"по времени {utc_offset(zone, at)}"
    return "по московскому времени" if zone == MOSCOW else f"по времени {known.city_of} ({known.msk})"


def suffix(zone: str, at: datetime | None = None) -> str:
    """What follows a time so nobody reads it in the wrong zone: nothing for Moscow, else
    « (МСК+4, Красноярск)» or « (UTC+5)»."""
    return "" if zone == MOSCOW else f" ({label(zone, at)})"


def fmt(moment: datetime, zone: str) -> str:
    """25.12.2026 (пт) 15:00 in the reader's zone, with « (МСК+4, Красноярск)» when the zone is not Moscow."""
    here = local(moment, zone)
    return f"{here:%d.%m.%Y} ({WEEKDAYS[here.weekday()]}) {here:%H:%M}{suffix(zone, moment)}"


def reader_zone(user: User | None, default: str) -> str:
    """The zone a screen is shown in: the reader's own, else the configured default."""
    return user.timezone if user is not None else default
