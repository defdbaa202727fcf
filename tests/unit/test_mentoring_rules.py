"""Mentoring rules: who is a young specialist, how candidate mentors are ranked and explained, the
pair term, check-in cadence and escalation levels (pure functions over dates), and the periodic
job's idempotent reminders and escalations against a real database."""

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from bot.infra.seed import seed
from bot.services.mentoring import cadence, interactions, rules
from bot.services.mentoring.cadence import checkin_state
from bot.services.mentoring.rules import is_young_specialist
from bot.services.mentoring.suggestions import Candidate, rank, reason
from bot.services.shared.errors import InvalidInput
from models import (
    MentorPair,
    Organization,
    OutboxMessage,
    OutboxStatus,
    PairStatus,
    PairType,
    Position,
    Role,
    RoleGrant,
    User,
)

TODAY = date(2026, 11, 26)


def test_young_specialist_is_under_35_by_birth_year_with_at_most_3_years():
    assert is_young_specialist(1992, 3, TODAY)  # 34 this year
    assert is_young_specialist(2003, 0, TODAY)
    assert not is_young_specialist(1991, 1, TODAY)  # 35 this year
    assert not is_young_specialist(2000, 4, TODAY)
    assert not is_young_specialist(None, 1, TODAY) and not is_young_specialist(2000, None, TODAY)


def person(user_id: int, name: str) -> User:
    return User(id=user_id, full_name=name, subjects=[])


def test_competency_ranking_leads_with_resource_zones_then_subject_school_and_free_places():
    a = Candidate(person(1, "А"), ("3",), ("Математика",), same_org=True, org_is_school=True, free=1)
    b = Candidate(person(2, "Б"), ("2", "3"), (), same_org=False, org_is_school=True, free=3)
    c = Candidate(person(3, "В"), (), ("Математика",), same_org=True, org_is_school=True, free=3)
    d = Candidate(person(4, "Г"), ("3",), ("Математика",), same_org=False, org_is_school=True, free=3)
    e = Candidate(person(5, "Д"), ("3",), ("Математика",), same_org=True, org_is_school=True, free=2)
    assert [x.user.id for x in rank([a, b, c, d, e], PairType.competency)] == [2, 5, 1, 4, 3]
    assert [x.user.id for x in rank([a, b, c, d, e], PairType.subject)] == [5, 1, 4, 3, 2]
    assert [x.user.id for x in rank([c, a], PairType.young_specialist)] == [1, 3]


def test_reason_names_every_ground():
    c = Candidate(person(1, "А"), ("3",), ("Математика",), same_org=True, org_is_school=True, free=2)
    assert reason(c) == "ресурсная зона: Оценочная; тот же предмет: Математика; та же школа; свободно 2 места из 3"
    other = Candidate(person(2, "Б"), ("1", "3"), ("Физика", "Химия"), same_org=False, org_is_school=True, free=1)
    assert reason(other) == (
        "ресурсная зона: Предметная, Оценочная; те же предметы: Физика, Химия; "
        "тот же муниципалитет; свободно 1 место из 3"
    )
    plain = Candidate(person(3, "В"), (), (), same_org=True, org_is_school=False, free=3)
    assert reason(plain) == "та же организация; свободно 3 места из 3"


def test_term_is_three_to_nine_months():
    start = date(2026, 9, 1)
    for end in (date(2026, 12, 1), date(2027, 6, 1)):
        rules.check_term(start, end)
    for end in (date(2026, 11, 30), date(2027, 6, 2)):
        with pytest.raises(InvalidInput, match="от 3 до 9 месяцев"):
            rules.check_term(start, end)


def test_cadence_reminders_and_escalation_at_twice_and_three_times():
    anchor = date(2026, 9, 1)
    at = lambda days: checkin_state(anchor, 14, anchor + timedelta(days=days))  # noqa: E731
    assert at(0) == (None, 0) and at(13) == (None, 0)
    assert at(14) == (anchor + timedelta(days=14), 0) and at(27) == (anchor + timedelta(days=14), 0)
    assert at(28) == (anchor + timedelta(days=28), 1) and at(41) == (anchor + timedelta(days=28), 1)
    assert at(42) == (anchor + timedelta(days=42), 2) and at(100) == (anchor + timedelta(days=98), 2)
    assert checkin_state(anchor, 14, anchor - timedelta(days=5)) == (None, 0)  # a pair starting later


# --- the periodic job -----------------------------------------------------------------------


