"""Methodists' broadcasts: the source message, the audience filter and the live progress message."""

import enum
from datetime import datetime

from sqlalchemy import JSON, BigInteger, Enum, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigIntPK, UTCDateTime, utcnow


class BroadcastStatus(str, enum.Enum):
    draft = "draft"
    scheduled = "scheduled"
    sending = "sending"
    done = "done"
    cancelled = "cancelled"


class Broadcast(Base):
    __tablename__ = "broadcasts"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    author_telegram_id: Mapped[int] = mapped_column(BigInteger, index=True)
    # The methodist's own message, copied to recipients as written (copyMessage keeps formatting,
    # photos and documents).
    source_chat_id: Mapped[int] = mapped_column(BigInteger)
    source_message_id: Mapped[int] = mapped_column(BigInteger)
    preview: Mapped[str] = mapped_column(Text, default="")
    # Audience filter, always intersected with the author's scope: {"orgs": [...], "positions": [...], ...}
    audience: Mapped[dict] = mapped_column(JSON, default=dict)
    # Optional buttons under the copy, e.g. a sign-up button of an announced event.
    buttons: Mapped[list | None] = mapped_column(JSON)
    event_id: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[BroadcastStatus] = mapped_column(
        Enum(BroadcastStatus, native_enum=False, length=16), default=BroadcastStatus.draft
    )
    scheduled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recipients: Mapped[int] = mapped_column(Integer, default=0)
    progress_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    progress_message_id: Mapped[int | None] = mapped_column(BigInteger)
    progress_edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
