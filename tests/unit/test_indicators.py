"""Indicators over a hand-made data set whose every count is known (see the table in `seed_dataset`)."""

from datetime import date

import pytest
from sqlalchemy import select

from bot.services.monitoring import indicators
from bot.services.monitoring.indicators import Period
from bot.services.shared.errors import InvalidInput
from models import Organization
from tests.support.indicators_data import NOVOCHERKASSK, PERIOD, REGION, TODAY, seed_dataset


async def stats_for(sessionmaker, org_name: str, period: Period = PERIOD):
    async with sessionmaker() as session:
        org = await session.scalar(select(Organization).where(Organization.name == org_name))
        return await indicators.compute(session, org, period, "Europe/Moscow", TODAY)


def numbers(stats) -> dict[str, tuple[int, int] | None]:
    return {i.spec.code: (i.total.num, i.total.den) if i.total else None for i in stats.indicators}


async def test_region_indicators(sessionmaker):
    await seed_dataset(sessionmaker)
    stats = await stats_for(sessionmaker, "Ростовская область")
    assert stats.teachers == 10
    assert numbers(stats) == REGION
    for code in ("12",):
        assert stats.indicator(code).spec.reason  # listed with the reason there is no data
    assert [g.name for g in stats.groups] == ["г. Волгодонск", "г. Новочеркасск", "г. Новошахтинск"]
    by_name = {g.name: g.org_id for g in stats.groups}
    coverage = stats.indicator("1").by_group
    assert (coverage[by_name["г. Новочеркасск"]].num, coverage[by_name["г. Новочеркасск"]].den) == (5, 7)
    assert (coverage[by_name["г. Волгодонск"]].num, coverage[by_name["г. Волгодонск"]].den) == (1, 2)
    assert (coverage[by_name["г. Новошахтинск"]].num, coverage[by_name["г. Новошахтинск"]].den) == (1, 1)
    assert round(stats.indicator("1").total.percent, 1) == 70.0


async def test_region_deficits_and_events(sessionmaker):
    await seed_dataset(sessionmaker)
    stats = await stats_for(sessionmaker, "Ростовская область")
    assert [(d.area, d.severe, d.partial) for d in stats.deficits] == [
        ("2", 1, 1),
        ("1", 1, 0),
        ("4", 1, 0),
        ("3", 0, 1),
        ("5", 0, 1),
        ("L1", 0, 1),
    ]
    e = stats.events
    assert (e.events, e.registrations, e.closed_registered, e.closed_attended, e.ratings) == (4, 6, 4, 3, 3)
    assert e.avg_rating == pytest.approx(4.0)


async def test_municipal_scope_and_school_breakdown(sessionmaker):
    await seed_dataset(sessionmaker)
    stats = await stats_for(sessionmaker, "г. Новочеркасск")
    assert stats.teachers == 7
    assert numbers(stats) == NOVOCHERKASSK
    groups = {g.name: g.org_id for g in stats.groups}
    assert "МБОУ СОШ № 1" in groups and "МБОУ лицей № 7" in groups  # every school, even an empty one
    teachers = stats.indicator("1").by_group
    assert (teachers[groups["МБОУ СОШ № 1"]].num, teachers[groups["МБОУ СОШ № 1"]].den) == (4, 4)
    assert (teachers[groups["МБОУ СОШ № 3"]].num, teachers[groups["МБОУ СОШ № 3"]].den) == (1, 3)
    assert groups["МБОУ лицей № 7"] not in teachers
    e = stats.events
    assert (e.events, e.registrations, e.closed_registered, e.closed_attended, e.ratings) == (2, 4, 3, 2, 2)
    assert e.avg_rating == pytest.approx(4.5)


async def test_another_period_moves_every_window(sessionmaker):
    await seed_dataset(sessionmaker)
    stats = await stats_for(sessionmaker, "Ростовская область", Period(date(2026, 6, 1), date(2026, 11, 26)))
    got = numbers(stats)
    assert stats.teachers == 11  # T9 registered in July 2026 now counts
    assert got["1"] == (1, 11)  # T9's August diagnosis
    assert got["3"] == (0, 0) and got["4"] == (0, 0) and got["5"] == (0, 11)
    assert got["2"] == (0, 11)  # no ИОМ overlaps the summer and autumn of 2026
    assert got["10"] == (2, 11)  # pairs still active
    assert stats.events.events == 0


async def test_overcome_rule_follows_the_content(sessionmaker):
    await seed_dataset(sessionmaker)
    async with sessionmaker() as session:
        rule = await indicators.overcome_rule(session)
    assert (rule.zones_up, rule.points_up, rule.priority) == (1, 3, ("3", "2", "1"))


def test_periods():
    assert indicators.academic_year(date(2026, 11, 26)) == Period(date(2026, 9, 1), date(2027, 5, 31))
    assert indicators.academic_year(date(2026, 7, 1)) == Period(date(2025, 9, 1), date(2026, 5, 31))
    assert indicators.academic_year(date(2026, 11, 26), 1) == Period(date(2025, 9, 1), date(2026, 5, 31))
    assert indicators.last_days(date(2026, 11, 26)) == Period(date(2026, 10, 28), date(2026, 11, 26))
    assert indicators.parse_period("01.09.2026–31.05.2027") == Period(date(2026, 9, 1), date(2027, 5, 31))
    assert indicators.parse_period(" 1.9.2026 - 31.5.2027 ") == Period(date(2026, 9, 1), date(2027, 5, 31))
    assert indicators.period_from_key(*Period(date(2026, 9, 1), date(2027, 5, 31)).key).label == "01.09.2026–31.05.2027"
    for bad in ("вчера", "31.05.2027–01.09.2026", "30.02.2026–01.03.2026", "01.01.1990–01.01.2030", ""):
        with pytest.raises(InvalidInput):
            indicators.parse_period(bad)
    with pytest.raises(InvalidInput):
        indicators.period_from_key(20261399, 20270101)
