"""Versioned content (questionnaires, scoring, activity catalogue) and self-diagnosis attempts."""

import enum
from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigIntPK, UTCDateTime, utcnow


class ContentVersion(Base):
    """One loaded version of a content file. Attempts point at the version they were taken on,
    so replacing the questionnaire never rewrites old results."""

    __tablename__ = "content_versions"
    __table_args__ = (UniqueConstraint("kind", "checksum"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))  # a key of content.FILES: questionnaire_*, catalog, objective_tasks
    version: Mapped[str] = mapped_column(String(32))
    checksum: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict] = mapped_column(JSON)
    # The file as it was loaded, comments included: what /content gives back to edit and upload again.
    source: Mapped[str | None] = mapped_column(Text)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    loaded_by: Mapped[int | None] = mapped_column(BigInteger)
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ActivityForm(str, enum.Enum):
    formal = "formal"  # курсы ДПО
    non_formal = "non_formal"  # семинары, мастер-классы, стажировки, наставничество
    informal = "informal"  # самообразование


class Activity(Base):
    """An entry of the activity catalogue a route step can be built from."""

    __tablename__ = "activities"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)  # stable id from the catalogue file
    area: Mapped[str] = mapped_column(String(8), index=True)  # "1".."8" teacher areas, "L1".."L4" leader
    title: Mapped[str] = mapped_column(String(300))
    format: Mapped[str] = mapped_column(String(32))  # курс ДПО, вебинар, семинар, мастер-класс, ...
    form: Mapped[ActivityForm] = mapped_column(Enum(ActivityForm, native_enum=False, length=16))
    hours: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str | None] = mapped_column(String(500))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    added_by: Mapped[int | None] = mapped_column(BigInteger)  # NULL: from the catalogue file


class AttemptStatus(str, enum.Enum):
    in_progress = "in_progress"
    completed = "completed"
    abandoned = "abandoned"


class DiagnosisAttempt(Base):
    __tablename__ = "diagnosis_attempts"
    __table_args__ = (Index("ix_diagnosis_attempts_user_status", "user_id", "status"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    variant: Mapped[str] = mapped_column(String(16))  # teacher | leader
    content_version_id: Mapped[int] = mapped_column(ForeignKey("content_versions.id", ondelete="RESTRICT"))
    status: Mapped[AttemptStatus] = mapped_column(
        Enum(AttemptStatus, native_enum=False, length=16), default=AttemptStatus.in_progress
    )
    current_index: Mapped[int] = mapped_column(Integer, default=0)
    # The one message the questionnaire is edited in; buttons from any other message are stale.
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class DiagnosisAnswer(Base):
    __tablename__ = "diagnosis_answers"
    __table_args__ = (
        UniqueConstraint("attempt_id", "item_code"),
        CheckConstraint("value BETWEEN 0 AND 3", name="value_range"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("diagnosis_attempts.id", ondelete="CASCADE"))
    item_code: Mapped[str] = mapped_column(String(16))  # e.g. "3.2" or "L2.1"
    area: Mapped[str] = mapped_column(String(8))
    value: Mapped[int] = mapped_column(Integer)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class AreaResult(Base):
    """Per-area score and zone of a completed attempt, computed once with that attempt's rules."""

    __tablename__ = "area_results"
    __table_args__ = (UniqueConstraint("attempt_id", "area"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("diagnosis_attempts.id", ondelete="CASCADE"), index=True)
    area: Mapped[str] = mapped_column(String(8))
    score: Mapped[int] = mapped_column(Integer)
    max_score: Mapped[int] = mapped_column(Integer)
    # severe (выраженный дефицит) | partial (частичный) | norm (норма) | resource (ресурсная зона)
    zone: Mapped[str] = mapped_column(String(16))
    # Item codes answered 0: point deficits that enter the route even when the area is fine.
    point_deficits: Mapped[list[str]] = mapped_column(JSON, default=list)
