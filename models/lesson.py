"""Open lessons (взаимопосещение): a teacher offers a lesson, colleagues book a place, and each
visitor's observation card goes to the host."""

import enum
from datetime import datetime

from sqlalchemy import JSON, Enum, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigIntPK, UTCDateTime, utcnow


class LessonStatus(str, enum.Enum):
    pending = "pending"  # waits for approval where the school requires it
    planned = "planned"
    held = "held"
    cancelled = "cancelled"


class OpenLesson(Base):
    __tablename__ = "open_lessons"
    __table_args__ = (Index("ix_open_lessons_audience_status", "audience_org_id", "status", "starts_at"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    host_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id", ondelete="SET NULL"))  # the school
    # Who sees it: teachers under this organization (the school's municipality).
    audience_org_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id", ondelete="SET NULL"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    timezone: Mapped[str] = mapped_column(String(64))
    class_name: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str] = mapped_column(String(100))
    topic: Mapped[str] = mapped_column(String(200))
    areas: Mapped[list[str]] = mapped_column(JSON, default=list)
    capacity: Mapped[int] = mapped_column(Integer)
    status: Mapped[LessonStatus] = mapped_column(Enum(LessonStatus, native_enum=False, length=16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class VisitStatus(str, enum.Enum):
    booked = "booked"
    cancelled = "cancelled"


class LessonVisit(Base):
    __tablename__ = "lesson_visits"
    __table_args__ = (UniqueConstraint("lesson_id", "visitor_id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("open_lessons.id", ondelete="CASCADE"), index=True)
    visitor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[VisitStatus] = mapped_column(Enum(VisitStatus, native_enum=False, length=16))
    step_id: Mapped[int | None] = mapped_column(ForeignKey("route_steps.id", ondelete="SET NULL"))
    # The observation card: item code -> 0..3 as the host showed it; seen by the host only.
    ratings: Mapped[dict] = mapped_column(JSON, default=dict)
    takeaway: Mapped[str | None] = mapped_column(String(1000))
    question: Mapped[str | None] = mapped_column(String(1000))
    card_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
