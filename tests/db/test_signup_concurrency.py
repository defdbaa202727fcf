"""Concurrent sign-ups, each in its own session and transaction, never oversell a seat and never
write two rows for one person (SQLite and, with TEST_POSTGRES_URL, PostgreSQL)."""

import asyncio
from collections import Counter
from datetime import timedelta

from sqlalchemy import func, select

from bot.services.events import seats, signups
from models import (
    Event,
    EventFormat,
    EventRegistration,
    Organization,
    OrgKind,
    OutboxMessage,
    Position,
    User,
    utcnow,
)

POLICY = seats.SignupPolicy()


async def setup(sessionmaker, users: int, capacity: int) -> tuple[int, list[int]]:
    async with sessionmaker() as session, session.begin():
        org = Organization(kind=OrgKind.school, name="Школа", timezone="Europe/Moscow")
        session.add(org)
        await session.flush()
        people = [
            User(
                telegram_id=10_000 + n,
                full_name=f"Педагог {n}",
                position=Position.teacher,
                organization_id=org.id,
                timezone="Europe/Moscow",
            )
            for n in range(users)
        ]
        start = utcnow() + timedelta(days=3)
        event = Event(
            title="Семинар",
            format=EventFormat.seminar,
            areas=[2],
            scope_org_id=org.id,
            timezone="Europe/Moscow",
            starts_at=start,
            duration_min=60,
            capacity=capacity,
            registration_deadline=start - timedelta(hours=2),
        )
        session.add_all([*people, event])
        await session.flush()
        return event.id, [person.id for person in people]


async def sign_up(sessionmaker, event_id: int, user_id: int) -> None:
    async with sessionmaker() as session, session.begin():
        user = await session.get(User, user_id)
        await signups.sign_up(session, user, event_id, POLICY, utcnow())


async def statuses(sessionmaker, event_id: int) -> Counter:
    async with sessionmaker() as session:
        rows = await session.scalars(select(EventRegistration.status).where(EventRegistration.event_id == event_id))
        return Counter(status.value for status in rows)


async def test_fifty_concurrent_signups_for_ten_seats(sessionmaker):
    event_id, user_ids = await setup(sessionmaker, users=50, capacity=10)
    await asyncio.gather(*(sign_up(sessionmaker, event_id, uid) for uid in user_ids))
    assert await statuses(sessionmaker, event_id) == {"registered": 10, "waitlisted": 40}
    async with sessionmaker() as session:
        waitlist = list(
            await session.scalars(
                select(EventRegistration).where(
                    EventRegistration.event_id == event_id, EventRegistration.status == "waitlisted"
                )
            )
        )
        positions = sorted([await seats.waitlist_position(session, r) for r in waitlist])
        reminders = await session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.purpose == "event_reminder")
        )
    assert positions == list(range(1, 41))  # a strict queue: no two people share a place
    assert reminders == 10 * len(POLICY.reminder_offsets_h)  # only the registered get reminders


async def test_double_tap_writes_one_row(sessionmaker):
    event_id, (user_id,) = await setup(sessionmaker, users=1, capacity=10)
    await asyncio.gather(*(sign_up(sessionmaker, event_id, user_id) for _ in range(2)))
    assert await statuses(sessionmaker, event_id) == {"registered": 1}


async def test_double_tap_on_the_last_seat_and_the_waitlist(sessionmaker):
    event_id, user_ids = await setup(sessionmaker, users=3, capacity=1)
    await asyncio.gather(*(sign_up(sessionmaker, event_id, uid) for uid in user_ids for _ in range(3)))
    assert await statuses(sessionmaker, event_id) == {"registered": 1, "waitlisted": 2}
