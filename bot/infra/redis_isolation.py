"""One update at a time per user across instances, without a long wait after a crash.

aiogram's RedisEventIsolation takes each user's lock for a fixed 60 s. If a process dies while
handling an update (kill -9, an OOM kill), the lock outlives it and that user's next update, on any
instance, waits out the rest of the minute. Here the lock lives a few seconds and is renewed while
the update is being handled: a long handler (a report, a big broadcast preview) keeps it, and a
crash frees it within LOCK_TTL_S.
"""

import asyncio
import logging
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager, suppress

from aiogram.fsm.storage.base import BaseEventIsolation, StorageKey
from aiogram.fsm.storage.redis import KeyBuilder
from redis.asyncio import Redis
from redis.exceptions import RedisError

LOCK_TTL_S = 10.0
log = logging.getLogger(__name__)


class RenewedRedisIsolation(BaseEventIsolation):
    def __init__(self, redis: Redis, key_builder: KeyBuilder, ttl_s: float = LOCK_TTL_S) -> None:
        self._redis, self._key_builder, self._ttl_s = redis, key_builder, ttl_s

    @asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncGenerator[None, None]:
        lock = self._redis.lock(
            self._key_builder.build(key, "lock"), timeout=self._ttl_s, sleep=0.05, raise_on_release_error=False
        )  # lost: logged by the renewer
        async with lock:
            renewing = asyncio.create_task(self._renew(lock))
            try:
                yield
            finally:
                renewing.cancel()
                with suppress(asyncio.CancelledError):
                    await renewing

    async def _renew(self, lock) -> None:
        while True:
            await asyncio.sleep(self._ttl_s / 3)
            try:
                await lock.reacquire()  # back to the full TTL, only if the lock is still ours
            except RedisError as exc:  # taken over (LockError) or Redis unreachable: it expires by itself
                log.warning("could not renew the per-user lock %s: %s", lock.name, exc)
                return

    async def close(self) -> None:
        pass  # the storage owns the connection
