"""An event draft: the dialog's fields in order, the changes one typed answer makes, and the checks
and conversions between a draft and models.Event. The field parsers themselves are
bot.services.events.inputs.

A draft is a plain JSON-able dict, because it lives in the FSM storage (which survives restarts):
moments are ISO strings in UTC, the rest are str / int / list / None. `deadline` None means
"registration stays open until the start".
"""

from datetime import datetime

from bot.services.events.inputs import (
    CAPACITY_MAX,
    check_areas,
    moment,
    parse_capacity,
    parse_deadline,
    parse_description,
    parse_duration,
    parse_format,
    parse_location,
    parse_moment,
    parse_title,
)
from bot.services.shared.errors import InvalidInput
from models import Event

FIELDS = (
    "title",
    "description",
    "format",
    "areas",
    "scope",
    "starts_at",
    "duration",
    "location",
    "capacity",
    "deadline",
)
TEXT_FIELDS = ("title", "description", "starts_at", "duration", "location", "capacity", "deadline")


def parse_field(field: str, text: str | None, *, zone: str, now: datetime, draft: dict) -> dict:
    """The draft changes one typed answer makes."""
    if field == "title":
        return {"title": parse_title(text)}
    if field == "description":
        return {"description": parse_description(text)}
    if field == "starts_at":
        return {"starts_at": parse_moment(text, zone, now).isoformat()}
    if field == "duration":
        return {"duration_min": parse_duration(text)}
    if field == "location":
        place, url = parse_location(text)
        return {"place": place, "online_url": url}
    if field == "capacity":
        return {"capacity": parse_capacity(text)}
    if field == "deadline":
        start = moment(draft.get("starts_at"))
        if start is None:
            raise InvalidInput("Сначала укажите дату начала.")
        deadline = parse_deadline(text, zone, now, start)
        return {"deadline": deadline.isoformat() if deadline else None}
    raise InvalidInput("Это поле выбирается кнопкой.")


def merge(draft: dict, changes: dict) -> dict:
    """Apply changes; a start moved before an explicit deadline pulls the deadline to the start."""
    merged = {**draft, **changes}
    start, deadline = moment(merged.get("starts_at")), moment(merged.get("deadline"))
    if "starts_at" in changes and start and deadline and deadline > start:
        merged["deadline"] = None
    return merged


def validate(draft: dict, now: datetime, changed: set[str] | None = None) -> None:
    """The whole draft, checked again right before it is written (time may have passed)."""
    missing = [
        name
        for name in ("title", "format", "areas", "scope_org_id", "starts_at", "duration_min")
        if draft.get(name) in (None, "", [])
    ]
    if missing or not (draft.get("place") or draft.get("online_url")):
        raise InvalidInput("Заполнены не все поля мероприятия. Нажмите «Изменить…» и дополните.")
    check_areas(draft["areas"])
    start, deadline = moment(draft["starts_at"]), moment(draft.get("deadline"))
    if (changed is None or "starts_at" in changed) and start <= now:
        raise InvalidInput("Время начала уже прошло. Измените дату и время начала.")
    if deadline is not None:
        if deadline > start:
            raise InvalidInput("Запись не может закончиться позже начала мероприятия.")
        if (changed is None or "deadline" in changed) and deadline <= now:
            raise InvalidInput("Срок записи уже прошёл. Измените его или выберите «До начала».")
    if draft.get("capacity") is not None and not 0 < draft["capacity"] <= CAPACITY_MAX:
        raise InvalidInput(f"Число мест должно быть от 1 до {CAPACITY_MAX}.")


def draft_from_event(event: Event) -> dict:
    deadline = event.registration_deadline
    return {
        "title": event.title,
        "description": event.description,
        "format": event.format.value,
        "areas": list(event.areas),
        "scope_org_id": event.scope_org_id,
        "starts_at": event.starts_at.isoformat(),
        "duration_min": event.duration_min,
        "place": event.place,
        "online_url": event.online_url,
        "capacity": event.capacity,
        "deadline": None if deadline >= event.starts_at else deadline.isoformat(),
    }


def event_values(draft: dict) -> dict:
    """Column values for models.Event from a validated draft."""
    start = moment(draft["starts_at"])
    return {
        "title": draft["title"],
        "description": draft.get("description") or "",
        "format": parse_format(draft["format"]),
        "areas": check_areas(draft["areas"]),
        "scope_org_id": draft["scope_org_id"],
        "starts_at": start,
        "duration_min": draft["duration_min"],
        "place": draft.get("place"),
        "online_url": draft.get("online_url"),
        "capacity": draft.get("capacity"),
        "registration_deadline": moment(draft.get("deadline")) or start,
    }
