"""Putting messages into the outbox. Delivery (claiming, rate limits, retries) is bot.delivery.

Every message to a person other than the one whose update is being handled goes through here, so
pacing, 429 pauses and 403 "blocked" handling apply to it (see docs). Payload keys the worker knows:
"text", "buttons" (rows of `button()` / url / packed callback_data dicts), "copy" (copy a message),
"edit" (the message id to edit instead of sending a new one)."""

import json
from datetime import datetime
from typing import Any

from sqlalchemy import Text, cast, func, or_, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.infra.db import dialect_insert
from bot.services.shared.timefmt import MOSCOW
from models import OutboxMessage, OutboxStatus, User, utcnow

# {"text", "callback": {"kind", ...fields}} (packed at delivery by the handlers' CallbackData class
# registered for that kind), {"text", "url"}, or {"text", "callback_data"} already packed by a handler.
Button = dict[str, Any]


def button(text: str, kind: str, **fields: int | str | bool) -> Button:
    """A callback button without its wire format: services do not know CallbackData classes, so the
    delivery side packs {"kind": ..., **fields} with the class registered for `kind`."""
    return {"text": text, "callback": {"kind": kind, **fields}}


async def enqueue(
    session: AsyncSession,
    *,
    key: str,
    chat_id: int,
    purpose: str,
    text: str,
    due_at: datetime | None = None,
    urgent: bool = False,
    buttons: list[list[Button]] | None = None,
    quiet_exempt_before: datetime | None = None,
    timezone: str = MOSCOW,
    batch: str | None = None,
    extra: dict[str, Any] | None = None,
    edit_message_id: int | None = None,
) -> bool:
    """Queue one message; a key seen before is silently ignored (returns False).
    With `edit_message_id` the worker edits that message of the chat instead of sending a new one."""
    payload: dict[str, Any] = {"text": text, **(extra or {})}
    if edit_message_id is not None:
        payload["edit"] = edit_message_id
    if buttons:
        payload["buttons"] = buttons
    result = await session.execute(
        dialect_insert(session, OutboxMessage)
        .values(
            idempotency_key=key[:200],
            chat_id=chat_id,
            purpose=purpose,
            payload=payload,
            due_at=due_at or utcnow(),
            urgent=urgent,
            quiet_exempt_before=quiet_exempt_before,
            timezone=timezone,
            status=OutboxStatus.pending,
            attempts=0,
            batch=batch,
            created_at=utcnow(),
        )
        .on_conflict_do_nothing(index_elements=[OutboxMessage.idempotency_key])
    )
    return bool(result.rowcount)


async def tell(session: AsyncSession, user: User | None, *, key: str, purpose: str, text: str, **message: Any) -> bool:
    """One message to a person, in their time zone (`message`: enqueue's other options). Nothing, and
    False, for someone who is not there or erased their data (no Telegram id left)."""
    if user is None or user.telegram_id is None:
        return False
    return await enqueue(
        session, key=key, chat_id=user.telegram_id, purpose=purpose, text=text, timezone=user.timezone, **message
    )


async def enqueue_latest(session: AsyncSession, *, series: str, version: str, **message: Any) -> bool:
    """One message of a series where only the newest matters (a live progress screen): whatever of
    the series is still pending is withdrawn, and this one is queued under `series:version`."""
    await cancel_pending(session, f"{series}:")
    return await enqueue(session, key=f"{series}:{version}", **message)


async def enqueue_many(session: AsyncSession, rows: list[dict[str, Any]], chunk: int = 1000) -> int:
    """Bulk enqueue (e.g. a broadcast): each row has key, chat_id, purpose, payload and may have
    due_at, urgent, timezone, batch. Keys seen before are skipped; returns how many were new."""
    now, added = utcnow(), 0
    for start in range(0, len(rows), chunk):
        values = [
            {
                "idempotency_key": row["key"][:200],
                "chat_id": row["chat_id"],
                "purpose": row["purpose"],
                "payload": row["payload"],
                "due_at": row.get("due_at") or now,
                "urgent": row.get("urgent", False),
                "quiet_exempt_before": None,
                "timezone": row.get("timezone", MOSCOW),
                "status": OutboxStatus.pending,
                "attempts": 0,
                "batch": row.get("batch"),
                "created_at": now,
            }
            for row in rows[start : start + chunk]
        ]
        result = await session.execute(
            dialect_insert(session, OutboxMessage)
            .values(values)
            .on_conflict_do_nothing(index_elements=[OutboxMessage.idempotency_key])
        )
        added += result.rowcount or 0
    return added


async def cancel_pending(session: AsyncSession, key_prefix: str) -> int:
    """Withdraw messages not yet sent (e.g. reminders of a cancelled registration)."""
    result = await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.idempotency_key.startswith(key_prefix, autoescape=True),
            OutboxMessage.status == OutboxStatus.pending,
        )
        .values(status=OutboxStatus.cancelled)
    )
    return result.rowcount or 0


# A payload whose text is gone: what a delivered message keeps after its retention period, and
# what erasure leaves of a message that named the erased person. The row itself stays: its
# idempotency key keeps the event from being sent twice, its status counts in reports.
BLANK: dict[str, Any] = {}
FINISHED = (OutboxStatus.sent, OutboxStatus.failed, OutboxStatus.blocked, OutboxStatus.cancelled)


def stored_forms(texts: list[str]) -> set[str]:
    """How these texts may appear inside a stored JSON document: as they are, and with non-ASCII
    characters escaped as \\uXXXX (Python's json.dumps, hence SQLite and PostgreSQL's json here)."""
    return {form for text in texts if text for form in (text, json.dumps(text)[1:-1])}


def _stored_payload() -> Any:
    return cast(OutboxMessage.payload, Text)


async def forget_sent_payloads(session: AsyncSession, before: datetime) -> int:
    """Retention: the payloads of messages finished (sent, failed, blocked, cancelled) before
    `before` are blanked; a delivered text needs no copy in the database."""
    result = await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.status.in_(FINISHED),
            func.coalesce(OutboxMessage.sent_at, OutboxMessage.due_at) < before,
            _stored_payload() != json.dumps(BLANK),
        )
        .values(payload=BLANK)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


async def forget_mentions(session: AsyncSession, texts: list[str]) -> int:
    """Erasure: every message that contains one of `texts` (a person's name as it was written into
    messages) is blanked, whoever it was for, and withdrawn if not sent yet. JSON is stored with
    non-ASCII characters escaped (\\uXXXX) by some backends and as is by others: both are matched."""
    forms = stored_forms(texts)
    if not forms:
        return 0
    mentioning = or_(*(_stored_payload().contains(form, autoescape=True) for form in forms))
    await session.execute(
        update(OutboxMessage)
        .where(mentioning, OutboxMessage.status.in_([OutboxStatus.pending, OutboxStatus.sending]))
        .values(status=OutboxStatus.cancelled, lease_until=None)
        .execution_options(synchronize_session=False)
    )
    result = await session.execute(
        update(OutboxMessage).where(mentioning).values(payload=BLANK).execution_options(synchronize_session=False)
    )
    return result.rowcount or 0
