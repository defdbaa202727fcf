"""Methodists' broadcasts: a draft holds the methodist's own message (copied to recipients as
written) and an audience filter; starting it puts one outbox row per recipient (batch
f"broadcast:{id}", key f"broadcast:{id}:{user_id}", so a repeated start sends nobody twice).
Delivery is the outbox's job; progress and the final report are counted from those rows."""

import re
from datetime import datetime
from html import unescape

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.broadcasts import audience
from bot.services.shared import audit, outbox, roles
from bot.services.shared.errors import AccessDenied, InvalidInput, NotFound
from bot.services.shared.roles import Identity
from models import Broadcast, BroadcastStatus, OutboxMessage, OutboxStatus

PREVIEW_LEN = 80
REFUSED = {
    BroadcastStatus.scheduled: "Рассылка уже запланирована. Её можно только отменить.",
    BroadcastStatus.sending: "Рассылка уже отправляется.",
    BroadcastStatus.done: "Рассылка уже завершена.",
    BroadcastStatus.cancelled: "Рассылка отменена.",
    BroadcastStatus.draft: "Рассылка ещё не запущена.",
}


def batch_of(broadcast_id: int) -> str:
    return f"broadcast:{broadcast_id}"


TAG = re.compile(r"<[^>]+>")


def preview_of(text: str | None, fallback: str = "", *, html: bool = False) -> str:
    """A short plain-text line to recognise the broadcast by in lists and the audit log."""
    if html and text:
        text = unescape(TAG.sub("", text))
    line = " ".join((text or "").split())
    if not line:
        return fallback
    return line if len(line) <= PREVIEW_LEN else line[: PREVIEW_LEN - 1].rstrip() + "…"


async def get(
    session: AsyncSession, identity: Identity, broadcast_id: int, *allowed: BroadcastStatus, lock: bool = False
) -> Broadcast:
    """The broadcast, if this methodist wrote it (admins reach all). Ids come from buttons."""
    roles.require_methodist(identity)
    query = select(Broadcast).where(Broadcast.id == broadcast_id)
    if lock:  # fresh attributes too: the row may already sit in this session's identity map
        query = query.with_for_update().execution_options(populate_existing=True)
    broadcast = await session.scalar(query)
    if broadcast is None:
        raise NotFound("Рассылка не найдена.")
    if broadcast.author_telegram_id != identity.telegram_id and not identity.is_admin:
        raise AccessDenied("Это не ваша рассылка.")
    if allowed and broadcast.status not in allowed:
        raise InvalidInput(REFUSED[broadcast.status])
    return broadcast


async def create(
    session: AsyncSession,
    identity: Identity,
    chat_id: int,
    message_id: int,
    preview: str,
    *,
    spec: dict | None = None,
    buttons: list | None = None,
    event_id: int | None = None,
) -> Broadcast:
    roles.require_methodist(identity)
    broadcast = Broadcast(
        author_telegram_id=identity.telegram_id,
        source_chat_id=chat_id,
        source_message_id=message_id,
        preview=preview,
        audience=audience.normalize(spec),
        buttons=buttons,
        event_id=event_id,
        status=BroadcastStatus.draft,
        recipients=0,
    )
    session.add(broadcast)
    await session.flush()
    await audit.record(
        session,
        identity.telegram_id,
        "broadcast.create",
        f"broadcast:{broadcast.id}",
        preview=preview_of(preview),
        event=event_id,
    )
    return broadcast


async def replace_source(
    session: AsyncSession,
    identity: Identity,
    broadcast_id: int,
    chat_id: int,
    message_id: int,
    preview: str | None = None,
) -> Broadcast:
    """Point a draft at another message (a rewritten text, or the announcement the bot just sent)."""
    broadcast = await get(session, identity, broadcast_id, BroadcastStatus.draft)
    broadcast.source_chat_id, broadcast.source_message_id = chat_id, message_id
    if preview is not None:
        broadcast.preview = preview
    return broadcast


async def toggle(session: AsyncSession, identity: Identity, broadcast_id: int, dimension: str, value: str) -> Broadcast:
    broadcast = await get(session, identity, broadcast_id, BroadcastStatus.draft)
    broadcast.audience = await audience.toggle(session, identity, broadcast.audience, dimension, value)
    return broadcast


async def count(session: AsyncSession, identity: Identity, broadcast: Broadcast, now: datetime) -> int:
    return await audience.count(session, identity, broadcast.audience, now.year)


def _require_ready(broadcast: Broadcast) -> None:
    if not broadcast.source_message_id:
        raise InvalidInput("Сообщение рассылки ещё не готово: пришлите его заново.")


