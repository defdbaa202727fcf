"""Indicators scale linearly: the time for every indicator of /stats (plus deficits, events and the
breakdown) on 100k teachers divided by the time on 10k, in one run on SQLite, must stay ≤ 10.

Data is bulk-inserted with Core: every teacher has 0–2 completed attempts with all eight AreaResult
rows; raw answers are stored for a 5 % subset of attempts only (they are not read by indicators).

Run: .venv/bin/python -m pytest -q -s tests/bench/test_indicators_bench.py"""

import asyncio
import random
import time
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import create_engine, insert, select

from bot.db import create_engine as create_async_engine, create_sessionmaker
from bot.services import content, indicators
from bot.services.indicators import Period
from models import (
    AreaResult, ContentVersion, DiagnosisAnswer, DiagnosisAttempt, Event, EventFeedback, EventRegistration,
    MentorPair, Organization, Route, RouteStep, User,
)
from tests.bench.support import migrated_sqlite, report

PERIOD = Period(date(2025, 9, 1), date(2026, 5, 31))
MUNICIPALITIES, SCHOOLS = 20, 25
CHUNK = 20_000
ZONES = ((7, "severe"), (10, "partial"), (13, "norm"), (15, "resource"))


def moment(rng: random.Random, start=datetime(2025, 3, 1, tzinfo=timezone.utc), days=450) -> datetime:
    return start + timedelta(minutes=rng.randrange(days * 24 * 60))


def zone(score: int) -> str:
    return next(name for top, name in ZONES if score <= top)


async def load_content(url: str) -> None:
    """The bundled questionnaires and catalogue, as in production (`python -m bot seed`)."""
    engine = create_async_engine(url)
    async with create_sessionmaker(engine)() as session, session.begin():
        await content.seed_content(session)
    await engine.dispose()


