"""The per-user lock in Redis: held as long as an update is handled, however long, and freed
within its short TTL when the process holding it dies."""

import asyncio
import os
import time
import uuid

import pytest
from aiogram.fsm.storage.base import StorageKey

from bot.infra.redis_isolation import RenewedRedisIsolation

KEY = StorageKey(bot_id=1, chat_id=77, user_id=77)
TTL_S = 0.6


@pytest.fixture
async def make_isolation():
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("TEST_REDIS_URL is not set: Redis variants skipped")
    from aiogram.fsm.storage.redis import DefaultKeyBuilder, RedisStorage

    storage = RedisStorage.from_url(url, key_builder=DefaultKeyBuilder(prefix=f"isolation_{uuid.uuid4().hex[:8]}"))
    yield lambda: RenewedRedisIsolation(storage.redis, storage.key_builder, ttl_s=TTL_S)
    keys = [key async for key in storage.redis.scan_iter(f"{storage.key_builder.prefix}:*")]
    if keys:
        await storage.redis.delete(*keys)
    await storage.close()


async def test_a_long_update_keeps_the_lock_past_its_ttl(make_isolation):
    first, second = make_isolation(), make_isolation()  # two instances
    order: list[str] = []

    async def long_update() -> None:
        async with first.lock(KEY):
            order.append("long starts")
            await asyncio.sleep(TTL_S * 4)
            order.append("long ends")

    async def next_update() -> None:
        await asyncio.sleep(TTL_S / 2)
        async with second.lock(KEY):
            order.append("next runs")

    await asyncio.gather(long_update(), next_update())
    assert order == ["long starts", "long ends", "next runs"]


async def test_a_crashed_holder_blocks_the_user_only_for_the_ttl(make_isolation):
    crashed = make_isolation()
    holder = crashed.lock(KEY)
    await holder.__aenter__()  # a process that took the lock and then died: never released...
    for task in asyncio.all_tasks():  # ...and nothing renews it any more
        if task.get_coro().__qualname__.endswith("_renew"):
            task.cancel()
    started = time.monotonic()
    async with make_isolation().lock(KEY):
        waited = time.monotonic() - started
    assert waited < TTL_S * 2  # aiogram's own lock would have held it for 60 s
