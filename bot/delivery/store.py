"""Claiming due outbox rows and recording what happened to them.

PostgreSQL: FOR UPDATE SKIP LOCKED plus a lease, so several instances never take the same row.
SQLite: the claim runs inside BEGIN IMMEDIATE (see bot.db), which already excludes other writers.
A claimed row whose lease expires (the process died mid-send) becomes claimable again."""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.delivery.quiet import quiet_until
from bot.services import users
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
    sessionmaker: async_sessionmaker[AsyncSession], now: datetime, limit: int, lease: timedelta,
    quiet: tuple[time, time] | None,
) -> ClaimResult:
    result = ClaimResult()
    async with sessionmaker() as session, session.begin():
        rows = list(await session.scalars(
            select(OutboxMessage)
            .where(or_(
                (OutboxMessage.status == OutboxStatus.pending) & (OutboxMessage.due_at <= now),
                (OutboxMessage.status == OutboxStatus.sending) & (OutboxMessage.lease_until < now),
            ))
            .order_by(OutboxMessage.due_at, OutboxMessage.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ))
        if not rows:
            return result
        inactive = set(await session.scalars(select(User.telegram_id).where(
            User.telegram_id.in_({row.chat_id for row in rows}), User.is_active.is_(False))))
        for row in rows:
            if row.chat_id in inactive:
                row.status, row.last_error = OutboxStatus.blocked, "recipient is inactive (blocked the bot)"
                continue
            held_until = None if row.urgent else quiet_until(now, row.timezone, quiet)
            if held_until and not (row.quiet_exempt_before and row.quiet_exempt_before <= held_until):
                row.due_at, row.status = held_until, OutboxStatus.pending
                result.held_for_quiet_hours += 1
                continue
            row.status, row.lease_until = OutboxStatus.sending, now + lease
            result.messages.append(Claimed(row.id, row.chat_id, row.purpose, dict(row.payload), row.attempts))
    return result


async def record(sessionmaker: async_sessionmaker[AsyncSession], outcomes: list[Outcome]) -> None:
    """Write a batch of outcomes in one transaction (bulk UPDATE by primary key)."""
    if not outcomes:
        return
    retried = [o for o in outcomes if o.retry_at is not None]
    settled = [o for o in outcomes if o.retry_at is None]
    async with sessionmaker() as session, session.begin():
        if retried:
            await session.execute(update(OutboxMessage), [
                {"id": o.id, "status": o.status, "attempts": o.attempts, "last_error": o.error,
                 "due_at": o.retry_at, "lease_until": None} for o in retried])
        if settled:
            await session.execute(update(OutboxMessage), [
                {"id": o.id, "status": o.status, "attempts": o.attempts, "last_error": o.error,
                 "sent_at": o.sent_at, "lease_until": None} for o in settled])
        blocked = [o.id for o in outcomes if o.status == OutboxStatus.blocked]
        if blocked:
            chats = set(await session.scalars(select(OutboxMessage.chat_id).where(OutboxMessage.id.in_(blocked))))
            for chat_id in chats:
                await users.set_reachable(session, chat_id, False)
