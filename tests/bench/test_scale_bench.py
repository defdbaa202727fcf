"""Scale benchmarks: handler latency with 200 concurrent users against a bare aiogram handler
under the same load, idle memory with 100k users, webhook throughput against a bare aiogram app.
One JSON line per metric with its target and whether it passed.

Run: .venv/bin/python -m pytest -q -s tests/bench/test_scale_bench.py"""

import asyncio
import itertools
import random
import time
from collections import Counter
from datetime import datetime, timezone

import aiohttp
from aiogram import Dispatcher, Router
from aiogram.types import CallbackQuery, Chat, Message, MessageEntity, Update
from aiogram.types import User as TgUser
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.infra.db import create_engine, create_sessionmaker
from bot.infra.gc_tuning import freeze_startup_heap
from handlers.events.callbacks import EventListCb
from tests.bench.scale_support import (
    BARE_APP,
    FIRST_USER,
    WEBHOOK_SECRET,
    Proc,
    bot_env,
    command_update,
    python,
    rss_mb,
    seed_people,
)
from tests.bench.support import api_stats, commit_one_row, fake_api, free_port, migrated_sqlite, report
from tests.support.fake_telegram import BOT_USER
from tests.support.harness import Harness

USERS = 200


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# --- latency under load: 200 users at once through the real dispatcher on SQLite -------------


def _update(h: Harness, user_id: int, kind: str) -> Update:
    tg = TgUser(id=user_id, is_bot=False, first_name="Бенч", language_code="ru")
    chat = Chat(id=user_id, type="private")
    now = datetime.now(timezone.utc)
    if kind == "button":
        message = Message(message_id=1, date=now, chat=chat, from_user=BOT_USER, text="…")
        query = CallbackQuery(
            id=str(h.next_update_id()),
            from_user=tg,
            chat_instance="ci",
            message=message,
            data=EventListCb(view="all", page=0).pack(),
        )
        return Update(update_id=h.next_update_id(), callback_query=query)
    message = Message(
        message_id=h.next_message_id(),
        date=now,
        chat=chat,
        from_user=tg,
        text=kind,
        entities=[MessageEntity(type="bot_command", offset=0, length=len(kind))],
    )
    return Update(update_id=h.next_update_id(), message=message)


def floor_dispatcher(engine: AsyncEngine) -> Dispatcher:
    """The floor of the latency metric: a bare aiogram Dispatcher (no middlewares) whose handlers
    commit one row through the app's engine, then answer as ours do: a command with a new message,
    a button by answering the query and editing its message."""
    router, keys = Router(), itertools.count(1)

    @router.message()
    async def command(message: Message) -> None:
        await commit_one_row(engine, next(keys))
        await message.answer(FLOOR_TEXT)

    @router.callback_query()
    async def button(query: CallbackQuery) -> None:
        await commit_one_row(engine, next(keys))
        await query.answer()
        await query.bot.edit_message_text(FLOOR_TEXT, chat_id=query.from_user.id, message_id=query.message.message_id)

    dp = Dispatcher()
    dp.include_router(router)
    return dp


async def _timed(dp: Dispatcher, h: Harness, update: Update) -> float:
    started = time.perf_counter()
    await dp.feed_update(h.bot, update)
    return (time.perf_counter() - started) * 1000


THINK_S = (1.0, 5.0)  # between taps a user reads the answer and thinks (Locust's between(1, 5))
PHASE_S = 15  # each dispatcher gets two phases, in the order ours, floor, floor, ours
FLOOR_TEXT = "Готово. " * 20


async def _simulated_user(
    dp: Dispatcher, h: Harness, user_id: int, until: float, kinds: tuple[str, ...], latencies: list[float]
) -> None:
    """A closed-loop user: think, act, wait for the bot's answer, think again. The user's seed is
    its id, so every phase (ours or the floor's) sees the same taps at the same moments."""
    rng = random.Random(user_id)
    while True:
        await asyncio.sleep(rng.uniform(*THINK_S))
        if time.perf_counter() >= until:
            return
        latencies.append(await _timed(dp, h, _update(h, user_id, rng.choice(kinds))))


async def _closed_loop(dp: Dispatcher, h: Harness, users: list[int], kinds: tuple[str, ...]) -> tuple[list, float]:
    latencies: list[float] = []
    started = time.perf_counter()
    await asyncio.gather(*(_simulated_user(dp, h, u, started + PHASE_S, kinds, latencies) for u in users))
    return latencies, time.perf_counter() - started


