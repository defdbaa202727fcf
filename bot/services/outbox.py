"""Putting messages into the outbox. Delivery (claiming, rate limits, retries) is bot.delivery."""

from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import dialect_insert
from bot.services.timefmt import MOSCOW
from models import OutboxMessage, OutboxStatus, utcnow

Button = dict[str, str]  # {"text": ..., "callback_data": ...} or {"text": ..., "url": ...}


async def enqueue(
    session: AsyncSession, *, key: str, chat_id: int, purpose: str, text: str,
    due_at: datetime | None = None, urgent: bool = False, buttons: list[list[Button]] | None = None,
    quiet_exempt_before: datetime | None = None, timezone: str = MOSCOW, batch: str | None = None,
    extra: dict[str, Any] | None = None,
) -> bool:
    """Queue one message; a key seen before is silently ignored (returns False)."""
    payload: dict[str, Any] = {"text": text, **(extra or {})}
    if buttons:
        payload["buttons"] = buttons
    result = await session.execute(
        dialect_insert(session, OutboxMessage).values(
            idempotency_key=key[:200], chat_id=chat_id, purpose=purpose, payload=payload,
            due_at=due_at or utcnow(), urgent=urgent, quiet_exempt_before=quiet_exempt_before,
            timezone=timezone, status=OutboxStatus.pending, attempts=0, batch=batch, created_at=utcnow(),
        ).on_conflict_do_nothing(index_elements=[OutboxMessage.idempotency_key])
    )
    return bool(result.rowcount)


async def enqueue_many(session: AsyncSession, rows: list[dict[str, Any]], chunk: int = 1000) -> int:
    """Bulk enqueue (e.g. a broadcast): each row has key, chat_id, purpose, payload and may have
    due_at, urgent, timezone, batch. Keys seen before are skipped; returns how many were new."""
    now, added = utcnow(), 0
    for start in range(0, len(rows), chunk):
        values = [{
            "idempotency_key": row["key"][:200], "chat_id": row["chat_id"], "purpose": row["purpose"],
            "payload": row["payload"], "due_at": row.get("due_at") or now, "urgent": row.get("urgent", False),
            "quiet_exempt_before": None, "timezone": row.get("timezone", MOSCOW),
            "status": OutboxStatus.pending, "attempts": 0, "batch": row.get("batch"), "created_at": now,
        } for row in rows[start:start + chunk]]
        result = await session.execute(
            dialect_insert(session, OutboxMessage).values(values)
            .on_conflict_do_nothing(index_elements=[OutboxMessage.idempotency_key]))
        added += result.rowcount or 0
    return added


async def cancel_pending(session: AsyncSession, key_prefix: str) -> int:
    """Withdraw messages not yet sent (e.g. reminders of a cancelled registration)."""
    result = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.idempotency_key.startswith(key_prefix, autoescape=True),
               OutboxMessage.status == OutboxStatus.pending)
        .values(status=OutboxStatus.cancelled)
    )
    return result.rowcount or 0
