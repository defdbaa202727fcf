import enum
from datetime import datetime

from sqlalchemy import JSON, BigInteger, Boolean, Enum, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigIntPK, UTCDateTime, utcnow


class Position(str, enum.Enum):
    teacher = "teacher"
    educator = "educator"
    additional_ed = "additional_ed"
    head = "head"
    deputy_head = "deputy_head"
    methodist = "methodist"
    other = "other"


class User(Base):
    """A registered person. Erasure blanks the personal fields but keeps the row for aggregates."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    # NULL once the user erased their data: the row then only feeds anonymous statistics.
    telegram_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    full_name: Mapped[str | None] = mapped_column(String(200))
    position: Mapped[Position] = mapped_column(Enum(Position, native_enum=False, length=24))
    subjects: Mapped[list[str]] = mapped_column(JSON, default=list)
    experience_years: Mapped[int | None] = mapped_column(Integer)
    birth_year: Mapped[int | None] = mapped_column(Integer)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id", ondelete="SET NULL"), index=True)
    timezone: Mapped[str] = mapped_column(String(64))
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    blocked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