class _CountOnly(list):
    """Stands in for the fake API's request log: counts what the bot sent without keeping it. Two
    thousand recorded replies with their keyboards would grow a heap the real process never holds
    and lengthen its garbage-collector pauses, i.e. the very tail this bench measures."""

    def __init__(self) -> None:
        super().__init__()
        self.counts: Counter[str] = Counter()

    def append(self, method) -> None:
        self.counts[type(method).__name__] += 1

    def replies(self) -> int:
        return self.counts["SendMessage"] + self.counts["EditMessageText"]


async def _latency(url: str) -> dict:
    await seed_people(url, USERS, events=12)
    engine = create_engine(url)
    h = Harness(url, create_sessionmaker(engine))
    h.api.like_telegram = False  # presses come from synthetic message ids; refusals are not measured
    await h.start()
    h.api.requests = sent = _CountOnly()
    rng = random.Random(7)
    kinds = ("/help", "/events", "button")
    dps = {"ours": h.dp, "floor": floor_dispatcher(engine)}
    result = {name: {"latencies": [], "seconds": 0.0, "replies": 0, "phase_p99_ms": []} for name in dps}
    try:
        users = [FIRST_USER + n for n in range(USERS)]
        # warm-up round of each (imports, caches, first connections)
        for dp in dps.values():
            await asyncio.gather(*(_timed(dp, h, _update(h, u, "/help")) for u in users))
        freeze_startup_heap()  # as `python -m bot run` does once it is up
        # the metric: 200 users online at once, each acting at a human pace; ABBA phases, so a
        # drift of the shared machine's load falls on both alike
        for name in ("ours", "floor", "floor", "ours"):
            sent.counts.clear()
            latencies, seconds = await _closed_loop(dps[name], h, users, kinds)
            result[name]["latencies"] += latencies
            result[name]["seconds"] += seconds
            result[name]["replies"] += sent.replies()
            result[name]["phase_p99_ms"].append(round(_p(latencies, 0.99), 1))
        # context: the stress case, all 200 users acting in the same instant (a queue of 200 updates)
        burst = await asyncio.gather(*(_timed(h.dp, h, _update(h, u, rng.choice(kinds))) for u in users))
        # context: the cost of an update with nobody else around
        alone = [await _timed(h.dp, h, _update(h, u, rng.choice(kinds))) for u in users[:100]]
    finally:
        await h.stop()
        await engine.dispose()
    return result | {"burst": burst, "alone": alone}


def test_p99_vs_floor(tmp_path):
    result = asyncio.run(_latency(migrated_sqlite(tmp_path)))
    ours, floor = result["ours"]["latencies"], result["floor"]["latencies"]
    burst, alone = result["burst"], result["alone"]
    for name in ("ours", "floor"):  # every update got its answer
        assert result[name]["replies"] >= len(result[name]["latencies"]), name
    passed = report(
        "p99_vs_floor",
        _p(ours, 0.99) / _p(floor, 0.99),
        3,
        "<=",
        users=USERS,
        db="sqlite",
        mode=f"{USERS} closed-loop users, think time {THINK_S[0]:g}-{THINK_S[1]:g} s, 2x{PHASE_S} s each",
        p99_handler_ms=round(_p(ours, 0.99), 1),
        p50_ms=round(_p(ours, 0.5), 1),
        floor_p99_ms=round(_p(floor, 0.99), 1),
        floor_p50_ms=round(_p(floor, 0.5), 1),
        phase_p99_ms={name: result[name]["phase_p99_ms"] for name in ("ours", "floor")},
        updates=len(ours),
        updates_per_s=round(len(ours) / result["ours"]["seconds"], 1),
        floor_updates=len(floor),
        burst_p99_ms=round(_p(burst, 0.99), 1),
        burst_p50_ms=round(_p(burst, 0.5), 1),
        alone_p50_ms=round(_p(alone, 0.5), 2),
        alone_p99_ms=round(_p(alone, 0.99), 2),
    )
    assert passed


# --- idle RSS of the bot process with 100k users in the database ------------------------------


