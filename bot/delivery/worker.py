"""The delivery loop: drain due outbox rows through the pacer and record each outcome.

Outcomes are written in small batches every fraction of a second, so a crash repeats at most
the sends that were in flight or not yet recorded (their lease expires and they are re-claimed).
While the process lives, the rows it holds are its own: it does not claim them again, and it
renews their leases however long a 429 pause or the pacing queue keeps them waiting.
"""

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
)
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.delivery import store
from bot.delivery.pacing import Pacer
from bot.delivery.quiet import parse_quiet_hours
from bot.infra import metrics
from models import OutboxStatus, utcnow

log = logging.getLogger(__name__)
GONE_MARKERS = ("chat not found", "user is deactivated", "bot was blocked", "peer_id_invalid")
MAX_RETRY_AFTER_IN_RUN = 5


@dataclass(frozen=True)
class DeliveryConfig:
    rate_per_s: float = 25.0
    per_chat_interval_s: float = 1.0
    quiet_hours: str = "21:00-08:00"
    batch: int = 200
    lease: timedelta = timedelta(seconds=120)
    max_attempts: int = 5
    max_in_flight: int = 128
    flush_every_s: float = 0.2


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(3600, 10 * 2**attempts))


CallbackPacker = Callable[[dict], str]  # {"kind": ..., **fields} -> callback_data


def refuse_to_pack(spec: dict) -> str:
    raise LookupError(f"no CallbackData registered for button kind {spec.get('kind')!r}")


def markup_of(rows: list | None, pack: CallbackPacker = refuse_to_pack) -> InlineKeyboardMarkup | None:
    """Outbox button rows as a keyboard; a neutral {"callback": {...}} button is packed by `pack`
    (the handlers' registry, wired in by bot.app), a packed or url button is taken as it is."""
    if not rows:
        return None
    return InlineKeyboardMarkup(inline_keyboard=[[_button(spec, pack) for spec in row] for row in rows])


def _button(spec: dict, pack: CallbackPacker) -> InlineKeyboardButton:
    if "callback" in spec:
        return InlineKeyboardButton(text=spec["text"], callback_data=pack(spec["callback"]))
    return InlineKeyboardButton(**spec)


