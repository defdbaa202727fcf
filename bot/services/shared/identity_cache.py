"""Who is acting, remembered between updates (one-process deployments only: no REDIS_URL).

Why it exists: reading the identity is the only database work many updates do before their
handler: a connection checkout, five trips to SQLite's thread and a commit, for a /help or a
questionnaire step alike. Issue 12 asked to keep a cache only if the benchmarks fail without it;
the webhook throughput does (figures with and without in the CHANGELOG, «Unreleased»).

What keeps it right, in four rules:
- Only plain identities are kept: a registered teacher or a stranger, without role grants and not
  an admin from the environment. Anyone with a role is read on every update, so a revocation from
  anywhere applies at their very next tap.
- A write through this engine to `users`, `role_grants` or `organizations` (a user row, a grant, an
  organization whose removal would touch both) empties the cache when its transaction has ended,
  committed or rolled back (the connection's return to the pool). A load that overlapped such a
  write is not kept either, so nothing read before a commit outlives it.
- A grant made by another process (`python -m bot grant`) is noticed through a fingerprint of
  `role_grants`, read at most once a second before a remembered identity is used; any change
  empties the cache. Other processes do not write `users`.
- What is kept is a copy of the user row's columns. Each update gets its own `User`, attached to
  its own session, so a handler that changes it writes through as before.
"""

import asyncio
import time
import weakref
from collections.abc import Callable
from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import make_transient_to_detached

from bot.services.shared import roles
from bot.services.shared.roles import Identity
from models import Organization, RoleGrant, User

CHECK_EVERY_S = 1.0
LIMIT = 5_000  # people remembered; a tuple of ~15 columns each, well under a megabyte in all
WATCHED_TABLES = frozenset({User.__tablename__, RoleGrant.__tablename__, Organization.__tablename__})
COLUMNS = tuple(attr.key for attr in User.__mapper__.column_attrs)
GRANTS_FINGERPRINT = select(func.count(), func.max(RoleGrant.id), func.max(RoleGrant.created_at))
_WROTE = "identity_tables_written"  # marks a pooled connection whose transaction wrote a watched table
_BY_ENGINE: "weakref.WeakKeyDictionary[Engine, IdentityCache]" = weakref.WeakKeyDictionary()


class IdentityCache:
    def __init__(self, engine: AsyncEngine, clock: Callable[[], float] = time.monotonic) -> None:
        # No reference to the engine is kept: its events hold the cache, and _BY_ENGINE lets both go
        # together once the engine is gone.
        self._clock = clock
        self._rows: dict[int, tuple | None] = {}  # telegram_id -> the user's columns (None: not registered)
        self._generation = 0  # moves at every watched write's start and end
        self._fingerprint: tuple | None = None
        self._checked_at = float("-inf")
        self._check = asyncio.Lock()
        event.listen(engine.sync_engine, "after_cursor_execute", self._on_statement)
        event.listen(engine.sync_engine.pool, "checkin", self._on_checkin)

    @classmethod
    def of(cls, engine: AsyncEngine) -> "IdentityCache":
        """One cache per engine: its events watch that engine's writes (a dispatcher rebuilt over
        the same engine, as tests do, shares it)."""
        cache = _BY_ENGINE.get(engine.sync_engine)
        if cache is None:
            cache = _BY_ENGINE[engine.sync_engine] = cls(engine)
        return cache

    async def load(self, session: AsyncSession, telegram_id: int, admin_ids: list[int]) -> Identity:
        if telegram_id not in admin_ids:
            await self._notice_outside_grants(session)
            if telegram_id in self._rows:
                return Identity(telegram_id, _attach(session, self._rows[telegram_id]))
        generation = self._generation
        identity = await roles.load_identity(session, telegram_id, admin_ids)
        if not identity.grants and not identity.env_admin and generation == self._generation:
            self._remember(telegram_id, identity.user)
        return identity

    def _remember(self, telegram_id: int, user: User | None) -> None:
        if len(self._rows) >= LIMIT:
            del self._rows[next(iter(self._rows))]  # the oldest entry
        self._rows[telegram_id] = None if user is None else tuple(getattr(user, key) for key in COLUMNS)

    def clear(self) -> None:
        self._rows.clear()
        self._generation += 1

    # --- writes in this process ------------------------------------------------------------------

    def _on_statement(self, connection, _cursor, _statement, _parameters, context, _executemany) -> None:
        if not (context.isinsert or context.isupdate or context.isdelete):
            return
        table = getattr(context.compiled.statement, "table", None)
        if getattr(table, "name", None) in WATCHED_TABLES and not connection.info.get(_WROTE):
            connection.info[_WROTE] = True
            self._generation += 1

    def _on_checkin(self, _dbapi_connection, record) -> None:
        """The connection is back in the pool: its transaction has committed or rolled back."""
        if record.info.pop(_WROTE, False):
            self.clear()

    # --- grants made by other processes ----------------------------------------------------------

    async def _notice_outside_grants(self, session: AsyncSession) -> None:
        """Read through the update's session, still read-only while its identity is loaded."""
        if self._clock() - self._checked_at < CHECK_EVERY_S:
            return
        async with self._check:  # one reading serves everyone waiting on it
            if self._clock() - self._checked_at < CHECK_EVERY_S:
                return
            started = self._clock()
            fingerprint = tuple((await session.execute(GRANTS_FINGERPRINT)).one())
            if fingerprint != self._fingerprint:
                self.clear()  # also the first time: entries may predate the first reading
                self._fingerprint = fingerprint
            self._checked_at = started


def _attach(session: AsyncSession, row: tuple | None) -> User | None:
    if row is None:
        return None
    values: dict[str, Any] = dict(zip(COLUMNS, row, strict=True))
    values["subjects"] = list(values["subjects"] or [])  # the only mutable column: never share it
    user = User(**values)
    make_transient_to_detached(user)  # as if just loaded: clean, and persistent once added
    session.add(user)
    return user
