"""Progress and reports of broadcasts, counted from their outbox rows, and the periodic `tick`
that starts scheduled broadcasts, closes finished ones and queues the edits of progress messages.

The edits go through the outbox like every message to a chat other than the current update's:
one pending edit per broadcast (`outbox.enqueue_latest`), personal rows (no batch), so they pass
ahead of the broadcast itself. Nothing here is kept in memory: after a restart the next tick picks
up where the rows are."""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Iterable

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery.quiet import quiet_until
from bot.services import broadcasts
from bot.services.shared import audit, outbox, roles
from bot.services.shared.timefmt import fmt
from models import Broadcast, BroadcastStatus, OutboxMessage, OutboxStatus, Role

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
    quiet: int = 0  # held for quiet hours in the recipient's zone (now, or moved past them already)
    retrying: int = 0  # pending with a later due time after a failed attempt
    quiet_end: time | None = None  # when quiet hours end, on every recipient's local clock

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


async def progress(
    session: AsyncSession, broadcast: Broadcast, now: datetime, quiet: tuple[time, time] | None = None
) -> Progress:
    """Counted from the broadcast's outbox rows. `quiet`: the delivery's quiet hours, so that rows
    the worker has not reached yet but will hold (their zone is in quiet hours now) count as held."""
    table = OutboxMessage.__table__
    # Each expression is built once and reused in GROUP BY: PostgreSQL matches the grouped
    # expressions to the selected ones only when their bind parameters are the same.
    later, retried = table.c.due_at > now, table.c.attempts > 0
    rows = (
        await session.execute(
            select(table.c.status, later.label("later"), retried.label("retried"), table.c.timezone, func.count())
            .where(table.c.batch == broadcasts.batch_of(broadcast.id))
            .group_by(table.c.status, later, retried, table.c.timezone)
        )
    ).all()
    by_status: Counter = Counter()
    held_quiet = retrying = 0
    for status, is_later, retried, zone, n in rows:
        by_status[OutboxStatus(status)] += n
        if OutboxStatus(status) != OutboxStatus.pending:
            continue
        if is_later and retried:
            retrying += n
        elif is_later or quiet_until(now, zone, quiet) is not None:
            held_quiet += n
    return Progress(
        total=broadcast.recipients or sum(by_status.values()),
        sent=by_status[OutboxStatus.sent],
        blocked=by_status[OutboxStatus.blocked],
        failed=by_status[OutboxStatus.failed],
        cancelled=by_status[OutboxStatus.cancelled],
        waiting=by_status[OutboxStatus.pending] + by_status[OutboxStatus.sending],
        quiet=held_quiet,
        retrying=retrying,
        quiet_end=quiet[1] if quiet else None,
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
    lines += quiet_lines(p)
    return "\n".join(lines)


def quiet_lines(p: Progress) -> list[str]:
    lines = []
    if p.quiet:
        when = f" — уйдут в {p.quiet_end:%H:%M} по местному времени получателей" if p.quiet_end else ""
        lines.append(f"Ждут окончания тихих часов: {_n(p.quiet)}{when}")
    if p.retrying:
        lines.append(f"Ждут повторной попытки: {_n(p.retrying)}")
    return lines


def report_text(broadcast: Broadcast, p: Progress) -> str:
    if broadcast.status == BroadcastStatus.cancelled and not broadcast.recipients:
        # Recipients are counted when sending starts: stopped before that, it reached nobody, and
        # «Доставлено: 0 из 0» would read like a failed delivery.
        return f"⏹ Рассылка №{broadcast.id} отменена до отправки: сообщение никому не отправлено."
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


async def tick(
    session: AsyncSession, now: datetime, admin_ids: Iterable[int] = (), quiet: tuple[time, time] | None = None
) -> list[ProgressUpdate]:
    """Start due scheduled broadcasts, close finished ones, and queue the progress messages to
    edit now (each at most every PROGRESS_EVERY; a final report once); returns what was queued.
    Pass settings.admin_ids: an author who is an admin only through ADMIN_IDS keeps the right to send,
    and the delivery's quiet hours: the progress says how many wait for them to end."""
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
        update = await _check(session, broadcast, now, quiet)
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


async def _start_scheduled(session: AsyncSession, broadcast: Broadcast, now: datetime, admin_ids: list[int]) -> None:
    author = await roles.load_identity(session, broadcast.author_telegram_id, admin_ids)
    if not author.is_admin and not author.scopes(Role.methodist):
        await broadcasts.withdraw(session, broadcast, now)
        await audit.record(session, None, "broadcast.cancel", f"broadcast:{broadcast.id}", reason="author lost role")
        return
    if not await broadcasts.launch(session, author, broadcast, now):
        broadcast.status, broadcast.finished_at = BroadcastStatus.done, now


async def _check(
    session: AsyncSession, broadcast: Broadcast, now: datetime, quiet: tuple[time, time] | None
) -> ProgressUpdate | None:
    p = await progress(session, broadcast, now, quiet)
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
    )
