"""An event as an iCalendar (.ics) file the teacher opens to add it to a phone or mail calendar."""

from datetime import datetime, timedelta, timezone

from models import Event, EventStatus

PRODID = "-//Teacher growth bot//events//RU"
UID_DOMAIN = "teacher-growth-bot"


def filename(event: Event) -> str:
    return f"event-{event.id}.ics"


def event_ics(event: Event, now: datetime) -> bytes:
    """Times are written in UTC ("...Z"): every calendar app converts them to the device's zone,
    with no VTIMEZONE for a client to misread. The UID is stable, so importing the file again
    after the event moved updates the entry instead of duplicating it."""
    from icalendar import Calendar  # imported on first use: not needed to start the bot
    from icalendar import Event as VEvent

    start = event.starts_at.astimezone(timezone.utc)
    vevent = VEvent()
    vevent.add("uid", f"event-{event.id}@{UID_DOMAIN}")
    vevent.add("dtstamp", (now).astimezone(timezone.utc))
    vevent.add("dtstart", start)
    vevent.add("dtend", start + timedelta(minutes=event.duration_min))
    vevent.add("summary", event.title)
    if event.updated_at is not None:
        vevent.add("last-modified", event.updated_at.astimezone(timezone.utc))
    description = (event.description or "").strip()
    if event.online_url:
        description = f"{description}\n\nСсылка: {event.online_url}".strip()
    if description:
        vevent.add("description", description)
    if event.place or event.online_url:
        vevent.add("location", event.place or event.online_url)
    if event.online_url and event.online_url.startswith(("http://", "https://")):
        vevent.add("url", event.online_url)
    vevent.add("status", "CANCELLED" if event.status == EventStatus.cancelled else "CONFIRMED")

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add_component(vevent)
    return calendar.to_ical()
