"""Exchange of experience: practices teachers share (moderated, visible within a chosen scope) and
their use by colleagues; open lessons and the visits booked to them."""

import enum
from datetime import datetime

from sqlalchemy import JSON, BigInteger, Enum, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigIntPK, UTCDateTime, utcnow


class PracticeStatus(str, enum.Enum):
    pending = "pending"  # waiting for a methodist
    returned = "returned"  # sent back with a comment; the author fixes and resubmits
    approved = "approved"


class Practice(Base):
    __tablename__ = "practices"
    __table_args__ = (Index("ix_practices_status_visibility", "status", "visibility_org_id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The author's organization when submitted: whose methodists moderate it.
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200))
    areas: Mapped[list[str]] = mapped_column(JSON, default=list)  # teacher areas "1".."8"
    items: Mapped[list[str]] = mapped_column(JSON, default=list)  # questionnaire item codes, e.g. "3.2"
    subject: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(16))  # noo | ooo | soo | any
    description: Mapped[str] = mapped_column(Text)
    material_kind: Mapped[str | None] = mapped_column(String(16))  # document | photo | link
    material_ref: Mapped[str | None] = mapped_column(String(500))  # Telegram file_id or the URL
    material_name: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[PracticeStatus] = mapped_column(Enum(PracticeStatus, native_enum=False, length=16))
    # Counts submissions, so each one's moderation notice has its own idempotency key.
    revision: Mapped[int] = mapped_column(Integer, default=1)
    visibility: Mapped[str | None] = mapped_column(String(16))  # school | municipality | region
    visibility_org_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id", ondelete="SET NULL"))
    moderator_comment: Mapped[str | None] = mapped_column(String(1000))
    moderated_by: Mapped[int | None] = mapped_column(BigInteger)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PracticeUse(Base):
    """A teacher took a practice into their route; `applied_at` once they report applying it."""

    __tablename__ = "practice_uses"
    __table_args__ = (UniqueConstraint("practice_id", "user_id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practices.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    step_id: Mapped[int | None] = mapped_column(ForeignKey("route_steps.id", ondelete="SET NULL"))
    reflection: Mapped[str | None] = mapped_column(String(2000))
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PracticeQuestion(Base):
    """A colleague's question to a practice's author, relayed by the bot (neither sees the other's
    account); the author answers once, through the bot too."""

    __tablename__ = "practice_questions"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practices.id", ondelete="CASCADE"), index=True)
    asker_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(String(1000))
    answer: Mapped[str | None] = mapped_column(String(1000))
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
