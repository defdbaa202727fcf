"""The one outbox every message the bot sends on its own goes through (design.md §3)."""

import enum
from datetime import datetime

from sqlalchemy import JSON, BigInteger, Boolean, Enum, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigIntPK, UTCDateTime, utcnow


class OutboxStatus(str, enum.Enum):
    pending = "pending"
    sending = "sending"  # claimed by a worker until lease_until; an expired lease is re-claimed
    sent = "sent"
    failed = "failed"  # gave up after retries: visible to methodists
    blocked = "blocked"  # the recipient blocked the bot or deleted the chat: never retried
    cancelled = "cancelled"  # no longer wanted (a cancelled registration, a cancelled broadcast)


class OutboxMessage(Base):
    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_due_at", "status", "due_at"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    # e.g. "reminder:<registration>:<offset>": a second enqueue with the same key is a no-op.
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    purpose: Mapped[str] = mapped_column(String(32))
    # What to send: {"text", "buttons": [[{"text", "callback"|"callback_data"|"url"}]], "copy"|"edit"}
    # (see bot.services.shared.outbox)
    payload: Mapped[dict] = mapped_column(JSON)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Urgent messages ignore quiet hours; others wait for the morning in the recipient's zone.
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    # Sent even in quiet hours if this moment (e.g. the event start) falls before they end.
    quiet_exempt_before: Mapped[datetime | None] = mapped_column(UTCDateTime)
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Moscow")
    status: Mapped[OutboxStatus] = mapped_column(
        Enum(OutboxStatus, native_enum=False, length=16), default=OutboxStatus.pending
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Groups rows of one broadcast or campaign for progress and cancellation.
    batch: Mapped[str | None] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
