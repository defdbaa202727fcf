"""The .ics file: parseable, the right instant whatever the reader's zone, text fields escaped."""

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from icalendar import Calendar

from bot.render import ics
from models import Event, EventFormat, EventStatus

START = datetime(2027, 3, 10, 7, 0, tzinfo=timezone.utc)


def make_event(**overrides) -> Event:
    fields = dict(
        id=42,
        title="Формирующее оценивание; практикум, часть 1",
        description="План:\n1. Теория\n2. Практика",
        format=EventFormat.seminar,
        areas=[3],
        scope_org_id=1,
        timezone="Asia/Krasnoyarsk",
        starts_at=START,
        duration_min=90,
        place="ИПК, ауд. 12",
        online_url=None,
        capacity=20,
        registration_deadline=START - timedelta(days=1),
        status=EventStatus.published,
    )
    return Event(**{**fields, **overrides})


def parse(data: bytes):
    calendar = Calendar.from_ical(data)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return calendar, events[0]


def test_fields_round_trip():
    now = datetime(2027, 1, 5, 9, 30, tzinfo=timezone.utc)
    calendar, vevent = parse(ics.event_ics(make_event(), now=now))
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    assert str(vevent["UID"]) == "event-42@teacher-growth-bot"
    assert vevent.decoded("DTSTAMP") == now
    assert str(vevent["SUMMARY"]) == "Формирующее оценивание; практикум, часть 1"
    assert str(vevent["DESCRIPTION"]) == "План:\n1. Теория\n2. Практика"
    assert str(vevent["LOCATION"]) == "ИПК, ауд. 12"
    assert "URL" not in vevent
    assert str(vevent["STATUS"]) == "CONFIRMED"
    assert ics.filename(make_event()) == "event-42.ics"


def test_times_are_the_same_instant_in_every_zone():
    data = ics.event_ics(make_event(), START)
    assert b"DTSTART:20270310T070000Z" in data and b"DTEND:20270310T083000Z" in data
    _, vevent = parse(data)
    start, end = vevent.decoded("DTSTART"), vevent.decoded("DTEND")
    assert start.tzinfo is not None and start == START and end - start == timedelta(minutes=90)
    # What a phone in Krasnoyarsk (UTC+7) and one in Moscow (UTC+3) show.
    assert start.astimezone(ZoneInfo("Asia/Krasnoyarsk")).strftime("%H:%M") == "14:00"
    assert start.astimezone(ZoneInfo("Europe/Moscow")).strftime("%H:%M") == "10:00"


def test_aware_non_utc_start_is_converted():
    krasnoyarsk = START.astimezone(ZoneInfo("Asia/Krasnoyarsk"))
    _, vevent = parse(ics.event_ics(make_event(starts_at=krasnoyarsk), START))
    assert vevent.decoded("DTSTART") == START


def test_online_event_has_url_and_link_in_description():
    url = "https://meet.example.org/room?id=1&x=2"
    _, vevent = parse(ics.event_ics(make_event(place=None, online_url=url, description=""), START))
    assert str(vevent["URL"]) == url
    assert str(vevent["LOCATION"]) == url
    assert str(vevent["DESCRIPTION"]) == f"Ссылка: {url}"


def test_cancelled_event_is_marked():
    _, vevent = parse(ics.event_ics(make_event(status=EventStatus.cancelled), START))
    assert str(vevent["STATUS"]) == "CANCELLED"
