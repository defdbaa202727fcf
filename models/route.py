"""The individual educational route (ИОМ) and its steps."""

import enum
from datetime import date, datetime

from sqlalchemy import BigInteger, Date, Enum, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigIntPK, UTCDateTime, utcnow


class RouteStatus(str, enum.Enum):
    draft = "draft"  # waiting for approval by a mentor or methodist
    approved = "approved"
    active = "active"
    completed = "completed"
    archived = "archived"  # replaced by a rebuilt route


class Route(Base):
    __tablename__ = "routes"
    __table_args__ = (Index("ix_routes_user_status", "user_id", "status"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    attempt_id: Mapped[int | None] = mapped_column(ForeignKey("diagnosis_attempts.id", ondelete="SET NULL"))
    status: Mapped[RouteStatus] = mapped_column(Enum(RouteStatus, native_enum=False, length=16))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    approved_by: Mapped[int | None] = mapped_column(BigInteger)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class StepStatus(str, enum.Enum):
    planned = "planned"
    done = "done"
    removed = "removed"


class RouteStep(Base):
    __tablename__ = "route_steps"
    __table_args__ = (
        Index("ix_route_steps_route_status", "route_id", "status"),
        Index("ix_route_steps_deadline", "status", "deadline"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    route_id: Mapped[int] = mapped_column(ForeignKey("routes.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    area: Mapped[str | None] = mapped_column(String(8))  # None for the teacher's own step
    deficit_kind: Mapped[str] = mapped_column(String(16))  # severe | partial | point | own
    item_code: Mapped[str | None] = mapped_column(String(16))  # the point deficit it answers
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activities.id", ondelete="SET NULL"))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    form: Mapped[str] = mapped_column(String(16))  # formal | non_formal | informal
    hours: Mapped[int | None] = mapped_column(Integer)
    task: Mapped[str] = mapped_column(Text, default="")
    expected_result: Mapped[str] = mapped_column(Text, default="")
    report_form: Mapped[str] = mapped_column(String(200), default="")
    deadline: Mapped[date] = mapped_column(Date)
    status: Mapped[StepStatus] = mapped_column(
        Enum(StepStatus, native_enum=False, length=16), default=StepStatus.planned
    )
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reflection: Mapped[str | None] = mapped_column(String(2000))
    evidence_file_id: Mapped[str | None] = mapped_column(String(200))
    evidence_kind: Mapped[str | None] = mapped_column(String(16))  # photo | document
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
