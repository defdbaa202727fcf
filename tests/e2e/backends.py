"""Where an e2e bot keeps its state: ``sqlite`` (a fresh file, the default) or ``postgres`` (the
production configuration: a fresh PostgreSQL database and a Redis database of its own for the
dialog state), created for one bot process and removed after it.

A test module opts into both with ``pytestmark = pytest.mark.backends("sqlite", "postgres")``;
the PostgreSQL variant skips, naming the variable, unless TEST_POSTGRES_URL and TEST_REDIS_URL
are set. The PostgreSQL database comes from tests/support/databases.py like everywhere else."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.support import databases

BACKENDS = ("sqlite", "postgres")
REDIS_SKIP_REASON = "TEST_REDIS_URL is not set: the e2e variant on PostgreSQL + Redis skipped"
REDIS_CLAIM_KEY = "growthbot_e2e:claimed"
FSM_KEYS = "fsm:*"  # bot.app.create_storage: aiogram's DefaultKeyBuilder, fixed prefix "fsm"


@contextmanager
def provision(backend: str, workdir: Path) -> Iterator[dict[str, str]]:
    """The bot's environment for ``backend``: DATABASE_URL (and REDIS_URL), cleaned up on exit."""
    if backend == "sqlite":
        yield {"DATABASE_URL": f"sqlite+aiosqlite:///{workdir / 'bot.db'}"}
        return
    assert backend == "postgres", backend
    if not databases.postgres_admin_url():
        pytest.skip(databases.POSTGRES_SKIP_REASON)
    redis_url = os.environ.get("TEST_REDIS_URL")
    if not redis_url:
        pytest.skip(REDIS_SKIP_REASON)
    # The bot migrates its database itself on start (`python -m bot run`): an empty one is enough.
    database_url = databases.off_loop(asyncio.run, databases.create_postgres_database("growthbot_e2e"))
    try:
        with redis_database(redis_url) as fsm_url:
            yield {"DATABASE_URL": database_url, "REDIS_URL": fsm_url}
    finally:
        databases.off_loop(asyncio.run, databases.drop_postgres_database(database_url))


@contextmanager
def redis_database(url: str) -> Iterator[str]:
    """A Redis database index used by nobody else, as a URL; its FSM keys are deleted afterwards.

    The bot's FSM keys have a fixed prefix, so runs are kept apart by database index: the first
    empty one is claimed with SET NX (a concurrent run takes the next)."""
    import redis

    admin = redis.Redis.from_url(url)
    try:
        count = int(admin.config_get("databases").get("databases", 16))
    except redis.ResponseError:  # CONFIG may be disabled; 16 is Redis's default
        count = 16
    finally:
        admin.close()
    token = uuid.uuid4().hex
    for index in range(1, count):
        candidate = urlsplit(url)._replace(path=f"/{index}").geturl()
        client = redis.Redis.from_url(candidate)
        if not client.set(REDIS_CLAIM_KEY, token, nx=True, ex=6 * 3600):
            client.close()
            continue
        if client.dbsize() != 1:  # someone's data without a claim: not ours to use or to clean
            client.delete(REDIS_CLAIM_KEY)
            client.close()
            continue
        try:
            yield candidate
        finally:
            keys = list(client.scan_iter(FSM_KEYS, count=1000))
            if keys:
                client.delete(*keys)
            client.delete(REDIS_CLAIM_KEY)
            client.close()
        return
    pytest.fail(f"no free Redis database index (1..{count - 1}) at {url}")


def fsm_keys(redis_url: str, user_id: int) -> list[str]:
    """The FSM keys (state, data) the bot keeps in Redis for a private chat."""
    import redis

    client = redis.Redis.from_url(redis_url, decode_responses=True)
    try:
        return sorted(client.scan_iter(f"fsm:{user_id}:{user_id}:*"))
    finally:
        client.close()
