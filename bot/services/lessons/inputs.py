"""What a host types for an open lesson, each field checked here (again at submission)."""

import re
from datetime import datetime, timedelta
from typing import Any

from bot.services.events.inputs import parse_moment
from bot.services.practices.inputs import parse_areas, parse_subject
from bot.services.shared.errors import InvalidInput
from bot.services.shared.validation import clean_text, parse_int

MAX_TOPIC, MAX_CLASS, MAX_PLACES, MAX_TEXT = 200, 20, 30, 1000
MAX_AHEAD = timedelta(days=180)
CLASS = re.compile(r"\d{1,2}\s?[-–]?\s?[А-ЯЁа-яёA-Za-z]{0,3}")


def parse_when(text: str | None, zone: str, now: datetime) -> datetime:
    moment = parse_moment(text, zone, now)
    if moment > now + MAX_AHEAD:
        raise InvalidInput("Открытый урок можно предложить не дальше чем на полгода вперёд.")
    return moment


def parse_class(text: str | None) -> str:
    value = " ".join(clean_text(text, MAX_CLASS, "Класс").split())
    if not CLASS.fullmatch(value):
        raise InvalidInput("Напишите класс так: <code>7Б</code> или <code>10</code>.")
    return value.upper()


def parse_topic(text: str | None) -> str:
    return " ".join(clean_text(text, MAX_TOPIC, "Тема урока").split())


def parse_places(text: str | None) -> int:
    return parse_int(text, low=1, high=MAX_PLACES, what="число мест для гостей")


def parse_note(text: str | None, what: str) -> str:
    return clean_text(text, MAX_TEXT, what)


def checked(draft: dict[str, Any], zone: str, now: datetime) -> dict[str, Any]:
    """Every field of the dialog's draft, checked again (the saved data is not trusted)."""
    return dict(
        starts_at=parse_when(draft.get("when"), zone, now),
        class_name=parse_class(draft.get("class_name")),
        subject=parse_subject(draft.get("subject")),
        topic=parse_topic(draft.get("topic")),
        areas=parse_areas(draft.get("areas")),
        capacity=parse_places(str(draft.get("capacity", ""))),
    )
