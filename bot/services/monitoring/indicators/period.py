"""The period the indicators are counted for: typed or taken from callback data, the default
choices (academic year, last days), and the window of UTC instants the queries compare with."""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from bot.services.shared.errors import InvalidInput

MAX_PERIOD_DAYS = 5 * 366
PERIOD_TEXT = re.compile(
    r"^\s*([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})\s*(?:[-–—]|по)\s*([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})\s*$"
)
BAD_PERIOD = "Не понял период. Введите его так: <code>01.09.2026–31.05.2027</code>."


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @property
    def label(self) -> str:
        return f"{self.start:%d.%m.%Y}–{self.end:%d.%m.%Y}"

    @property
    def key(self) -> tuple[int, int]:
        """Two integers for callback data, e.g. (20260901, 20270531)."""
        return int(f"{self.start:%Y%m%d}"), int(f"{self.end:%Y%m%d}")

    @classmethod
    def checked(cls, start: date, end: date) -> "Period":
        if end < start:
            raise InvalidInput("Начало периода позже его конца. Пример: 01.09.2026–31.05.2027.")
        if (end - start).days > MAX_PERIOD_DAYS or not 2000 <= start.year <= 2100 or end.year > 2100:
            raise InvalidInput("Период должен быть не длиннее пяти лет, годы — от 2000 до 2100.")
        return cls(start, end)


def academic_year(today: date, years_back: int = 0) -> Period:
    """1 September – 31 May; in summer the current year is the one just finished."""
    first = (today.year if today.month >= 9 else today.year - 1) - years_back
    return Period(date(first, 9, 1), date(first + 1, 5, 31))


def last_days(today: date, days: int = 30) -> Period:
    return Period(today - timedelta(days=days - 1), today)


def parse_period(text: str | None) -> Period:
    match = PERIOD_TEXT.match(text or "")
    if match is None:
        raise InvalidInput(BAD_PERIOD)
    d1, m1, y1, d2, m2, y2 = map(int, match.groups())
    try:
        return Period.checked(date(y1, m1, d1), date(y2, m2, d2))
    except ValueError:
        raise InvalidInput("Такой даты нет в календаре. Пример: 01.09.2026–31.05.2027.") from None


def period_from_key(start: int, end: int) -> Period:
    """Callback data is user input: rebuild and re-check the dates."""
    try:
        return Period.checked(
            datetime.strptime(str(start), "%Y%m%d").date(), datetime.strptime(str(end), "%Y%m%d").date()
        )
    except ValueError:
        raise InvalidInput(BAD_PERIOD) from None


@dataclass(frozen=True)
class Window:
    """The period as dates (inclusive) and as UTC instants [start_at, end_at)."""

    start: date
    end: date
    start_at: datetime
    end_at: datetime

    @classmethod
    def of(cls, period: Period, zone: str) -> "Window":
        tz = ZoneInfo(zone)
        start_at = datetime.combine(period.start, time(), tz).astimezone(timezone.utc)
        end_at = datetime.combine(period.end + timedelta(days=1), time(), tz).astimezone(timezone.utc)
        return cls(period.start, period.end, start_at, end_at)
