"""Progress and reports of broadcasts, counted from their outbox rows, and the periodic `tick`
that starts scheduled broadcasts, closes finished ones and queues the edits of progress messages.

The edits go through the outbox like every message to a chat other than the current update's:
one pending edit per broadcast (`outbox.enqueue_latest`), personal rows (no batch), so they pass
ahead of the broadcast itself. Nothing here is kept in memory: after a restart the next tick picks
up where the rows are."""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Iterable

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import broadcasts
from bot.services.shared import audit, outbox, roles
from bot.services.shared.timefmt import fmt
from models import Broadcast, BroadcastStatus, OutboxMessage, OutboxStatus, Role, User

PROGRESS_EVERY = timedelta(seconds=3)  # Telegram tolerates about one edit per second per chat
REPORT_WINDOW = timedelta(days=2)
BAR_CELLS = 10
STOP_LABEL = "⏹ Остановить рассылку"


def progress_buttons(broadcast_id: int) -> list[list[outbox.Button]]:
    return [[outbox.button(STOP_LABEL, "broadcast_stop", broadcast_id=broadcast_id)]]


@dataclass(frozen=True)
class Progress:
    total: int
    sent: int = 0
    blocked: int = 0
    failed: int = 0
    cancelled: int = 0
    waiting: int = 0  # pending or being sent
    held: int = 0  # pending with a later due time: quiet hours in the recipient's zone, or a retry

    @property
    def processed(self) -> int:
        return self.sent + self.blocked + self.failed


@dataclass(frozen=True)
class ProgressUpdate:
    broadcast_id: int
    chat_id: int
    message_id: int
    text: str
    final: bool  # a final report: no stop button
    notify: bool = False  # finished by itself: the author also gets the report as a new message


async def progress(session: AsyncSession, broadcast: Broadcast, now: datetime) -> Progress:
    table = OutboxMessage.__table__
    held = (table.c.status == OutboxStatus.pending) & (table.c.due_at > now)
    rows = (
        await session.execute(
            select(table.c.status, held.label("held"), func.count())
            .where(table.c.batch == broadcasts.batch_of(broadcast.id))
            .group_by(table.c.status, held)
        )
    ).all()
    by_status: Counter = Counter()
    held_count = 0
    for status, is_held, n in rows:
        by_status[OutboxStatus(status)] += n
        held_count += n if is_held else 0
    return Progress(
        total=broadcast.recipients or sum(by_status.values()),
        sent=by_status[OutboxStatus.sent],
        blocked=by_status[OutboxStatus.blocked],
        failed=by_status[OutboxStatus.failed],
        cancelled=by_status[OutboxStatus.cancelled],
        waiting=by_status[OutboxStatus.pending] + by_status[OutboxStatus.sending],
        held=held_count,
    )


def _n(value: int) -> str:
    return f"{value:,}".replace(",", " ")


def bar(done: int, total: int) -> str:
    share = done / total if total else 1.0
    filled = min(BAR_CELLS, int(share * BAR_CELLS + 1e-9))
    return f"{'▓' * filled}{'░' * (BAR_CELLS - filled)} {int(share * 100)}%"


def progress_text(broadcast: Broadcast, p: Progress, zone: str) -> str:
    """The progress message in the reader's zone (only a scheduled broadcast shows a time)."""
    if broadcast.status == BroadcastStatus.scheduled and broadcast.scheduled_at is not None:
        return f"📨 Рассылка №{broadcast.id} запланирована на {fmt(broadcast.scheduled_at, zone)}."
    return running_text(broadcast, p)


def running_text(broadcast: Broadcast, p: Progress) -> str:
    head = f"📨 Рассылка №{broadcast.id}"
    if broadcast.status in (BroadcastStatus.done, BroadcastStatus.cancelled):
        return report_text(broadcast, p)
    if broadcast.status == BroadcastStatus.draft:  # only a forged or stale button gets here
        return f"{head} ещё черновик: она никому не отправлена. Продолжить — /broadcast."
    lines = [f"{head}\nОтправлено {_n(p.processed)} из {_n(p.total)}", bar(p.processed, p.total)]
    if p.blocked or p.failed:
        lines.append(f"Не доставлено: заблокировали бота — {_n(p.blocked)}, ошибки — {_n(p.failed)}")
    if p.held:
        lines.append(f"Ждут окончания тихих часов или повтора: {_n(p.held)}")
    return "\n".join(lines)


