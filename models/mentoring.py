"""Mentoring pairs of every kind the regulations name, check-ins, comments and step proposals."""

import enum
from datetime import date, datetime

from sqlalchemy import BigInteger, Date, Enum, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigIntPK, UTCDateTime, utcnow


class PairType(str, enum.Enum):
    young_specialist = "young_specialist"  # наставник — молодой специалист
    subject = "subject"  # по предмету
    competency = "competency"  # владеющий компетенцией → испытывающий дефицит
    managerial = "managerial"  # менторство для руководителей


class PairStatus(str, enum.Enum):
    active = "active"
    ended = "ended"


class MentorPair(Base):
    __tablename__ = "mentor_pairs"
    __table_args__ = (
        Index("ix_mentor_pairs_mentor_status", "mentor_id", "status"),
        Index("ix_mentor_pairs_mentee_status", "mentee_id", "status"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    mentee_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    type: Mapped[PairType] = mapped_column(Enum(PairType, native_enum=False, length=24))
    goal: Mapped[str] = mapped_column(String(500))
    starts_on: Mapped[date] = mapped_column(Date)
    planned_end: Mapped[date] = mapped_column(Date)
    cadence_days: Mapped[int] = mapped_column(Integer, default=14)
    status: Mapped[PairStatus] = mapped_column(
        Enum(PairStatus, native_enum=False, length=16), default=PairStatus.active
    )
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    mentor_review: Mapped[str | None] = mapped_column(Text)
    mentee_review: Mapped[str | None] = mapped_column(Text)
    # Highest escalation already raised for the current silence: 0 none, 1 school, 2 municipality.
    escalation_level: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CheckIn(Base):
    __tablename__ = "mentor_checkins"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    pair_id: Mapped[int] = mapped_column(ForeignKey("mentor_pairs.id", ondelete="CASCADE"), index=True)
    held_on: Mapped[date] = mapped_column(Date)
    discussed: Mapped[str] = mapped_column(Text)
    next_steps: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RouteComment(Base):
    """A mentor's comment on a mentee's route or on one step of it."""

    __tablename__ = "route_comments"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    route_id: Mapped[int] = mapped_column(ForeignKey("routes.id", ondelete="CASCADE"), index=True)
    step_id: Mapped[int | None] = mapped_column(ForeignKey("route_steps.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ProposalStatus(str, enum.Enum):
    pending = "pending"
    accepted = "accepted"
    declined = "declined"


class StepProposal(Base):
    """A step a mentor suggests; it joins the mentee's route once the mentee accepts."""

    __tablename__ = "step_proposals"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    pair_id: Mapped[int] = mapped_column(ForeignKey("mentor_pairs.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    deadline: Mapped[date] = mapped_column(Date)
    status: Mapped[ProposalStatus] = mapped_column(
        Enum(ProposalStatus, native_enum=False, length=16), default=ProposalStatus.pending
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
