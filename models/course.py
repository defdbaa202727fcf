"""Professional development courses (повышение квалификации) a teacher completed or attends."""

import enum
from datetime import date, datetime

from sqlalchemy import BigInteger, Boolean, Date, Enum, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigIntPK, UTCDateTime, utcnow


class CourseStatus(str, enum.Enum):
    in_progress = "in_progress"  # the teacher still attends it; not sent for verification yet
    pending = "pending"  # completed, waiting for a methodist of the teacher's scope
    returned = "returned"  # sent back with a reason; the teacher corrects and resubmits
    verified = "verified"  # counts in the indicators and completes the matching ИОМ step


class CourseForm(str, enum.Enum):
    in_person = "in_person"  # очно
    distance = "distance"  # дистанционно


class CourseRecord(Base):
    __tablename__ = "course_records"
    __table_args__ = (
        Index("ix_course_records_user_status", "user_id", "status"),
        Index("ix_course_records_status_end", "status", "end_date"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(300))
    provider: Mapped[str] = mapped_column(String(300))
    hours: Mapped[int] = mapped_column(Integer)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)  # planned end while in progress
    form: Mapped[CourseForm] = mapped_column(Enum(CourseForm, native_enum=False, length=16))
    frdpp: Mapped[bool] = mapped_column(Boolean, default=False)  # the programme is in ФР ДПП
    frdpp_number: Mapped[str | None] = mapped_column(String(64))
    area: Mapped[str | None] = mapped_column(String(8))  # the competency area it develops
    step_id: Mapped[int | None] = mapped_column(ForeignKey("route_steps.id", ondelete="SET NULL"))
    certificate_file_id: Mapped[str | None] = mapped_column(String(200))  # Telegram file_id
    certificate_kind: Mapped[str | None] = mapped_column(String(16))  # photo | document
    status: Mapped[CourseStatus] = mapped_column(Enum(CourseStatus, native_enum=False, length=16))
    return_reason: Mapped[str | None] = mapped_column(String(500))
    source: Mapped[str] = mapped_column(String(16), default="teacher")  # teacher | import
    verified_by: Mapped[int | None] = mapped_column(BigInteger)  # the methodist's telegram id
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