class DeliveryWorker:
    def __init__(
        self,
        bot: Bot,
        sessionmaker: async_sessionmaker[AsyncSession],
        config: DeliveryConfig,
        clock: Callable[[], datetime] = utcnow,
        pack_callback: CallbackPacker = refuse_to_pack,
    ) -> None:
        self.bot, self.sessionmaker, self.config, self.clock = bot, sessionmaker, config, clock
        self.pack_callback = pack_callback
        self.pacer = Pacer(config.rate_per_s, config.per_chat_interval_s)
        self._quiet = parse_quiet_hours(config.quiet_hours)
        self._outcomes: list[store.Outcome] = []
        self._held: set[int] = set()  # claimed by this worker, outcome not written yet
        self._leases_renewed_at = clock()
        self._stopping = False
        self.idle = asyncio.Event()
        self.idle.set()

    def stop(self) -> None:
        """Finish the messages already started; claim nothing new."""
        self._stopping = True

    async def run_once(self) -> int:
        """Drain everything due now; returns how many messages were attempted.

        The next batch is claimed as soon as the current one is paced out, while its last sends
        are still in flight, so a slow API never stalls the pipeline between batches."""
        attempted = 0
        self.idle.clear()
        stop_flushing = asyncio.Event()
        flusher = asyncio.create_task(self._flush_periodically(stop_flushing))
        in_flight = asyncio.Semaphore(self.config.max_in_flight)
        tasks: set[asyncio.Task] = set()

        def finished(task: asyncio.Task) -> None:
            tasks.discard(task)
            in_flight.release()

        try:
            while not self._stopping:
                claimed = await store.claim(
                    self.sessionmaker,
                    self.clock(),
                    self._batch_size(),
                    self.config.lease,
                    self._quiet,
                    frozenset(self._held),
                )
                if not claimed.messages:
                    break
                if not self._held:
                    self._leases_renewed_at = self.clock()
                self._held.update(message.id for message in claimed.messages)
                attempted += len(claimed.messages)
                for index, message in enumerate(claimed.messages):
                    if self._stopping:
                        self._release(claimed.messages[index:])
                        break
                    await in_flight.acquire()
                    await self.pacer.acquire(message.chat_id)
                    task = asyncio.create_task(self._send_one(message))
                    tasks.add(task)
                    task.add_done_callback(finished)
            if tasks:
                await asyncio.gather(*tasks)
        finally:
            # Never cancel a flush half-way: its outcomes would be lost and those rows sent again
            # once their lease expired. The flusher finishes its round and writes the rest.
            stop_flushing.set()
            await flusher
            self.idle.set()
        return attempted

    def _batch_size(self) -> int:
        # About two seconds of sending per claim: small enough to keep leases honest, large
        # enough that a paid 1000/s broadcast does not wait on the database between claims.
        return max(self.config.batch, int(self.config.rate_per_s * 2))

    async def _flush_periodically(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await asyncio.wait_for(stop.wait(), self.config.flush_every_s)
            except asyncio.TimeoutError:
                pass
            await self._flush()

    async def _flush(self) -> None:
        outcomes, self._outcomes = self._outcomes, []
        try:
            await store.record(self.sessionmaker, outcomes, self.clock())
        except Exception:
            log.exception("could not record %d delivery outcomes; they will be retried", len(outcomes))
        # Written, or lost with the failed write: either way no longer ours (a lost one's lease
        # runs out and it is sent again, the at-least-once case).
        self._held.difference_update(outcome.id for outcome in outcomes)
        await self._renew_leases()

    async def _renew_leases(self) -> None:
        now = self.clock()
        if not self._held or now - self._leases_renewed_at < self.config.lease / 3:
            return
        self._leases_renewed_at = now
        try:
            await store.renew_leases(self.sessionmaker, sorted(self._held), now + self.config.lease)
        except Exception:
            log.exception("could not renew the leases of %d outbox rows", len(self._held))

    async def _send_one(self, message: store.Claimed) -> None:
        attempts = message.attempts + 1
        for _ in range(MAX_RETRY_AFTER_IN_RUN):
            try:
                await self._send(message)
                self._outcomes.append(store.Outcome(message.id, OutboxStatus.sent, attempts, sent_at=self.clock()))
                metrics.count_send("sent")
                return
            except TelegramRetryAfter as exc:
                metrics.count_send("rate_limited")
                # Everyone waits, then this same message goes again; a 429 is not a failed attempt.
                self.pacer.pause(exc.retry_after)
                await self.pacer.acquire(message.chat_id)
            except (TelegramForbiddenError, TelegramNotFound) as exc:
                self._settle(message, OutboxStatus.blocked, attempts, exc)
                return
            except TelegramBadRequest as exc:
                gone = any(marker in exc.message.lower() for marker in GONE_MARKERS)
                self._settle(message, OutboxStatus.blocked if gone else OutboxStatus.failed, attempts, exc)
                return
            except (TelegramNetworkError, Exception) as exc:  # transient: retry later with backoff
                self._retry_later(message, attempts, exc)
                return
        self._retry_later(message, message.attempts, RuntimeError("rate limited repeatedly"))

    async def _send(self, message: store.Claimed) -> None:
        payload, markup = message.payload, markup_of(message.payload.get("buttons"), self.pack_callback)
        if "edit" in payload:
            try:
                await self.bot.edit_message_text(
                    text=payload["text"], chat_id=message.chat_id, message_id=payload["edit"], reply_markup=markup
                )
            except TelegramBadRequest as exc:
                if "not modified" not in exc.message:  # the screen already shows this text: done
                    raise
        elif "copy" in payload:
            # A broadcast goes out exactly as the methodist wrote it: formatting, photo, document.
            await self.bot.copy_message(
                message.chat_id, payload["copy"]["from_chat_id"], payload["copy"]["message_id"], reply_markup=markup
            )
        else:
            await self.bot.send_message(message.chat_id, payload["text"], reply_markup=markup)

    def _release(self, messages: list[store.Claimed]) -> None:
        """Hand back claims we will not send now (shutting down): due again at once."""
        now = self.clock()
        self._outcomes.extend(store.Outcome(m.id, OutboxStatus.pending, m.attempts, retry_at=now) for m in messages)

    def _settle(self, message: store.Claimed, status: OutboxStatus, attempts: int, exc: Exception) -> None:
        metrics.count_send(status.value)
        self._outcomes.append(store.Outcome(message.id, status, attempts, error=str(exc)[:500]))

    def _retry_later(self, message: store.Claimed, attempts: int, exc: Exception) -> None:
        if attempts >= self.config.max_attempts:
            log.warning("outbox %s failed for good after %d attempts: %s", message.id, attempts, exc)
            self._settle(message, OutboxStatus.failed, attempts, exc)
            return
        self._outcomes.append(
            store.Outcome(
                message.id,
                OutboxStatus.pending,
                attempts,
                error=str(exc)[:500],
                retry_at=self.clock() + backoff(attempts),
            )
        )