def seed(url: str, teachers: int) -> dict[str, int]:
    asyncio.run(load_content(url))
    rng = random.Random(teachers)
    engine = create_engine(url.replace("+aiosqlite", ""))
    counts: dict[str, int] = {}
    with engine.begin() as conn:
        def put(model, rows):
            for start in range(0, len(rows), CHUNK):
                conn.execute(insert(model), rows[start:start + CHUNK])
            counts[model.__tablename__] = counts.get(model.__tablename__, 0) + len(rows)

        region = conn.execute(insert(Organization).values(kind="region", name="Регион", timezone="Europe/Moscow")
                              .returning(Organization.id)).scalar_one()
        schools = []
        for m in range(MUNICIPALITIES):
            muni = conn.execute(insert(Organization).values(parent_id=region, kind="municipality", name=f"М{m}",
                                                            timezone="Europe/Moscow").returning(Organization.id)).scalar_one()
            for s in range(SCHOOLS):
                schools.append(conn.execute(insert(Organization).values(
                    parent_id=muni, kind="school", name=f"Школа {m}-{s}", timezone="Europe/Moscow")
                    .returning(Organization.id)).scalar_one())
        version = conn.execute(select(ContentVersion.id).where(ContentVersion.kind == "questionnaire_teacher",
                                                               ContentVersion.is_current)).scalar_one()
        joined = datetime(2025, 1, 1, tzinfo=timezone.utc)
        put(User, [{"id": u, "telegram_id": u, "full_name": f"П{u}", "subjects": [], "timezone": "Europe/Moscow",
                    "position": rng.choice(["teacher"] * 18 + ["head", "deputy_head"]),
                    "birth_year": rng.randint(1960, 2003), "experience_years": rng.randint(0, 40),
                    "organization_id": rng.choice(schools), "is_active": True, "created_at": joined,
                    "updated_at": joined} for u in range(1, teachers + 1)])
        attempts, results, answers, routes, steps = [], [], [], [], []
        for u in range(1, teachers + 1):
            for _ in range(rng.choice((0, 1, 1, 1, 2))):
                a = len(attempts) + 1
                done = moment(rng)
                attempts.append({"id": a, "user_id": u, "variant": "teacher", "content_version_id": version,
                                 "status": "completed", "current_index": 40, "started_at": done, "completed_at": done})
                for area in range(1, 9):
                    score = rng.randint(0, 15)
                    results.append({"attempt_id": a, "area": str(area), "score": score, "max_score": 15,
                                    "zone": zone(score), "point_deficits": []})
                if rng.random() < 0.05:
                    answers += [{"attempt_id": a, "item_code": f"{i // 5 + 1}.{i % 5 + 1}", "area": str(i // 5 + 1),
                                 "value": rng.randint(0, 3), "answered_at": done} for i in range(40)]
                if rng.random() < 0.6:
                    r = len(routes) + 1
                    start = done.date()
                    routes.append({"id": r, "user_id": u, "attempt_id": a, "period_start": start,
                                   "period_end": start + timedelta(days=180), "created_at": done, "updated_at": done,
                                   "status": rng.choice(["draft", "approved", "active", "active", "completed"])})
                    for n in range(4):
                        status = rng.choice(["planned", "done", "done", "removed"])
                        steps.append({"route_id": r, "position": n, "area": "1", "deficit_kind": "severe",
                                      "title": "Шаг", "form": rng.choice(["formal", "non_formal", "informal"]),
                                      "task": "", "expected_result": "", "report_form": "", "deadline": start,
                                      "status": status, "done_at": moment(rng) if status == "done" else None,
                                      "created_at": done, "updated_at": done})
        put(DiagnosisAttempt, attempts)
        put(AreaResult, results)
        put(DiagnosisAnswer, answers)
        put(Route, routes)
        put(RouteStep, steps)
        put(MentorPair, [{"mentor_id": rng.randint(1, teachers), "mentee_id": rng.randint(1, teachers),
                          "type": rng.choice(["young_specialist", "subject", "competency"]), "goal": "Цель",
                          "starts_on": date(2025, 9, 1), "planned_end": date(2026, 6, 1), "cadence_days": 14,
                          "status": "active", "escalation_level": 0, "created_at": joined}
                         for _ in range(teachers // 20)])
        events = []
        for e in range(1, 201):
            starts = moment(rng)
            events.append({"id": e, "title": f"Семинар {e}", "description": "", "format": "seminar", "areas": [1],
                           "scope_org_id": rng.choice(schools), "timezone": "Europe/Moscow", "starts_at": starts,
                           "duration_min": 90, "registration_deadline": starts, "created_at": joined,
                           "updated_at": joined, "status": rng.choice(["published", "closed", "closed", "cancelled"])})
        put(Event, events)
        people = rng.sample(range(1, teachers + 1), teachers // 2)
        regs = [{"event_id": rng.randint(1, 200), "user_id": u, "status": "registered", "created_at": joined,
                 "updated_at": joined, "attended": rng.choice((True, False, None))} for u in people]
        put(EventRegistration, regs)
        put(EventFeedback, [{"event_id": r["event_id"], "user_id": r["user_id"], "rating": rng.randint(1, 5),
                             "created_at": joined} for r in regs[: len(regs) // 5]])
        conn.exec_driver_sql("ANALYZE")
    engine.dispose()
    return counts


async def time_indicators(urls: dict[int, str], rounds: int = 5) -> dict[str, dict[int, float]]:
    """Best of `rounds` per size, the sizes interleaved after a warm-up round. Two clocks: process
    CPU time (SQLite runs in-process, so this is the work done, whatever else the machine runs)
    and wall time (which a loaded shared machine skews against the longer run)."""
    engines = {size: create_async_engine(url) for size, url in urls.items()}
    best = {"cpu": {size: float("inf") for size in urls}, "wall": {size: float("inf") for size in urls}}
    counted = {}
    try:
        for round_ in range(rounds + 1):
            for size, engine in engines.items():
                async with create_sessionmaker(engine)() as session:
                    region = await session.scalar(select(Organization).where(Organization.parent_id.is_(None)))
                    cpu, wall = time.process_time(), time.perf_counter()
                    stats = await indicators.compute(session, region, PERIOD, "Europe/Moscow", date(2026, 11, 26))
                    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
                    if round_:  # round 0 warms the caches
                        best["cpu"][size] = min(best["cpu"][size], cpu)
                        best["wall"][size] = min(best["wall"][size], wall)
                    counted[size] = stats.teachers
    finally:
        for engine in engines.values():
            await engine.dispose()
    assert counted == {size: size for size in urls}
    return best


def test_indicators_scaling(tmp_path):
    urls, sizes = {}, {}
    for teachers in (10_000, 100_000):
        directory = tmp_path / str(teachers)
        directory.mkdir()
        urls[teachers] = migrated_sqlite(directory)
        sizes[teachers] = seed(urls[teachers], teachers)
    best = asyncio.run(time_indicators(urls))
    cpu, wall = best["cpu"], best["wall"]
    ratio = cpu[100_000] / cpu[10_000]
    report("indicators_scaling", ratio, 10, op="<=", clock="process CPU time, best of 5",
           cpu_s={str(k): round(v, 3) for k, v in cpu.items()}, wall_s={str(k): round(v, 3) for k, v in wall.items()},
           wall_ratio=round(wall[100_000] / wall[10_000], 2), rows_100k=sizes[100_000],
           note="AreaResult rows for every attempt; raw answers for a 5% subset of attempts only")
    assert ratio <= 10
