"""Shared pieces of the benchmarks: the fake API process, bulk-seeded outboxes, JSON lines."""

import json
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import insert

from bot import migrate
from models import OutboxMessage, OutboxStatus, utcnow

ROOT = Path(__file__).resolve().parents[2]


def report(metric: str, value: float, target: float, op: str = ">=", **extra) -> None:
    print(json.dumps({"metric": metric, "value": round(value, 4), "target": target, "op": op, **extra}), flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def fake_api(limit: int, latency_ms: float = 0, blocked: set[int] = frozenset()):
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.bench.fake_api", "--port", str(port), "--limit", str(limit),
         "--latency-ms", str(latency_ms), "--blocked", ",".join(map(str, sorted(blocked)))], cwd=ROOT)
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
    rows = [{"idempotency_key": f"bench:{i}", "chat_id": first_chat + i, "purpose": purpose,
             "payload": {"text": f"Напоминание #{i}"}, "due_at": now, "urgent": False, "timezone": "Europe/Moscow",
             "status": OutboxStatus.pending, "attempts": 0, "created_at": now} for i in range(count)]
    async with sessionmaker() as session, session.begin():
        for start in range(0, count, 1000):
            await session.execute(insert(OutboxMessage), rows[start:start + 1000])
