"""Dialog state survives a restart: in the database by default, in Redis when configured."""

import os
import uuid

import pytest
from aiogram.fsm.storage.base import StorageKey

from bot.infra.fsm_storage import DatabaseStorage
from tests.support.factories import count_users
from tests.support.harness import Harness

KEY = StorageKey(bot_id=1, chat_id=42, user_id=42)


async def test_database_storage_roundtrip(sessionmaker):
    storage = DatabaseStorage(sessionmaker)
    assert await storage.get_state(KEY) is None and await storage.get_data(KEY) == {}
    await storage.set_state(KEY, "Registration:full_name")
    await storage.update_data(KEY, {"a": 1})
    await storage.update_data(KEY, {"b": "два"})
    restarted = DatabaseStorage(sessionmaker)
    assert await restarted.get_state(KEY) == "Registration:full_name"
    assert await restarted.get_data(KEY) == {"a": 1, "b": "два"}
    await restarted.set_state(KEY, None)
    assert await restarted.get_state(KEY) is None


@pytest.fixture
async def redis_storage_factory():
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("TEST_REDIS_URL is not set: Redis variants skipped")
    from aiogram.fsm.storage.redis import DefaultKeyBuilder, RedisStorage

    prefix = f"growthbot_test_{uuid.uuid4().hex[:8]}"
    storages = []

    def make():
        storage = RedisStorage.from_url(url, key_builder=DefaultKeyBuilder(prefix=prefix, with_destiny=True))
        storages.append(storage)
        return storage

    yield make
    keys = [key async for key in storages[0].redis.scan_iter(f"{prefix}:*")]
    if keys:
        await storages[0].redis.delete(*keys)
    for storage in storages:
        await storage.close()


async def test_registration_resumes_after_restart_with_redis(db_url, sessionmaker, redis_storage_factory):
    harness = Harness(db_url, sessionmaker, storage_factory=redis_storage_factory)
    await harness.start()
    teacher = harness.user(801)
    await teacher.send("/start")
    await teacher.press("Согласен")
    await teacher.send("Редисова Ирина")
    harness.restart()
    replies = await teacher.send("/start")
    assert "Продолжим регистрацию" in replies[-1]
    await teacher.press("Волгодонск")
    await teacher.press("СШ № 5")
    await teacher.press("Учитель")
    await teacher.press("Готово")
    await teacher.send("3")
    assert "Вы зарегистрированы" in (await teacher.send("1995"))[-1]
    assert await count_users(sessionmaker) == 1
