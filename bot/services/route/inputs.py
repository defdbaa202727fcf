"""What a teacher types or sends for a step: a reflection, a step title, a new deadline, evidence."""

import re
from datetime import date, datetime

from bot.services.route.common import today
from bot.services.route.plan import add_months
from bot.services.shared.errors import InvalidInput
from bot.services.shared.validation import clean_text
from models import User

MAX_REFLECTION, MAX_TITLE = 2000, 300
DATE = re.compile(r"([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})")


def parse_reflection(text: str | None) -> str:
    return clean_text(text, MAX_REFLECTION, "Рефлексия")


def parse_title(text: str | None) -> str:
    return " ".join(clean_text(text, MAX_TITLE, "Название шага").split())


def parse_deadline(text: str | None, user: User, now: datetime, period_end: date | None = None) -> date:
    """dd.mm.yyyy in the teacher's calendar: after today, at most a year ahead and, for a route's
    step, within the route's period (a step past it would belong to no route)."""
    match = DATE.fullmatch((text or "").strip())
    try:
        day = date(int(match[3]), int(match[2]), int(match[1])) if match else None
    except ValueError:
        day = None
    if day is None:
        raise InvalidInput("Не понял дату. Введите её так: <code>25.12.2026</code>.")
    first = today(user, now)
    if day <= first:
        raise InvalidInput("Дата должна быть в будущем.")
    if day > add_months(first, 12):
        raise InvalidInput("Срок можно перенести не дальше чем на год вперёд.")
    if period_end is not None and day > period_end:
        raise InvalidInput(
            f"Маршрут рассчитан до {period_end:%d.%m.%Y}: выберите срок не позже этой даты. "
            "Если шаг не успеть, уберите его из маршрута — он войдёт в следующий ИОМ после новой диагностики."
        )
    return day


def evidence_kind(*, photo: bool, mime_type: str | None = None, file_name: str | None = None) -> str:
    if photo or (mime_type or "").startswith("image/"):
        return "photo" if photo else "document"
    if mime_type == "application/pdf" or (file_name or "").lower().endswith(".pdf"):
        return "document"
    raise InvalidInput("Пришлите фото сертификата или PDF-документ.")
