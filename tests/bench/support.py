"""Shared pieces of the benchmarks: the fake API process, bulk-seeded outboxes, JSON lines."""

import json
import operator
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.infra import migrate
from models import OutboxMessage, OutboxStatus, ProcessedUpdate, utcnow

ROOT = Path(__file__).resolve().parents[2]


MEETS = {">=": operator.ge, "<=": operator.le, "<": operator.lt, "==": operator.eq}


def meets(value: float, target: float, op: str = ">=") -> bool:
    return MEETS[op](value, target)


def report(metric: str, value: float, target: float, op: str = ">=", **extra) -> bool:
    """Print one JSON line with whether the metric meets its target; returns that verdict, so the
    test asserts exactly what the line says."""
    passed = meets(value, target, op)
    print(
        json.dumps(
            {"metric": metric, "value": round(value, 4), "target": target, "op": op, "pass": passed, **extra},
            ensure_ascii=False,
        ),
        flush=True,
    )
    return passed


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def fake_api(limit: int, latency_ms: float = 0, blocked: set[int] = frozenset()):
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.bench.fake_api",
            "--port",
            str(port),
            "--limit",
            str(limit),
            "--latency-ms",
            str(latency_ms),
            "--blocked",
            ",".join(map(str, sorted(blocked))),
        ],
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(f"{base}/_stats", timeout=0.5)
                break
            except OSError:
                time.sleep(0.05)
        yield base
    finally:
        proc.terminate()
        proc.wait(10)


def api_stats(base: str) -> dict:
    with urllib.request.urlopen(f"{base}/_stats", timeout=5) as response:
        return json.load(response)


def start_storm(base: str, seconds: float) -> None:
    urllib.request.urlopen(urllib.request.Request(f"{base}/_storm?seconds={seconds}", method="POST"), timeout=5)


def migrated_sqlite(directory: Path) -> str:
    url = f"sqlite+aiosqlite:///{directory / 'bench.db'}"
    migrate.upgrade(url)
    return url


async def seed_outbox(sessionmaker, count: int, purpose: str = "event_reminder", first_chat: int = 10_000) -> None:
    now = utcnow()
    rows = [
        {
            "idempotency_key": f"bench:{i}",
            "chat_id": first_chat + i,
            "purpose": purpose,
            "payload": {"text": f"Напоминание #{i}"},
            "due_at": now,
            "urgent": False,
            "timezone": "Europe/Moscow",
            "status": OutboxStatus.pending,
            "attempts": 0,
            "created_at": now,
        }
        for i in range(count)
    ]
    async with sessionmaker() as session, session.begin():
        for start in range(0, count, 1000):
            await session.execute(insert(OutboxMessage), rows[start : start + 1000])


async def commit_one_row(engine: AsyncEngine, key: int) -> None:
    """The least a handler that saves something does: one INSERT committed through the app's
    engine (bot.infra.db.create_engine, so its SQLite settings and transaction handling), Core, no ORM.
    The floors of the diagnosis and latency benches use it."""
    async with engine.begin() as connection:
        await connection.execute(insert(ProcessedUpdate).values(bot_id=-1, update_id=key, seen_at=utcnow()))