def report_text(broadcast: Broadcast, p: Progress) -> str:
    verdict = "отменена" if broadcast.status == BroadcastStatus.cancelled else "завершена"
    lines = [
        f"📨 Рассылка №{broadcast.id} {verdict}.",
        f"Доставлено: {_n(p.sent)} из {_n(p.total)}",
        f"Заблокировали бота: {_n(p.blocked)}",
        f"Ошибки доставки: {_n(p.failed)}",
    ]
    if p.cancelled:
        lines.append(f"Не отправлено из-за отмены: {_n(p.cancelled)}")
    if p.waiting:
        lines.append(f"Ещё в пути: {_n(p.waiting)}")
    return "\n".join(lines)


async def tick(session: AsyncSession, now: datetime, admin_ids: Iterable[int] = ()) -> list[ProgressUpdate]:
    """Start due scheduled broadcasts, close finished ones, and queue the progress messages to
    edit now (each at most every PROGRESS_EVERY; a final report once); returns what was queued.
    Pass settings.admin_ids: an author who is an admin only through ADMIN_IDS keeps the right to send."""
    updates: list[ProgressUpdate] = []
    due = await session.scalars(
        select(Broadcast)
        .where(Broadcast.status == BroadcastStatus.scheduled, Broadcast.scheduled_at <= now)
        .with_for_update(skip_locked=True)
    )
    for broadcast in list(due):
        await _start_scheduled(session, broadcast, now, list(admin_ids))
    unreported = (
        Broadcast.status.in_((BroadcastStatus.done, BroadcastStatus.cancelled))
        & (Broadcast.finished_at > now - REPORT_WINDOW)
        & Broadcast.progress_message_id.is_not(None)
        & or_(Broadcast.progress_edited_at.is_(None), Broadcast.progress_edited_at < Broadcast.finished_at)
    )
    active = await session.scalars(
        select(Broadcast)
        .where(or_(Broadcast.status == BroadcastStatus.sending, unreported))
        .order_by(Broadcast.id)
        .with_for_update(skip_locked=True)
    )
    for broadcast in list(active):
        update = await _check(session, broadcast, now)
        if update is not None:
            await _queue(session, update, now)
            updates.append(update)
    return updates


async def _queue(session: AsyncSession, update: ProgressUpdate, now: datetime) -> None:
    # The edit is silent and the author is watching the screen: urgent, past quiet hours.
    await outbox.enqueue_latest(
        session,
        series=f"bcprogress:{update.broadcast_id}",
        version=now.isoformat(),
        chat_id=update.chat_id,
        purpose="broadcast_progress",
        text=update.text,
        urgent=True,
        edit_message_id=update.message_id,
        buttons=None if update.final else progress_buttons(update.broadcast_id),
    )
    if update.notify:
        # The report as a new message makes a sound: it waits for the morning in the author's zone.
        author = await session.scalar(select(User).where(User.telegram_id == update.chat_id))
        zone = {"timezone": author.timezone} if author is not None else {}
        await outbox.enqueue(
            session,
            key=f"bcreport:{update.broadcast_id}",
            chat_id=update.chat_id,
            purpose="broadcast_report",
            text=update.text,
            **zone,
        )


async def _start_scheduled(session: AsyncSession, broadcast: Broadcast, now: datetime, admin_ids: list[int]) -> None:
    author = await roles.load_identity(session, broadcast.author_telegram_id, admin_ids)
    if not author.is_admin and not author.scopes(Role.methodist):
        await broadcasts.withdraw(session, broadcast, now)
        await audit.record(session, None, "broadcast.cancel", f"broadcast:{broadcast.id}", reason="author lost role")
        return
    if not await broadcasts.launch(session, author, broadcast, now):
        broadcast.status, broadcast.finished_at = BroadcastStatus.done, now


async def _check(session: AsyncSession, broadcast: Broadcast, now: datetime) -> ProgressUpdate | None:
    p = await progress(session, broadcast, now)
    if broadcast.status == BroadcastStatus.sending and not p.waiting:
        broadcast.status, broadcast.finished_at = BroadcastStatus.done, now
    final = broadcast.status != BroadcastStatus.sending
    edited = broadcast.progress_edited_at
    if broadcast.progress_message_id is None or broadcast.progress_chat_id is None:
        return None
    if final and edited is not None and edited >= broadcast.finished_at:
        return None  # the report is already shown
    if not final and edited is not None and now - edited < PROGRESS_EVERY:
        return None
    broadcast.progress_edited_at = now
    return ProgressUpdate(
        broadcast.id,
        broadcast.progress_chat_id,
        broadcast.progress_message_id,
        running_text(broadcast, p),
        final,
        notify=broadcast.status == BroadcastStatus.done,
    )
