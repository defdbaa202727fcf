"""Two bot instances over one PostgreSQL database: the outbox is delivered exactly once (two real
processes claiming with FOR UPDATE SKIP LOCKED + a lease against one fake Bot API), and the
periodic jobs run concurrently from two engines write each outbox row once (idempotency keys)."""

import asyncio
import os
import subprocess
import sys
import time
from collections import Counter
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from bot.infra import migrate
from bot.infra.db import create_engine, create_sessionmaker
from bot.services import route as routes
from bot.services.events import seats, waitlist
from models import (
    Event,
    EventFormat,
    EventRegistration,
    Organization,
    OrgKind,
    OutboxMessage,
    Position,
    Route,
    RouteStep,
    User,
    utcnow,
)
from models.event import EventStatus, RegistrationStatus
from models.route import RouteStatus, StepStatus
from tests.bench.support import ROOT, api_stats, fake_api, seed_outbox
from tests.support import clock, databases

pytestmark = pytest.mark.skipif(not databases.postgres_admin_url(), reason=databases.POSTGRES_SKIP_REASON)

ROWS = 400
RATE = 25  # per process; a claim is max(batch, 2 * rate) = 50 rows, so the two interleave for ~8 s

# A delivery process that waits at a barrier (a file appearing) so both really drain together,
# then prints how many rows it attempted.
CHILD = """
import asyncio, os, sys, time
from datetime import timedelta
from tests.support import clock
clock.travel().start()  # the parent's instant (TEST_NOW from clock.child_env): its rows are due
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from bot.infra.db import create_engine, create_sessionmaker
from bot.delivery.worker import DeliveryConfig, DeliveryWorker

async def main(url, base, rate, go):
    engine = create_engine(url)
    session = AiohttpSession(api=TelegramAPIServer.from_base(base))
    config = DeliveryConfig(rate_per_s=rate, per_chat_interval_s=1.0, quiet_hours="", batch=25,
                            lease=timedelta(seconds=60))
    worker = DeliveryWorker(Bot("123456:BENCH-token", session=session), create_sessionmaker(engine), config)
    print("ready", flush=True)
    while not os.path.exists(go):
        await asyncio.sleep(0.01)
    total = 0
    while n := await worker.run_once():
        total += n
    await session.close()
    await engine.dispose()
    print("attempted", total, flush=True)

asyncio.run(main(sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]))
"""


@pytest.fixture
def pg_url():
    url = databases.off_loop(asyncio.run, databases.create_postgres_database("growthbot_two"))
    try:
        databases.off_loop(migrate.upgrade, url)
        yield url
    finally:
        databases.off_loop(asyncio.run, databases.drop_postgres_database(url))


async def _seed_outbox(url: str, count: int) -> None:
    engine = create_engine(url)
    await seed_outbox(create_sessionmaker(engine), count)
    await engine.dispose()


async def _statuses(url: str) -> Counter:
    engine = create_engine(url)
    async with create_sessionmaker(engine)() as session:
        rows = (await session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status))).all()
    await engine.dispose()
    return Counter({status.value: n for status, n in rows})


