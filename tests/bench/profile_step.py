"""Profile the diagnosis step of test_diagnosis_bench (not a test): where one "answer → save →
edit" update spends its time, next to the floor_commit handler fed the same taps.

    .venv/bin/python -m tests.bench.profile_step [--rounds N] [--pyinstrument]

By default each kind gets its own cProfile (wall-clock timer, the event loop's thread), and the
exclusive time is summed by package per update: a wait for aiosqlite's worker thread shows up as
the selector's poll. With --pyinstrument (if installed; not a dependency) the steps' time is also
shown as a call tree, awaits included."""

import argparse
import asyncio
import cProfile
import pstats
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from bot.infra.db import create_engine, create_sessionmaker
from tests.bench.diagnosis_support import answer_updates, floor_dispatcher, new_attempts
from tests.bench.support import migrated_sqlite
from tests.support.harness import Harness

GROUPS = (  # first match wins: (label, substring of "file:function")
    ("wait: selector (thread hops, other processes)", "<method 'poll' of 'select.epoll"),
    ("thread hand-off (SimpleQueue.put, lock)", "_queue.SimpleQueue"),
    ("sqlalchemy orm", "sqlalchemy/orm/"),
    ("sqlalchemy sql (compile, cache keys, constructs)", "sqlalchemy/sql/"),
    ("sqlalchemy engine/pool/asyncio/dialect", "sqlalchemy/"),
    ("aiosqlite / asyncio", "aiosqlite/"),
    ("pydantic (aiogram types and methods)", "pydantic"),
    ("aiogram dispatcher, filters, routers", "aiogram/dispatcher"),
    ("aiogram filters / callback data", "aiogram/filters"),
    ("aiogram other (bot, methods, session)", "aiogram/"),
    ("greenlet", "greenlet"),
    ("asyncio", "asyncio/"),
    ("bot/ (our infrastructure, services)", "/bot/"),
    ("handlers/ (ours)", "/handlers/"),
    ("models/", "/models/"),
    ("bench code", "/tests/"),
)


def grouped(stats: pstats.Stats, updates: int) -> dict[str, float]:
    """Exclusive (tottime) ms per update by group."""
    totals: dict[str, float] = defaultdict(float)
    for (file, _line, function), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():
        name = f"{file}:{function}"
        label = next((label for label, part in GROUPS if part in name), "other (builtins, stdlib)")
        totals[label] += tottime * 1000 / updates
    return dict(sorted(totals.items(), key=lambda item: -item[1]))


async def _feed(dp, harness, updates, profiler=None) -> float:
    if profiler is not None:
        profiler.enable()
    started = time.perf_counter()
    for update in updates:
        await dp.feed_update(harness.bot, update)
    spent = time.perf_counter() - started
    if profiler is not None:
        profiler.disable()
    return spent


async def main(url: str, rounds: int, use_pyinstrument: bool, out: Path) -> None:
    engine = create_engine(url)
    harness = Harness(url, create_sessionmaker(engine))
    harness.api.like_telegram = False  # presses come from synthetic message ids, as in the bench
    await harness.start()
    floor = floor_dispatcher(engine)
    profilers = {"steps": cProfile.Profile(), "floor_commit": cProfile.Profile()}
    plain = {"steps": 0.0, "floor_commit": 0.0}
    tree = None
    update_id, count, profiled_count = 1, 0, 0
    try:
        for n in range(2 * rounds + 1):  # round 0 warms up; then unprofiled, cProfiled, ... rounds
            attempts = await new_attempts(harness, 10_000 + n * 100)
            steps = answer_updates(attempts, update_id)
            update_id += len(steps)
            floor_updates = answer_updates(attempts, update_id)
            update_id += len(steps)
            profiled = n > 0 and n % 2 == 0
            if profiled and use_pyinstrument and tree is None:
                from pyinstrument import Profiler

                tree = Profiler(async_mode="enabled", interval=0.0005)
                tree.start()
                await _feed(harness.dp, harness, steps)
                tree.stop()
            else:
                step_s = await _feed(harness.dp, harness, steps, profilers["steps"] if profiled else None)
                floor_s = await _feed(floor, harness, floor_updates, profilers["floor_commit"] if profiled else None)
                if n and not profiled:
                    plain["steps"] += step_s
                    plain["floor_commit"] += floor_s
                    count += len(steps)
                if profiled:
                    profiled_count += len(steps)
            harness.api.clear()
    finally:
        await harness.stop()
        await engine.dispose()
    per = {name: seconds / count * 1000 for name, seconds in plain.items()}
    print(
        f"unprofiled: steps {per['steps']:.2f} ms/update, floor_commit {per['floor_commit']:.2f} ms/update, "
        f"ratio {per['floor_commit'] / per['steps']:.3f}"
    )
    for name, profiler in profilers.items() if profiled_count else ():
        stats = pstats.Stats(profiler)
        stats.dump_stats(out.with_suffix(f".{name}.prof"))
        print(f"\n{name}: exclusive ms per update (cProfile, {profiled_count} updates)")
        for label, ms in grouped(stats, profiled_count).items():
            print(f"  {ms:7.3f}  {label}")
    if tree is not None:
        out.with_suffix(".tree.txt").write_text(tree.output_text(unicode=False, color=False))
        out.with_suffix(".tree-all.txt").write_text(tree.output_text(unicode=False, color=False, show_all=True))
        print("pyinstrument tree of the steps:", out.with_suffix(".tree.txt"))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pyinstrument", action="store_true")
    parser.add_argument("--out", type=Path, default=Path("step"))
    args = parser.parse_args()
    asyncio.run(main(migrated_sqlite(Path(tempfile.mkdtemp())), args.rounds, args.pyinstrument, args.out))
