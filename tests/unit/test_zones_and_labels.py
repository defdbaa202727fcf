"""Zones are named in Russian everywhere; areas and formats have one set of names."""

from datetime import datetime, timezone
from pathlib import Path

import pytest
import yaml

from bot.services.shared import labels, timefmt
from models import EventFormat

CONTENT = Path(__file__).resolve().parents[2] / "bot" / "content"
WINTER = datetime(2026, 12, 25, 12, 0, tzinfo=timezone.utc)
SUMMER = datetime(2026, 7, 1, 12, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("zone", "label", "phrase"),
    [
        ("Europe/Kaliningrad", "МСК−1, Калининград", "по времени Калининграда (МСК−1)"),
        ("Europe/Moscow", "МСК, Москва", "по московскому времени"),
        ("Europe/Samara", "МСК+1, Самара", "по времени Самары (МСК+1)"),
        ("Asia/Yekaterinburg", "МСК+2, Екатеринбург", "по времени Екатеринбурга (МСК+2)"),
        ("Asia/Omsk", "МСК+3, Омск", "по времени Омска (МСК+3)"),
        ("Asia/Krasnoyarsk", "МСК+4, Красноярск", "по времени Красноярска (МСК+4)"),
        ("Asia/Irkutsk", "МСК+5, Иркутск", "по времени Иркутска (МСК+5)"),
        ("Asia/Yakutsk", "МСК+6, Якутск", "по времени Якутска (МСК+6)"),
        ("Asia/Vladivostok", "МСК+7, Владивосток", "по времени Владивостока (МСК+7)"),
        ("Asia/Magadan", "МСК+8, Магадан", "по времени Магадана (МСК+8)"),
        ("Asia/Kamchatka", "МСК+9, Петропавловск-Камчатский", "по времени Петропавловска-Камчатского (МСК+9)"),
    ],
)
def test_every_russian_zone_has_a_russian_name(zone, label, phrase):
    assert timefmt.label(zone) == label and timefmt.phrase(zone) == phrase and timefmt.is_listed(zone)


@pytest.mark.parametrize("zone", [z.zone for z in timefmt.RUSSIAN_ZONES])
def test_the_msk_offset_in_a_name_is_the_real_one(zone):
    """«МСК+4» must mean four hours ahead of Moscow, winter and summer alike."""
    known = next(z for z in timefmt.RUSSIAN_ZONES if z.zone == zone)
    for moment in (WINTER, SUMMER):
        ahead = timefmt.local(moment, zone).utcoffset() - timefmt.local(moment, timefmt.MOSCOW).utcoffset()
        hours = int(ahead.total_seconds() // 3600)
        assert known.msk == ("МСК" if hours == 0 else f"МСК{'+' if hours > 0 else '−'}{abs(hours)}")


@pytest.mark.parametrize(
    ("zone", "at", "label"),
    [
        ("Asia/Novosibirsk", WINTER, "UTC+7"),
        ("Asia/Kolkata", WINTER, "UTC+5:30"),
        ("UTC", WINTER, "UTC"),
        ("America/St_Johns", WINTER, "UTC−3:30"),
        ("Europe/Berlin", WINTER, "UTC+1"),
        ("Europe/Berlin", SUMMER, "UTC+2"),  # a foreign zone's offset at the moment shown
    ],
)
def test_a_zone_outside_the_list_falls_back_to_its_utc_offset(zone, at, label):
    assert not timefmt.is_listed(zone)
    assert timefmt.label(zone, at) == label and timefmt.phrase(zone, at) == f"по времени {label}"
    assert timefmt.fmt(at, zone).endswith(f" ({label})")


def test_without_a_moment_the_fallback_is_the_winter_offset_not_the_wall_clock():
    assert timefmt.label("Europe/Berlin") == "UTC+1"


def test_times_name_the_zone_unless_it_is_moscow_and_never_in_english():
    assert timefmt.fmt(WINTER, "Europe/Moscow") == "25.12.2026 (пт) 15:00"
    assert timefmt.fmt(WINTER, "Asia/Yekaterinburg") == "25.12.2026 (пт) 17:00 (МСК+2, Екатеринбург)"
    for zone in timefmt.RUSSIAN_ZONES:
        shown = timefmt.fmt(WINTER, zone.zone) + timefmt.label(zone.zone) + timefmt.phrase(zone.zone)
        assert "/" not in shown and not any("a" <= ch.lower() <= "z" for ch in shown)


def test_the_reader_zone_is_their_own_else_the_default():
    class Reader:
        timezone = "Asia/Omsk"

    assert timefmt.reader_zone(Reader(), "Europe/Moscow") == "Asia/Omsk"  # type: ignore[arg-type]
    assert timefmt.reader_zone(None, "Asia/Irkutsk") == "Asia/Irkutsk"


def test_area_titles_are_the_shipped_questionnaires_titles():
    shipped = {}
    for name in ("questionnaire_teacher.yaml", "questionnaire_leader.yaml"):
        doc = yaml.safe_load((CONTENT / name).read_text(encoding="utf-8"))
        shipped |= {str(area["code"]): area["title"] for area in doc["areas"]}
    assert labels.AREA_TITLES == shipped


def test_area_labels_use_the_on_screen_codes():
    assert labels.area_label("L1") == "У1. Стратегия и управление качеством"
    assert labels.area_label(3) == "3. Оценочная"
    assert labels.area_code("L2.3") == "У2.3" and labels.area_code("4.1") == "4.1"
    assert labels.area_label("L4", "Своё название") == "У4. Своё название"
    assert labels.area_title(None) == "—" and labels.area_title("X9") == "X9"


def test_every_event_format_has_a_label_for_a_line_and_for_a_sentence():
    assert set(labels.EVENT_FORMATS) == set(EventFormat)
    assert labels.event_format(EventFormat.master_class) == "Мастер-класс"
    assert labels.event_format(EventFormat.mo_meeting, in_sentence=True) == "заседание МО"
