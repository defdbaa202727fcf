"""Pieces of the scale benchmarks: bulk-seeded users and events, a bare aiogram webhook app for
comparison, process helpers (readiness, RSS)."""

import os
import subprocess
import sys
import time
import urllib.request
from contextlib import suppress
from datetime import timedelta
from pathlib import Path

from sqlalchemy import insert

from bot.infra.db import create_engine
from models import Event, EventFormat, EventStatus, Organization, OrgKind, Position, User, utcnow
from tests.bench.support import ROOT

FIRST_USER = 5_000_000
WEBHOOK_SECRET = "bench-webhook-secret-0123456789"
BENCH_TOKEN = "777002:BENCH-scale-token"

# The baseline: the least an aiogram webhook bot can do (one echo handler, answered in the
# background like ours), against the same fake Bot API.
BARE_APP = """
import sys
from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import Message
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web

base, port, secret = sys.argv[1], int(sys.argv[2]), sys.argv[3]
bot = Bot("777003:BENCH-bare-token", session=AiohttpSession(api=TelegramAPIServer.from_base(base)))
dp = Dispatcher()

@dp.message()
async def echo(message: Message) -> None:
    await message.answer(message.text or "?")

app = web.Application()
SimpleRequestHandler(dp, bot, handle_in_background=True, secret_token=secret).register(app, path="/wh")
setup_application(app, dp, bot=bot)

async def healthz(_request):
    return web.json_response({"ok": True})

app.router.add_get("/healthz", healthz)
web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)
"""


async def seed_people(url: str, count: int, first: int = FIRST_USER, events: int = 0) -> None:
    """`count` registered teachers (Core inserts in chunks) in one school, and `events` published
    events open to that school."""
    engine = create_engine(url)
    now = utcnow()
    async with engine.begin() as conn:
        org_id = (
            await conn.execute(
                insert(Organization)
                .values(kind=OrgKind.school, name="Школа №1", timezone="Europe/Moscow")
                .returning(Organization.id)
            )
        ).scalar_one()
        for start in range(0, count, 5000):
            await conn.execute(
                insert(User),
                [
                    {
                        "telegram_id": first + n,
                        "full_name": f"Педагог {n}",
                        "position": Position.teacher,
                        "subjects": ["math"],
                        "experience_years": 5,
                        "organization_id": org_id,
                        "timezone": "Europe/Moscow",
                        "consent_at": now,
                        "is_active": True,
                        "created_at": now,
                        "updated_at": now,
                    }
                    for n in range(start, min(count, start + 5000))
                ],
            )
        for e in range(events):
            starts = now + timedelta(days=3 + e)
            await conn.execute(
                insert(Event).values(
                    title=f"Семинар {e}",
                    format=EventFormat.seminar,
                    areas=[2],
                    scope_org_id=org_id,
                    timezone="Europe/Moscow",
                    starts_at=starts,
                    duration_min=60,
                    capacity=30,
                    registration_deadline=starts - timedelta(hours=2),
                    status=EventStatus.published,
                    place="Актовый зал",
                    created_at=now,
                    updated_at=now,
                )
            )
    await engine.dispose()


def command_update(update_id: int, user_id: int, text: str = "/help") -> dict:
    command = text.split()[0]
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(time.time()),
            "chat": {"id": user_id, "type": "private"},
            "from": {"id": user_id, "is_bot": False, "first_name": "Бенч", "language_code": "ru"},
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(command)}],
        },
    }


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


class Proc:
    """A child process with its output in a log file; stop() is SIGTERM, then SIGKILL."""

    def __init__(self, cmd: list[str], log: Path, env: dict[str, str] | None = None) -> None:
        self.log = log
        with open(log, "ab") as out:
            self.proc = subprocess.Popen(
                cmd,
                cwd=ROOT,
                env={**os.environ, **(env or {}), "PYTHONUNBUFFERED": "1"},
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc.poll() is None

    def wait_http(self, url: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.alive(), self.log.read_text(errors="replace")[-3000:]
            with suppress(OSError):  # not listening yet
                with urllib.request.urlopen(url, timeout=1) as response:
                    if response.status == 200:
                        return
            time.sleep(0.1)
        raise AssertionError(f"{url} not ready in {timeout}s:\n{self.log.read_text(errors='replace')[-3000:]}")

    def stop(self) -> int | None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


def bot_env(url: str, api_base: str, **extra: str) -> dict[str, str]:
    return {
        "BOT_TOKEN": BENCH_TOKEN,
        "TELEGRAM_API_BASE": api_base,
        "DATABASE_URL": url,
        "ADMIN_IDS": "",
        "REDIS_URL": "",
        "DEMO_DATA": "1",  # the sample organization directory, as `make run` loads it
        **extra,
    }


def python() -> str:
    return sys.executable