async def setup_pair(sessionmaker, *, school_methodist: bool = True, mentor_is_methodist: bool = False) -> int:
    async with sessionmaker() as session, session.begin():
        await seed(session, demo=True)
        school = await session.scalar(select(Organization).where(Organization.name == "МБОУ СОШ № 1"))
        people = [
            User(
                telegram_id=tg,
                full_name=name,
                position=Position.teacher,
                subjects=[],
                timezone="Europe/Moscow",
                organization_id=school.id,
                is_active=True,
            )
            for tg, name in ((10, "Наставник"), (20, "Подопечный"))
        ]
        session.add_all(people)
        grants = [(30, school.parent_id)] + ([(40, school.id)] if school_methodist else [])
        grants += [(10, school.id)] if mentor_is_methodist else []
        session.add_all(RoleGrant(telegram_id=tg, role=Role.methodist, scope_org_id=scope) for tg, scope in grants)
        await session.flush()
        pair = MentorPair(
            mentor_id=people[0].id,
            mentee_id=people[1].id,
            type=PairType.subject,
            goal="Цель",
            starts_on=TODAY - timedelta(days=30),
            planned_end=TODAY + timedelta(days=150),
            cadence_days=14,
            status=PairStatus.active,
            escalation_level=0,
        )
        session.add(pair)
        await session.flush()
        return pair.id


async def run(sessionmaker, day: date) -> int:
    async with sessionmaker() as session, session.begin():
        return await cadence.enqueue_checkin_reminders_and_escalations(
            session, datetime(day.year, day.month, day.day, 9, tzinfo=timezone.utc)
        )


async def queued(sessionmaker) -> list[tuple[int, str]]:
    async with sessionmaker() as session:
        rows = await session.scalars(
            select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.pending).order_by(OutboxMessage.id)
        )
        return [(row.chat_id, row.idempotency_key) for row in rows]


async def test_reminders_and_escalations_are_idempotent_and_reset_by_a_checkin(sessionmaker):
    pair_id = await setup_pair(sessionmaker)
    start = TODAY - timedelta(days=30)
    assert await run(sessionmaker, TODAY) == 2  # 30 days silent: a reminder and the school's methodist
    assert await run(sessionmaker, TODAY) == 0
    assert await queued(sessionmaker) == [
        (10, f"checkin:{pair_id}:{start + timedelta(days=28)}"),
        (40, f"escalation:{pair_id}:{start}:1:40"),
    ]
    assert await run(sessionmaker, TODAY + timedelta(days=12)) == 2  # 42 days: the municipality's methodist
    assert await run(sessionmaker, TODAY + timedelta(days=13)) == 0
    assert (await queued(sessionmaker))[-1] == (30, f"escalation:{pair_id}:{start}:2:30")

    async with sessionmaker() as session, session.begin():
        mentor = await session.scalar(select(User).where(User.telegram_id == 10))
        now = datetime(2026, 12, 9, 9, tzinfo=timezone.utc)
        await interactions.log_checkin(session, mentor, pair_id, date(2026, 12, 9), "Урок", "-", now)
    async with sessionmaker() as session:
        assert (await session.get(MentorPair, pair_id)).escalation_level == 0
    assert await run(sessionmaker, date(2026, 12, 9)) == 0
    assert await run(sessionmaker, date(2026, 12, 23)) == 1  # the next due date: only a reminder
    assert (await queued(sessionmaker))[-1] == (10, f"checkin:{pair_id}:2026-12-23")


async def test_escalation_skips_a_school_without_methodists_and_the_mentor_themself(sessionmaker):
    pair_id = await setup_pair(sessionmaker, school_methodist=False, mentor_is_methodist=True)
    assert await run(sessionmaker, TODAY) == 2
    start = TODAY - timedelta(days=30)
    assert (await queued(sessionmaker))[-1] == (30, f"escalation:{pair_id}:{start}:1:30")


async def test_ended_pairs_get_nothing(sessionmaker):
    pair_id = await setup_pair(sessionmaker)
    async with sessionmaker() as session, session.begin():
        (await session.get(MentorPair, pair_id)).status = PairStatus.ended
    assert await run(sessionmaker, TODAY) == 0


async def test_escalations_keep_the_methodists_quiet_hours_not_the_mentees(sessionmaker):
    await setup_pair(sessionmaker)
    async with sessionmaker() as session, session.begin():
        school = await session.scalar(select(Organization).where(Organization.name == "МБОУ СОШ № 1"))
        session.add(
            User(
                telegram_id=40,
                full_name="Методист школы",
                position=Position.deputy_head,
                subjects=[],
                timezone="Asia/Yekaterinburg",
                organization_id=school.id,
                is_active=True,
            )
        )
        municipality = await session.get(Organization, school.parent_id)
        municipality.timezone = "Asia/Omsk"  # methodist 30 has no profile: their scope's zone
    await run(sessionmaker, TODAY + timedelta(days=12))
    async with sessionmaker() as session:
        zones = dict(
            (
                await session.execute(
                    select(OutboxMessage.chat_id, OutboxMessage.timezone).where(
                        OutboxMessage.purpose == "mentor_escalation"
                    )
                )
            ).all()
        )
    assert zones == {40: "Asia/Yekaterinburg", 30: "Asia/Omsk"}
