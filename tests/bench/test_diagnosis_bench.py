"""Diagnosis step benchmark: the "answer → save → edit to the next question" path through the real
dispatcher and database, measured against the least a saved step must do, in the same run.

The metric, `diagnosis_step_vs_commit_floor` = step throughput / `floor_commit` throughput, target
>= 0.6. `floor_commit` is a bare Dispatcher with one callback handler that answers the callback,
edits the message to a question-sized text with the step's six buttons and commits one INSERT
through the app's engine (`bot.infra.db.create_engine`): the Telegram side and the commit every saved
step needs, without middlewares, identity, checks or the ORM. Every kind is fed with
dp.feed_update through the same recording fake Bot API; each round measures all of them back to
back, and the value is the median of the rounds' ratios (a shared machine's load drifts between
rounds, hardly within one).

Context in the same line, without targets:
- `diagnosis_step_ratio`: steps / a bare echo handler (a plain Dispatcher, no middlewares, no
  database): the old metric.
- `stack_echo_per_s` and `handler_ratio`: the same echo behind the app's own middlewares (session,
  identity, FSM state), i.e. the per-update floor every handler of ours pays, and the share of it
  the diagnosis step keeps.
- `floor_edit_ratio` / `floor_commit_ratio`: each floor against the bare echo.

Run: .venv/bin/python -m pytest -q -s tests/bench/test_diagnosis_bench.py"""

import asyncio
import statistics
import time

from aiogram import Dispatcher
from aiogram.types import Update
from sqlalchemy import func, select

from bot.infra.db import create_engine, create_sessionmaker
from bot.infra.gc_tuning import freeze_startup_heap
from models import DiagnosisAnswer, ProcessedUpdate
from tests.bench.diagnosis_support import (
    STEPS,
    USERS,
    answer_updates,
    echo_dispatcher,
    echo_updates,
    floor_dispatcher,
    new_attempts,
    stack_echo_dispatcher,
)
from tests.bench.support import migrated_sqlite, report
from tests.support.harness import Harness

ROUNDS = 5
TARGET = 0.6  # diagnosis_step_vs_commit_floor


async def rate(dp: Dispatcher, harness: Harness, updates: list[Update]) -> float:
    started = time.perf_counter()
    for update in updates:
        await dp.feed_update(harness.bot, update)
    return len(updates) / (time.perf_counter() - started)


async def run(url: str) -> dict[str, float]:
    engine = create_engine(url)
    harness = Harness(url, create_sessionmaker(engine))
    harness.api.like_telegram = False  # presses come from synthetic message ids; refusals are not measured
    await harness.start()
    freeze_startup_heap()  # as `python -m bot run` does once it is up
    echo, stack = echo_dispatcher(), stack_echo_dispatcher(harness)
    floors = {"floor_edit": floor_dispatcher(), "floor_commit": floor_dispatcher(engine)}
    rates: dict[str, list[float]] = {"echo": [], "stack": [], "steps": [], "floor_edit": [], "floor_commit": []}
    update_id = 1
    try:
        for n in range(ROUNDS):
            attempts = await new_attempts(harness, 10_000 + n * USERS)
            steps = answer_updates(attempts, update_id)
            update_id += len(steps)
            for name, dp in (("echo", echo), ("stack", stack)):
                updates = echo_updates(len(steps), update_id)
                update_id += len(updates)
                rates[name].append(await rate(dp, harness, updates))
            rates["steps"].append(await rate(harness.dp, harness, steps))
            for name, dp in floors.items():
                rates[name].append(await rate(dp, harness, answer_updates(attempts, update_id)))
                update_id += len(steps)
            harness.api.clear()
        async with harness.sessionmaker() as session:
            saved = await session.scalar(select(func.count()).select_from(DiagnosisAnswer))
            floor_rows = await session.scalar(select(func.count()).where(ProcessedUpdate.bot_id == -1))
    finally:
        await harness.stop()
        await engine.dispose()
    return {"rates": rates, "saved": saved, "floor_rows": floor_rows}


def test_diagnosis_step_vs_commit_floor(tmp_path):
    url = migrated_sqlite(tmp_path)
    result = asyncio.run(run(url))
    rates = result["rates"]
    per_round = [steps / floor for steps, floor in zip(rates["steps"], rates["floor_commit"], strict=True)]
    ratio = statistics.median(per_round)
    median = {name: statistics.median(values) for name, values in rates.items()}
    passed = report(
        "diagnosis_step_vs_commit_floor",
        ratio,
        TARGET,
        ">=",
        rounds=[round(r, 3) for r in per_round],
        steps_per_s=round(median["steps"], 1),
        floor_commit_per_s=round(median["floor_commit"], 1),
        diagnosis_step_ratio=round(median["steps"] / median["echo"], 3),
        echo_per_s=round(median["echo"], 1),
        stack_echo_per_s=round(median["stack"], 1),
        handler_ratio=round(median["steps"] / median["stack"], 3),
        floor_edit_ratio=round(median["floor_edit"] / median["echo"], 3),
        floor_commit_ratio=round(median["floor_commit"] / median["echo"], 3),
    )
    assert result["saved"] == USERS * STEPS * ROUNDS  # every step really saved its answer
    assert result["floor_rows"] == USERS * STEPS * ROUNDS  # and the floor really committed its row
    assert passed