def test_two_processes_deliver_each_message_once(pg_url, tmp_path):
    databases.off_loop(asyncio.run, _seed_outbox(pg_url, ROWS))
    go = tmp_path / "go"
    with fake_api(limit=100_000) as base:
        children = [
            subprocess.Popen(
                [sys.executable, "-c", CHILD, pg_url, base, str(RATE), str(go)],
                cwd=ROOT,
                env=clock.child_env(dict(os.environ)),
                stdout=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        try:
            for child in children:
                assert child.stdout.readline().strip() == "ready"
            started = time.monotonic()
            go.touch()
            outputs = [child.communicate(timeout=90)[0] for child in children]
            elapsed = time.monotonic() - started
        finally:
            for child in children:
                if child.poll() is None:
                    child.kill()
                    child.wait()
        stats = api_stats(base)
    assert all(child.returncode == 0 for child in children), outputs
    attempted = [int(out.split()[-1]) for out in outputs]
    print(f"two instances: attempted {attempted} in {elapsed:.1f}s, api {stats}")
    assert all(n > 0 for n in attempted), f"one instance did nothing, no concurrency shown: {attempted}"
    assert sum(attempted) == ROWS  # no row was ever claimed by both
    assert stats["unique"] == ROWS and stats["duplicates"] == 0 and stats["delivered"] == ROWS
    assert databases.off_loop(asyncio.run, _statuses(pg_url)) == {"sent": ROWS}


# --- periodic jobs from two instances at once -------------------------------------------------

PEOPLE = 70
EVENTS, CAPACITY, OFFERED, WAITLISTED = 5, 4, 3, 6


async def _seed_jobs(sessionmaker) -> None:
    today = date.today()
    now = utcnow()
    async with sessionmaker() as session, session.begin():
        org = Organization(kind=OrgKind.school, name="Школа", timezone="Europe/Moscow")
        session.add(org)
        await session.flush()
        people = [
            User(
                telegram_id=70_000 + n,
                full_name=f"Педагог {n}",
                position=Position.teacher,
                organization_id=org.id,
                timezone="Europe/Moscow",
            )
            for n in range(PEOPLE)
        ]
        session.add_all(people)
        await session.flush()
        # Route nudges: two planned steps per person, one due in two days, one overdue.
        for person in people:
            route = Route(
                user_id=person.id,
                status=RouteStatus.active,
                period_start=today - timedelta(days=30),
                period_end=today + timedelta(days=150),
            )
            session.add(route)
            await session.flush()
            session.add_all(
                [
                    RouteStep(
                        route_id=route.id,
                        position=i,
                        deficit_kind="own",
                        title=f"Шаг {i}",
                        form="informal",
                        deadline=today + timedelta(days=delta),
                        status=StepStatus.planned,
                    )
                    for i, delta in enumerate((2, -2))
                ]
            )
        # Seat offers: per event, OFFERED lapsed offers and WAITLISTED people queued behind them.
        start = now + timedelta(days=3)
        for e in range(EVENTS):
            event = Event(
                title=f"Семинар {e}",
                format=EventFormat.seminar,
                areas=[2],
                scope_org_id=org.id,
                timezone="Europe/Moscow",
                starts_at=start,
                duration_min=60,
                capacity=CAPACITY,
                registration_deadline=start - timedelta(hours=2),
                status=EventStatus.published,
            )
            session.add(event)
            await session.flush()
            base = e * (CAPACITY + OFFERED + WAITLISTED)
            for i in range(CAPACITY - OFFERED):
                session.add(
                    EventRegistration(
                        event_id=event.id, user_id=people[base + i].id, status=RegistrationStatus.registered
                    )
                )
            for i in range(OFFERED):
                session.add(
                    EventRegistration(
                        event_id=event.id,
                        user_id=people[base + CAPACITY + i].id,
                        status=RegistrationStatus.offered,
                        offer_expires_at=now - timedelta(minutes=5),
                    )
                )
            for i in range(WAITLISTED):
                session.add(
                    EventRegistration(
                        event_id=event.id,
                        user_id=people[base + CAPACITY + OFFERED + i].id,
                        status=RegistrationStatus.waitlisted,
                        queued_at=now - timedelta(hours=1) + timedelta(seconds=i),
                    )
                )


async def _instance_runs(sessionmaker, rounds: int) -> tuple[int, int]:
    """One instance's scheduler firing both jobs again and again, each run its own transaction."""
    policy = seats.SignupPolicy()
    nudged = lapsed = 0
    for _ in range(rounds):
        async with sessionmaker() as session, session.begin():
            nudged += await routes.enqueue_nudges(session, utcnow())
        async with sessionmaker() as session, session.begin():
            lapsed += await waitlist.expire_offers(session, policy, utcnow())
    return nudged, lapsed


async def test_periodic_jobs_from_two_instances_fire_once(pg_url):
    engines = [create_engine(pg_url) for _ in range(2)]
    try:
        makers = [create_sessionmaker(engine) for engine in engines]
        await _seed_jobs(makers[0])
        # Two instances, each with three scheduler-like loops, all at once.
        results = await asyncio.gather(*(_instance_runs(maker, 8) for maker in makers for _ in range(3)))
        async with makers[0]() as session:
            purposes = Counter(
                dict(
                    (
                        await session.execute(
                            select(OutboxMessage.purpose, func.count()).group_by(OutboxMessage.purpose)
                        )
                    ).all()
                )
            )
            keys = await session.scalar(select(func.count(func.distinct(OutboxMessage.idempotency_key))))
            lapsed_keys = list(
                await session.scalars(
                    select(OutboxMessage.idempotency_key).where(OutboxMessage.idempotency_key.like("offer-lapsed:%"))
                )
            )
            statuses = Counter(
                dict(
                    (
                        await session.execute(
                            select(EventRegistration.status, func.count()).group_by(EventRegistration.status)
                        )
                    ).all()
                )
            )
    finally:
        for engine in engines:
            await engine.dispose()
    nudged, lapsed = sum(r[0] for r in results), sum(r[1] for r in results)
    assert nudged == 2 * PEOPLE == purposes["route_nudge"]  # each nudge enqueued by exactly one run
    assert lapsed == EVENTS * OFFERED  # each offer lapsed by exactly one run
    # one "lapsed" notice per registration even though the key carries the run's clock
    assert len({key.split(":")[1] for key in lapsed_keys}) == len(lapsed_keys) == EVENTS * OFFERED
    # every lapsed seat re-offered once to the next in line, never twice
    assert purposes["waitlist_offer"] == EVENTS * OFFERED * 2
    assert statuses == {
        RegistrationStatus.registered: EVENTS * (CAPACITY - OFFERED),
        RegistrationStatus.cancelled: EVENTS * OFFERED,
        RegistrationStatus.offered: EVENTS * OFFERED,
        RegistrationStatus.waitlisted: EVENTS * (WAITLISTED - OFFERED),
    }
    assert keys == sum(purposes.values())
