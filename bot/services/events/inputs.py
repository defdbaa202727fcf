"""What a methodist types while creating or editing an event, one field at a time: each parser
returns a clean value or raises InvalidInput with the Russian sentence to show, and the step is
asked again. How the fields make up a draft, and a draft an event, is bot.services.events.draft.
"""

import re
import unicodedata
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from bot.services.shared.errors import InvalidInput
from bot.services.shared.timefmt import fmt
from bot.services.shared.validation import ascii_number, clean_text
from models import EventFormat

TITLE_MAX, DESCRIPTION_MAX, PLACE_MAX, URL_MAX, CAPACITY_MAX = 200, 3000, 300, 500, 10_000
AREA_IDS = tuple(range(1, 9))
MIN_DURATION, MAX_DURATION = 5, 180 * 24 * 60  # a long course runs for months
MAX_AHEAD = timedelta(days=3 * 366)
DATE_HINT = "Введите дату и время так: <code>25.12.2026 15:00</code>."
DURATION_HINT = "Примеры: <code>90</code> (минуты), <code>1,5 ч</code>, <code>2 ч 30 мин</code>, <code>3 дн</code>."
DURATION_RANGE = f"Продолжительность должна быть от {MIN_DURATION} минут до 180 дней. {DURATION_HINT}"
URL_HINT = "Ссылка должна быть полной, например <code>https://sferum.ru/?call_link=…</code>."

MOMENT = re.compile(r"([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4}|[0-9]{2})[\s,]+([0-9]{1,2})[:.]([0-9]{2})")
DURATION_PART = re.compile(r"([0-9]+(?:\.[0-9]+)?)\s*([a-zа-яё]*)\.?\s*")
HOST = re.compile(r"(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+(?:[^\W\d_]{2,}|xn--[a-z0-9-]{2,})")
UNITS = (
    ("нед", 7 * 1440),
    ("мин", 1),
    ("м", 1),
    ("min", 1),
    ("ч", 60),
    ("h", 60),
    ("д", 1440),
    ("сут", 1440),
    ("d", 1440),
)


def parse_title(text: str | None) -> str:
    return " ".join(clean_text(text, TITLE_MAX, "Название").split())


def parse_description(text: str | None) -> str:
    return "" if (text or "").strip() in ("-", "—") else clean_text(text, DESCRIPTION_MAX, "Описание")


def parse_format(value: str) -> EventFormat:
    try:
        return EventFormat(value)
    except ValueError:
        raise InvalidInput("Выберите формат кнопкой из списка.") from None


def toggle_area(areas: list[int], area: int) -> list[int]:
    if area not in AREA_IDS:
        raise InvalidInput("Такого направления нет, выберите из списка.")
    chosen = set(areas) ^ {area}
    return sorted(chosen)


def check_areas(areas: list[int]) -> list[int]:
    if not areas or any(a not in AREA_IDS for a in areas):
        raise InvalidInput("Отметьте хотя бы одно направление, затем нажмите «Готово».")
    return sorted(set(areas))


def parse_moment(text: str | None, zone: str, now: datetime) -> datetime:
    """'25.12.2026 15:00' in `zone` → an aware UTC moment in the future."""
    match = MOMENT.fullmatch((text or "").strip())
    if match is None:
        raise InvalidInput(f"Не понял дату. {DATE_HINT}")
    day, month, year, hour, minute = (int(part) for part in match.groups())
    year += 2000 if year < 100 else 0
    try:
        local = datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(zone))
    except ValueError:
        raise InvalidInput(f"Такой даты или времени не бывает: проверьте день, месяц и часы. {DATE_HINT}") from None
    result = local.astimezone(timezone.utc)
    if result <= now:
        raise InvalidInput(f"Эта дата уже прошла. Укажите будущую дату. {DATE_HINT}")
    if result > now + MAX_AHEAD:
        raise InvalidInput("Слишком далёкая дата: проверьте год.")
    return result


def parse_duration(text: str | None) -> int:
    """Minutes: '90' → 90, '1,5 ч' → 90, '2 ч 30 мин' → 150, '3 дн' → 4320."""
    raw = (text or "").strip().lower().replace(",", ".")
    if re.fullmatch(r"[0-9]+", raw):  # a bare number: minutes
        return _in_range(_number(raw))
    parts = list(DURATION_PART.finditer(raw))
    if not parts or "".join(p.group(0) for p in parts) != raw:
        raise InvalidInput(f"Не понял продолжительность. {DURATION_HINT}")
    minutes = 0.0
    for part in parts:
        unit = next((size for prefix, size in UNITS if part.group(2).startswith(prefix)), None)
        if unit is None or not part.group(2):
            raise InvalidInput(f"Не понял единицу «{part.group(2) or '?'}». {DURATION_HINT}")
        minutes += _number(part.group(1)) * unit
    return _in_range(minutes)


def _number(digits: str) -> float:
    """A typed number is bounded before float(): 400 digits would be infinity, and round() raises."""
    whole = digits.split(".")[0].lstrip("0")
    if len(whole) > len(str(MAX_DURATION)):
        raise InvalidInput(DURATION_RANGE)
    return float(digits)


def _in_range(minutes: float) -> int:
    result = round(minutes)
    if not MIN_DURATION <= result <= MAX_DURATION:
        raise InvalidInput(DURATION_RANGE)
    return result


def looks_like_url(text: str) -> bool:
    return "://" in text or text.lower().startswith("www.")


def parse_url(text: str | None) -> str:
    raw = (text or "").strip()
    if raw.lower().startswith("www."):
        raw = f"https://{raw}"
    if len(raw) > URL_MAX or any(ch.isspace() or unicodedata.category(ch) == "Cc" for ch in raw):
        raise InvalidInput(f"Отправьте одну ссылку без пробелов (до {URL_MAX} символов). {URL_HINT}")
    try:
        parts = urlsplit(raw)
        host, _ = parts.hostname, parts.port
    except ValueError:
        host = None
    if parts.scheme.lower() not in ("http", "https") or not host or not HOST.fullmatch(host):
        raise InvalidInput(f"Это не похоже на ссылку http:// или https://. {URL_HINT}")
    return raw


def parse_location(text: str | None) -> tuple[str | None, str | None]:
    """(place, None) for an address, (None, url) for an online link."""
    raw = (text or "").strip()
    if looks_like_url(raw):
        return None, parse_url(raw)
    return " ".join(clean_text(raw, PLACE_MAX, "Место проведения").split()), None


def parse_capacity(text: str | None) -> int | None:
    raw = (text or "").strip().lower()
    if raw in ("без ограничений", "нет", "-", "—", "∞"):
        return None
    value = ascii_number(raw, 7)
    if value is None:
        raise InvalidInput("Введите число мест цифрами (например, 30) или нажмите «Без ограничений».")
    if value <= 0:
        raise InvalidInput("Число мест должно быть больше нуля. Если мест без ограничений — нажмите кнопку.")
    if value > CAPACITY_MAX:
        raise InvalidInput(f"Не больше {CAPACITY_MAX} мест. Если ограничения нет — нажмите «Без ограничений».")
    return value


def parse_deadline(text: str | None, zone: str, now: datetime, starts_at: datetime) -> datetime | None:
    if (text or "").strip().lower() in ("до начала", "-"):
        return None
    deadline = parse_moment(text, zone, now)
    if deadline > starts_at:
        raise InvalidInput(
            f"Запись не может закончиться позже начала мероприятия ({fmt(starts_at, zone)}). "
            "Укажите более раннюю дату или нажмите «До начала»."
        )
    return deadline


def moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