def test_rss_with_100k_users(tmp_path):
    url = migrated_sqlite(tmp_path)
    asyncio.run(seed_people(url, 100_000, events=20))
    with fake_api(limit=1000) as base:
        bot = Proc([python(), "-m", "bot", "run"], tmp_path / "bot.log", bot_env(url, base))
        try:
            # migrate + seed + getMe + first getUpdates, then the scheduler's first round at +5 s
            deadline = time.monotonic() + 60
            while "Start polling" not in bot.log.read_text(errors="replace"):
                assert bot.alive() and time.monotonic() < deadline, bot.log.read_text(errors="replace")[-3000:]
                time.sleep(0.2)
            samples = []
            for _ in range(12):
                time.sleep(1)
                assert bot.alive(), bot.log.read_text(errors="replace")[-3000:]
                samples.append(rss_mb(bot.pid))
        finally:
            bot.stop()
        # context: what aiogram alone costs (one echo handler behind a webhook; aiogram.types ~150 MB)
        port = free_port()
        bare = Proc([python(), "-c", BARE_APP, base, str(port), WEBHOOK_SECRET], tmp_path / "bare.log")
        try:
            bare.wait_http(f"http://127.0.0.1:{port}/healthz")
            time.sleep(3)
            bare_mb = rss_mb(bare.pid)
        finally:
            bare.stop()
    idle = samples[-1]
    report(
        "rss_mb_100k_users",
        idle,
        200,
        "<=",
        peak_mb=round(max(samples), 1),
        users=100_000,
        db="sqlite",
        bare_aiogram_rss_mb=round(bare_mb, 1),
    )
    assert idle <= 200


# --- webhook throughput: our bot vs a bare aiogram webhook app ---------------------------------

N_UPDATES, N_SENDERS = 1000, 500


async def _blast(endpoint: str, base: str, first_update: int) -> float:
    """POST N /help updates from N_SENDERS registered users; seconds until all were answered."""
    before = api_stats(base)["delivered"]
    headers = {"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=100)) as client:

        async def post(i: int) -> int:
            update = command_update(first_update + i, FIRST_USER + i % N_SENDERS)
            async with client.post(endpoint, json=update, headers=headers) as response:
                return response.status

        started = time.perf_counter()
        statuses = await asyncio.gather(*(post(i) for i in range(N_UPDATES)))
        assert statuses.count(200) == N_UPDATES, {s: statuses.count(s) for s in set(statuses)}
        deadline = started + 180
        while api_stats(base)["delivered"] - before < N_UPDATES:
            assert time.perf_counter() < deadline, f"only {api_stats(base)['delivered'] - before} answered"
            await asyncio.sleep(0.02)
        return time.perf_counter() - started


def test_webhook_throughput_ratio(tmp_path):
    url = migrated_sqlite(tmp_path)
    asyncio.run(seed_people(url, N_SENDERS, events=5))
    with fake_api(limit=1_000_000) as base:
        bare_port, our_port = free_port(), free_port()
        bare = Proc([python(), "-c", BARE_APP, base, str(bare_port), WEBHOOK_SECRET], tmp_path / "bare.log")
        ours = Proc(
            [python(), "-m", "bot", "run", "--webhook"],
            tmp_path / "ours.log",
            bot_env(
                url,
                base,
                WEBHOOK_URL="https://example.org/wh",
                WEBHOOK_SECRET=WEBHOOK_SECRET,
                WEBHOOK_HOST="127.0.0.1",
                WEBHOOK_PORT=str(our_port),
                WEBHOOK_PATH="/wh",
            ),
        )
        try:
            bare.wait_http(f"http://127.0.0.1:{bare_port}/healthz")
            ours.wait_http(f"http://127.0.0.1:{our_port}/healthz")
            time.sleep(6)  # let our scheduler's first round (at +5 s) pass
            # warm both up, then measure each twice, alternating, and keep each one's best run
            asyncio.run(_blast(f"http://127.0.0.1:{bare_port}/wh", base, 1))
            asyncio.run(_blast(f"http://127.0.0.1:{our_port}/wh", base, 1))
            bare_s, ours_s = [], []
            for round_ in range(2):
                first = 10_000 * (round_ + 1)
                bare_s.append(asyncio.run(_blast(f"http://127.0.0.1:{bare_port}/wh", base, first)))
                ours_s.append(asyncio.run(_blast(f"http://127.0.0.1:{our_port}/wh", base, first)))
            ours_rss = rss_mb(ours.pid)
        finally:
            bare.stop()
            ours.stop()
    bare_rate, our_rate = N_UPDATES / min(bare_s), N_UPDATES / min(ours_s)
    report(
        "webhook_updates_per_s_ratio",
        our_rate / bare_rate,
        0.35,
        ">=",
        ours_per_s=round(our_rate, 1),
        bare_aiogram_per_s=round(bare_rate, 1),
        updates=N_UPDATES,
        db="sqlite",
        ours_runs_s=[round(s, 2) for s in ours_s],
        bare_runs_s=[round(s, 2) for s in bare_s],
        ours_rss_mb=round(ours_rss, 1),
    )
    assert our_rate / bare_rate >= 0.35
