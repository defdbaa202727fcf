"""A teacher's objective check of one area's self-assessment (domain.md §2, «Проверка самооценки»),
and the lesson review a teacher may ask for instead."""

import enum
from datetime import datetime

from sqlalchemy import JSON, BigInteger, Enum, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigIntPK, UTCDateTime, utcnow
from models.diagnosis import AttemptStatus


class ObjectiveCheck(Base):
    """One attempt at the tasks of one area. The state lives here, not in memory: a press after a
    restart finds the running check by its owner, and a button of an old question is stale."""

    __tablename__ = "objective_checks"
    __table_args__ = (Index("ix_objective_checks_user_status", "user_id", "status"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    area: Mapped[str] = mapped_column(String(8))  # "1".."8", a teacher area
    bank_version: Mapped[str] = mapped_column(String(32))
    # Codes of the tasks asked, in order, and the option number (1-based) chosen for each answered one.
    tasks: Mapped[list[str]] = mapped_column(JSON)
    answers: Mapped[list[int]] = mapped_column(JSON, default=list)
    status: Mapped[AttemptStatus] = mapped_column(
        Enum(AttemptStatus, native_enum=False, length=16), default=AttemptStatus.in_progress
    )
    # The self-assessment it is compared with: the latest completed diagnosis when the check started.
    diagnosis_attempt_id: Mapped[int | None] = mapped_column(ForeignKey("diagnosis_attempts.id", ondelete="SET NULL"))
    self_zone: Mapped[str | None] = mapped_column(String(16))
    correct: Mapped[int | None] = mapped_column(Integer)
    score: Mapped[int | None] = mapped_column(Integer)  # on the questionnaire's 0–15 area scale
    zone: Mapped[str | None] = mapped_column(String(16))  # the objective zone
    # The one message the questions are edited in; buttons from any other message are stale.
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ReviewRequestStatus(str, enum.Enum):
    open = "open"
    handled = "handled"


class LessonReviewRequest(Base):
    """A teacher asks for a lesson review (разбор урока) with a methodist or mentor instead of relying
    on the objective check (domain.md §2). A methodist of the teacher's scope marks it handled."""

    __tablename__ = "lesson_review_requests"
    __table_args__ = (Index("ix_lesson_review_requests_status", "status"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    areas: Mapped[list[str]] = mapped_column(JSON, default=list)  # teacher areas it is about; empty: not said
    status: Mapped[ReviewRequestStatus] = mapped_column(
        Enum(ReviewRequestStatus, native_enum=False, length=16), default=ReviewRequestStatus.open
    )
    # The teacher's id while the request is open, NULL once handled: one open request per teacher,
    # kept by the database (a double tap or a repeat finds it), while handled ones pile up freely.
    open_user_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    handled_by: Mapped[int | None] = mapped_column(BigInteger)  # the methodist's Telegram id
