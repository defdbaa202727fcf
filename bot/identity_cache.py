"""Who is acting, remembered between updates: most updates then need no database round trip
before their handler runs (loading the identity was a third of the cost of a /help).

Only for the one-process deployment (no REDIS_URL), like the FSM storage's cache: several
instances share no memory, so there every update loads its identity afresh.

What keeps it right:
- Only plain identities are kept: a user (or a stranger) without role grants who is not an admin
  from the environment. Anyone with a role is loaded on every update, so a revoked methodist loses
  access on their very next tap.
- A write in this process to `users`, `role_grants` or `organizations` clears everything once its
  transaction has ended (the pool's check-in), and no load that overlapped such a transaction is
  kept: the cache never holds what a rollback undid or a commit changed.
- Grants made outside this process (`python -m bot grant`) are noticed through a fingerprint of
  `role_grants`, checked at most once a second before a remembered identity is used; a change
  clears everything. Nothing outside the bot writes `users`.
- What is kept is a snapshot of the row's columns. Each update gets its own instance, attached to
  its own session, so a handler that changes it writes through as before and never alters the
  snapshot.
"""

import asyncio
import re
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import make_transient_to_detached

from bot.services import roles
from bot.services.roles import Identity
from models import RoleGrant, User

CHECK_EVERY_S = 1.0
LIMIT = 5_000
_WATCHED_WRITE = re.compile(
    r'\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+"?(?:users|role_grants|organizations)\b', re.I)
_MARK = "identity_tables_written"
_COLUMNS = [attr.key for attr in User.__mapper__.column_attrs]


class IdentityCache:
    def __init__(self, engine: AsyncEngine, clock: Callable[[], float] = time.monotonic) -> None:
        self._engine, self._clock = engine, clock
        self._snapshots: dict[int, dict[str, Any] | None] = {}  # telegram_id -> User columns (None: unregistered)
        self._generation = 0  # bumped by every clear: a load that spans one is not kept
        self._open_writers = 0  # connections checked out that wrote a watched table
        self._grants_fingerprint: tuple | None = None
        self._checked_at = float("-inf")
        self._check: asyncio.Future | None = None
        event.listen(engine.sync_engine, "after_cursor_execute", self._on_statement)
        event.listen(engine.sync_engine.pool, "checkin", self._on_checkin)

    def close(self) -> None:
        event.remove(self._engine.sync_engine, "after_cursor_execute", self._on_statement)
        event.remove(self._engine.sync_engine.pool, "checkin", self._on_checkin)
        self._clear()

    async def load(self, session: AsyncSession, telegram_id: int, admin_ids: list[int]) -> Identity:
        if telegram_id in self._snapshots or self._grants_fingerprint is None:
            await self._notice_outside_grants()  # the first time, before anything is remembered
        if telegram_id in self._snapshots:  # still, after the check
            return Identity(telegram_id, self._attach(session, self._snapshots[telegram_id]))
        generation = self._generation
        identity = await roles.load_identity(session, telegram_id, admin_ids)
        if (not identity.grants and not identity.env_admin
                and self._open_writers == 0 and generation == self._generation):
            self._remember(telegram_id, identity.user)
        return identity

    # --- the snapshots ------------------------------------------------------------------------

    def _remember(self, telegram_id: int, user: User | None) -> None:
        if len(self._snapshots) >= LIMIT:
            del self._snapshots[next(iter(self._snapshots))]  # the oldest entry
        self._snapshots[telegram_id] = None if user is None else {key: getattr(user, key) for key in _COLUMNS}

    @staticmethod
    def _attach(session: AsyncSession, snapshot: dict[str, Any] | None) -> User | None:
        if snapshot is None:
            return None
        user = User(**{key: list(value) if isinstance(value, list) else value for key, value in snapshot.items()})
        make_transient_to_detached(user)  # as if just loaded: clean, persistent once added
        session.add(user)
        return user

    def _clear(self) -> None:
        self._snapshots.clear()
        self._generation += 1

    # --- writes in this process ---------------------------------------------------------------

    def _on_statement(self, connection, _cursor, statement: str, _parameters, _context, _executemany) -> None:
        if _WATCHED_WRITE.match(statement) and not connection.info.get(_MARK):
            connection.info[_MARK] = True
            self._open_writers += 1
            self._generation += 1

    def _on_checkin(self, _dbapi_connection, record) -> None:
        """The connection is back in the pool: its transaction has committed or rolled back."""
        if record.info.pop(_MARK, False):
            self._open_writers -= 1
            self._clear()

    # --- grants made by other processes -------------------------------------------------------

    async def _notice_outside_grants(self) -> None:
        if self._clock() - self._checked_at < CHECK_EVERY_S:
            return
        if self._check is None:  # one query serves every update waiting on it
            self._check = asyncio.ensure_future(self._read_fingerprint())
        check = self._check
        try:
            await asyncio.shield(check)
        finally:
            if self._check is check and check.done():
                self._check = None

    async def _read_fingerprint(self) -> None:
        started = self._clock()
        async with self._engine.connect() as connection:
            fingerprint = tuple((await connection.execute(
                select(func.count(), func.max(RoleGrant.id), func.max(RoleGrant.created_at)))).one())
        if fingerprint != self._grants_fingerprint:
            self._clear()  # also the first time: entries may predate the first reading
            self._grants_fingerprint = fingerprint
        self._checked_at = started