async def schedule(
    session: AsyncSession, identity: Identity, broadcast_id: int, when: datetime, now: datetime
) -> Broadcast:
    broadcast = await get(session, identity, broadcast_id, BroadcastStatus.draft, lock=True)
    _require_ready(broadcast)
    if when <= now:
        raise InvalidInput("Это время уже прошло. Укажите будущую дату и время.")
    if not await count(session, identity, broadcast, now):
        raise InvalidInput("По этому фильтру нет ни одного получателя. Измените аудиторию.")
    broadcast.status, broadcast.scheduled_at = BroadcastStatus.scheduled, when
    await audit.record(
        session,
        identity.telegram_id,
        "broadcast.schedule",
        f"broadcast:{broadcast.id}",
        at=when.isoformat(),
        audience=broadcast.audience,
    )
    return broadcast


async def start(session: AsyncSession, identity: Identity, broadcast_id: int, now: datetime) -> Broadcast:
    """Send now: one outbox row per recipient, written in this transaction."""
    broadcast = await get(session, identity, broadcast_id, BroadcastStatus.draft, lock=True)
    _require_ready(broadcast)
    if not await launch(session, identity, broadcast, now):
        raise InvalidInput("По этому фильтру нет ни одного получателя. Измените аудиторию.")
    return broadcast


async def launch(session: AsyncSession, identity: Identity, broadcast: Broadcast, now: datetime) -> int:
    """Enqueue the rows (keys already present are skipped) and mark the broadcast sending."""
    recipients = await audience.resolve(session, identity, broadcast.audience, now.year)
    if not recipients:
        return 0
    payload: dict = {"copy": {"from_chat_id": broadcast.source_chat_id, "message_id": broadcast.source_message_id}}
    if broadcast.buttons:
        payload["buttons"] = broadcast.buttons
    batch = batch_of(broadcast.id)
    await outbox.enqueue_many(
        session,
        [
            {
                "key": f"{batch}:{r.user_id}",
                "chat_id": r.telegram_id,
                "purpose": "broadcast",
                "payload": payload,
                "due_at": now,
                "timezone": r.timezone,
                "batch": batch,
            }
            for r in recipients
        ],
    )
    broadcast.status, broadcast.recipients = BroadcastStatus.sending, len(recipients)
    broadcast.scheduled_at = broadcast.scheduled_at or now
    await audit.record(
        session,
        identity.telegram_id,
        "broadcast.send",
        f"broadcast:{broadcast.id}",
        recipients=len(recipients),
        audience=broadcast.audience,
    )
    return len(recipients)


async def attach_progress(
    session: AsyncSession, identity: Identity, broadcast_id: int, chat_id: int, message_id: int
) -> None:
    """Remember the message the live progress is edited into."""
    broadcast = await get(session, identity, broadcast_id)
    broadcast.progress_chat_id, broadcast.progress_message_id = chat_id, message_id


async def cancel(session: AsyncSession, identity: Identity, broadcast_id: int, now: datetime) -> int:
    """Stop: rows not yet sent are withdrawn (the ones in flight still arrive). Returns how many."""
    broadcast = await get(
        session,
        identity,
        broadcast_id,
        BroadcastStatus.draft,
        BroadcastStatus.scheduled,
        BroadcastStatus.sending,
        lock=True,
    )
    withdrawn = await withdraw(session, broadcast, now)
    await audit.record(
        session, identity.telegram_id, "broadcast.cancel", f"broadcast:{broadcast.id}", withdrawn=withdrawn
    )
    return withdrawn


async def withdraw(session: AsyncSession, broadcast: Broadcast, now: datetime) -> int:
    table = OutboxMessage.__table__
    result = await session.execute(
        update(table)
        .where(table.c.batch == batch_of(broadcast.id), table.c.status == OutboxStatus.pending)
        .values(status=OutboxStatus.cancelled)
    )
    broadcast.status, broadcast.finished_at = BroadcastStatus.cancelled, now
    return result.rowcount or 0


async def recent(session: AsyncSession, identity: Identity, limit: int = 5) -> list[Broadcast]:
    """The author's latest started, scheduled or finished broadcasts (drafts are not listed)."""
    roles.require_methodist(identity)
    return list(
        await session.scalars(
            select(Broadcast)
            .where(Broadcast.author_telegram_id == identity.telegram_id, Broadcast.status != BroadcastStatus.draft)
            .order_by(Broadcast.id.desc())
            .limit(limit)
        )
    )
