from datetime import datetime, timedelta, timezone

import pytest

from bot.services.events import draft as ed
from bot.services.events import inputs as ei
from bot.services.shared.errors import InvalidInput

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    "text, zone, expected",
    [
        ("25.12.2026 15:00", "Europe/Moscow", datetime(2026, 12, 25, 12, 0, tzinfo=timezone.utc)),
        (" 5.4.2026 9:30 ", "Asia/Vladivostok", datetime(2026, 4, 4, 23, 30, tzinfo=timezone.utc)),
        ("05.04.26 09.30", "Europe/Kaliningrad", datetime(2026, 4, 5, 7, 30, tzinfo=timezone.utc)),
        ("01.03.2026 12:01", "Europe/Moscow", datetime(2026, 3, 1, 9, 1, tzinfo=timezone.utc)),
    ],
)
def test_moment_in_the_methodists_zone(text, zone, expected):
    assert ei.parse_moment(text, zone, NOW) == expected


@pytest.mark.parametrize(
    "text, message",
    [
        ("32.13.2026 25:00", "не бывает"),
        ("29.02.2027 10:00", "не бывает"),
        ("25.12.2026", "Не понял дату"),
        ("завтра в 15", "Не понял дату"),
        ("", "Не понял дату"),
        ("01.03.2026 12:00", "уже прошла"),  # exactly now in Moscow
        ("01.01.2020 10:00", "уже прошла"),
        ("01.01.2099 10:00", "далёкая"),
    ],
)
def test_bad_moments_are_refused(text, message):
    with pytest.raises(InvalidInput) as caught:
        ei.parse_moment(text, "Europe/Moscow", NOW)
    assert message in caught.value.user_message


@pytest.mark.parametrize(
    "text, minutes",
    [
        ("90", 90),
        ("1,5 ч", 90),
        ("1.5ч", 90),
        ("2 ч 30 мин", 150),
        ("2 часа", 120),
        ("45 мин.", 45),
        ("3 дн", 3 * 1440),
        ("3 дня", 3 * 1440),
        ("1 день 2 ч", 1560),
        ("2 недели", 14 * 1440),
        ("1h", 60),
    ],
)
def test_durations(text, minutes):
    assert ei.parse_duration(text) == minutes


@pytest.mark.parametrize("text", ["", "0", "3", "полтора часа", "1,5", "2 ч abc", "5 лет", "200 дней", "-5"])
def test_bad_durations(text):
    with pytest.raises(InvalidInput):
        ei.parse_duration(text)


@pytest.mark.parametrize(
    "text, place, url",
    [
        ("ул. Ленина, 5, актовый зал", "ул. Ленина, 5, актовый зал", None),
        ("https://sferum.ru/?call_link=abc&x=1", None, "https://sferum.ru/?call_link=abc&x=1"),
        ("http://школа.рф/webinar", None, "http://школа.рф/webinar"),
        ("www.example.org/room", None, "https://www.example.org/room"),
        ("https://xn--80aswg.xn--p1ai:8443/a", None, "https://xn--80aswg.xn--p1ai:8443/a"),
    ],
)
def test_locations(text, place, url):
    assert ei.parse_location(text) == (place, url)


@pytest.mark.parametrize(
    "text",
    [
        "htp://example.org",
        "https://",
        "https://localhost/x",
        "ftp://example.org/file",
        "https://exa mple.org",
        "https://example",
        "javascript://alert(1)",
        "https://example.org:99999/",
        "Зал 5 https://example.org",
        "",
        "https://" + "a" * 600 + ".ru",
    ],
)
def test_bad_urls_and_places(text):
    with pytest.raises(InvalidInput):
        ei.parse_location(text)


def test_capacity():
    assert ei.parse_capacity("30") == 30
    assert ei.parse_capacity("Без ограничений") is None
    for bad in ("0", "-3", "десять", "1.5", "100000"):
        with pytest.raises(InvalidInput):
            ei.parse_capacity(bad)


def test_deadline_must_not_be_after_start():
    start = datetime(2026, 12, 25, 12, 0, tzinfo=timezone.utc)
    assert ei.parse_deadline("До начала", "Europe/Moscow", NOW, start) is None
    assert ei.parse_deadline("24.12.2026 18:00", "Europe/Moscow", NOW, start) == start - timedelta(hours=21)
    with pytest.raises(InvalidInput, match="позже начала"):
        ei.parse_deadline("26.12.2026 10:00", "Europe/Moscow", NOW, start)
    with pytest.raises(InvalidInput, match="уже прошла"):
        ei.parse_deadline("01.02.2026 10:00", "Europe/Moscow", NOW, start)


def test_title_description_and_areas():
    assert ei.parse_title("  Семинар   по  ФГ ") == "Семинар по ФГ"
    assert ei.parse_description("-") == ""
    for bad in ("", "x" * 201, "a\x00b"):
        with pytest.raises(InvalidInput):
            ei.parse_title(bad)
    with pytest.raises(InvalidInput):
        ei.parse_description("x" * 3001)
    assert ei.toggle_area(ei.toggle_area([], 4), 1) == [1, 4]
    assert ei.toggle_area([1, 4], 4) == [1]
    for bad in (0, 9):
        with pytest.raises(InvalidInput):
            ei.toggle_area([], bad)
    with pytest.raises(InvalidInput):
        ei.check_areas([])


def _draft(**changes) -> dict:
    start = NOW + timedelta(days=10)
    base = {
        "title": "T",
        "description": "",
        "format": "seminar",
        "areas": [2],
        "scope_org_id": 1,
        "starts_at": start.isoformat(),
        "duration_min": 90,
        "place": "Зал",
        "online_url": None,
        "capacity": None,
        "deadline": (start - timedelta(days=1)).isoformat(),
    }
    return {**base, **changes}


def test_moving_the_start_before_the_deadline_pulls_the_deadline_along():
    draft = _draft()
    earlier = (NOW + timedelta(days=5)).isoformat()
    assert ed.merge(draft, {"starts_at": earlier})["deadline"] is None
    later = (NOW + timedelta(days=20)).isoformat()
    assert ed.merge(draft, {"starts_at": later})["deadline"] == draft["deadline"]


def test_validate_rechecks_time_at_publish():
    ed.validate(_draft(), NOW)
    stale = _draft(starts_at=(NOW - timedelta(minutes=1)).isoformat(), deadline=None)
    with pytest.raises(InvalidInput, match="уже прошло"):
        ed.validate(stale, NOW)
    ed.validate(stale, NOW, changed={"title"})  # an ongoing event can still get a new title
    with pytest.raises(InvalidInput, match="не все поля"):
        ed.validate(_draft(place=None), NOW)
    values = ed.event_values(_draft(deadline=None))
    assert values["registration_deadline"] == values["starts_at"]
