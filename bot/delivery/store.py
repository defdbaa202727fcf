"""Claiming due outbox rows and recording what happened to them.

PostgreSQL: FOR UPDATE SKIP LOCKED plus a lease, so several instances never take the same row.
SQLite: the claim runs inside BEGIN IMMEDIATE (see bot.infra.db), which already excludes other writers.
A claimed row whose lease expires (the process died mid-send) becomes claimable again; a worker
renews the leases of the rows it still holds (a long 429 pause, outcomes not yet written) and never
re-claims them itself."""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from sqlalchemy import bindparam, or_, select, true, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.delivery.quiet import quiet_until
from bot.services.onboarding import users
from models import OutboxMessage, OutboxStatus, User


@dataclass(frozen=True)
class Claimed:
    id: int
    chat_id: int
    purpose: str
    payload: dict
    attempts: int


@dataclass
class Outcome:
    id: int
    status: OutboxStatus
    attempts: int
    error: str | None = None
    retry_at: datetime | None = None
    sent_at: datetime | None = None


@dataclass
class ClaimResult:
    messages: list[Claimed] = field(default_factory=list)
    held_for_quiet_hours: int = 0


async def claim(
    sessionmaker: async_sessionmaker[AsyncSession],
    now: datetime,
    limit: int,
    lease: timedelta,
    quiet: tuple[time, time] | None,
    held_here: frozenset[int] = frozenset(),
) -> ClaimResult:
    """Core statements, not ORM objects: a paid broadcast claims thousands of rows a second.
    `held_here`: rows this worker claimed and has not settled yet; never claimed twice."""
    result = ClaimResult()
    table = OutboxMessage.__table__
    due = (
        select(
            table.c.id,
            table.c.chat_id,
            table.c.purpose,
            table.c.payload,
            table.c.attempts,
            table.c.urgent,
            table.c.timezone,
            table.c.quiet_exempt_before,
        )
        .where(
            or_(
                (table.c.status == OutboxStatus.pending) & (table.c.due_at <= now),
                (table.c.status == OutboxStatus.sending) & (table.c.lease_until < now),
            )
        )
        .where(table.c.id.not_in(held_here) if held_here else true())
        .order_by(table.c.due_at, table.c.id)
        .with_for_update(skip_locked=True)
    )
    async with sessionmaker() as session, session.begin():
        # Personal messages (reminders, nudges, replies) first, then broadcast rows: a reminder that
        # falls due during a 10,000-recipient broadcast waits for one batch, not for the broadcast.
        rows = (await session.execute(due.where(table.c.batch.is_(None)).limit(limit))).all()
        if len(rows) < limit:
            rows += (await session.execute(due.where(table.c.batch.is_not(None)).limit(limit - len(rows)))).all()
        if not rows:
            return result
        inactive = set(
            await session.scalars(
                select(User.telegram_id).where(
                    User.telegram_id.in_({row.chat_id for row in rows}), User.is_active.is_(False)
                )
            )
        )
        blocked, held, claimed = [], [], []
        for row in rows:
            if row.chat_id in inactive:
                blocked.append(row.id)
                continue
            held_until = None if row.urgent else quiet_until(now, row.timezone, quiet)
            if held_until and not (row.quiet_exempt_before and row.quiet_exempt_before <= held_until):
                held.append({"row_id": row.id, "new_due": held_until})
                continue
            claimed.append(row.id)
            result.messages.append(Claimed(row.id, row.chat_id, row.purpose, dict(row.payload), row.attempts))
        if claimed:
            await session.execute(
                update(table)
                .where(table.c.id.in_(claimed))
                .values(status=OutboxStatus.sending, lease_until=now + lease)
            )
        if blocked:
            await session.execute(
                update(table)
                .where(table.c.id.in_(blocked))
                .values(status=OutboxStatus.blocked, last_error="recipient is inactive (blocked the bot)")
            )
        if held:
            await session.execute(
                update(table)
                .where(table.c.id == bindparam("row_id"))
                .values(due_at=bindparam("new_due"), status=OutboxStatus.pending),
                held,
            )
            result.held_for_quiet_hours = len(held)
    return result


async def renew_leases(sessionmaker: async_sessionmaker[AsyncSession], ids: list[int], until: datetime) -> None:
    """Extend the leases of rows still being worked on, so no other instance takes them over."""
    table = OutboxMessage.__table__
    async with sessionmaker() as session, session.begin():
        for start in range(0, len(ids), 500):
            await session.execute(
                update(table)
                .where(table.c.id.in_(ids[start : start + 500]), table.c.status == OutboxStatus.sending)
                .values(lease_until=until)
            )


async def record(sessionmaker: async_sessionmaker[AsyncSession], outcomes: list[Outcome], now: datetime) -> None:
    """Write a batch of outcomes in one transaction (one executemany per shape)."""
    if not outcomes:
        return
    table = OutboxMessage.__table__
    common = {
        "status": bindparam("new_status"),
        "attempts": bindparam("new_attempts"),
        "last_error": bindparam("new_error"),
        "lease_until": None,
    }
    retried = [
        {
            "row_id": o.id,
            "new_status": o.status,
            "new_attempts": o.attempts,
            "new_error": o.error,
            "new_due": o.retry_at,
        }
        for o in outcomes
        if o.retry_at is not None
    ]
    settled = [
        {
            "row_id": o.id,
            "new_status": o.status,
            "new_attempts": o.attempts,
            "new_error": o.error,
            "new_sent": o.sent_at,
        }
        for o in outcomes
        if o.retry_at is None
    ]
    by_id = update(table).where(table.c.id == bindparam("row_id"))
    async with sessionmaker() as session, session.begin():
        if retried:
            await session.execute(by_id.values(**common, due_at=bindparam("new_due")), retried)
        if settled:
            await session.execute(by_id.values(**common, sent_at=bindparam("new_sent")), settled)
        blocked = [o.id for o in outcomes if o.status == OutboxStatus.blocked]
        if blocked:
            chats = set(await session.scalars(select(table.c.chat_id).where(table.c.id.in_(blocked))))
            for chat_id in chats:
                await users.set_reachable(session, chat_id, False, now)
