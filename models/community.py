"""Professional communities (domain.md §7): school and municipal методические объединения, network
communities and the young teachers' community, and who belongs to them."""

import enum
from datetime import datetime

from sqlalchemy import JSON, BigInteger, Boolean, Enum, ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigIntPK, UTCDateTime, utcnow


class CommunityKind(str, enum.Enum):
    school_mo = "school_mo"
    municipal_mo = "municipal_mo"
    network = "network"
    young = "young"


class Community(Base):
    __tablename__ = "communities"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    kind: Mapped[CommunityKind] = mapped_column(Enum(CommunityKind, native_enum=False, length=16))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    # The plan of work for the year (meetings and topics), as the leader or methodist wrote it.
    year_plan: Mapped[str] = mapped_column(Text, default="", server_default="")
    # A school, a municipality or the region: teachers whose organization lies under it may join.
    scope_org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="RESTRICT"), index=True)
    subjects: Mapped[list[str]] = mapped_column(JSON, default=list)
    areas: Mapped[list[str]] = mapped_column(JSON, default=list)  # competency area codes ("1".."8", "L1".."L4")
    # A subject МО that takes in the teachers of its subjects within its scope by itself.
    auto_by_subject: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The linked Telegram group (the bot is an admin there), if any.
    chat_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    # Its join-request link (creates_join_request): the bot approves only the community's members.
    invite_link: Mapped[str | None] = mapped_column(String(200))
    created_by: Mapped[int | None] = mapped_column(BigInteger)  # the methodist's telegram id
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MemberStatus(str, enum.Enum):
    active = "active"
    left = "left"


class CommunityMember(Base):
    """One person in one community. Leaving keeps the row (status left, left_at): the year's
    monitoring counts who was a member at some moment of the period."""

    __tablename__ = "community_members"
    __table_args__ = (UniqueConstraint("community_id", "user_id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[MemberStatus] = mapped_column(Enum(MemberStatus, native_enum=False, length=16))
    is_leader: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # How they came in: self (a button), added (by a leader or methodist), auto (subject rule), offer.
    source: Mapped[str] = mapped_column(String(16), default="self")
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime)
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CommunityMeeting(Base):
    """A meeting of a community: the event itself (date, place or link, agenda, sign-ups, reminders,
    attendance) lives in `events` (format mo_meeting); here is which community it belongs to and its
    protocol, a message of the leader's (decisions, next steps, a file) copied to the members."""

    __tablename__ = "community_meetings"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), unique=True)
    protocol_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    protocol_message_id: Mapped[int | None] = mapped_column(BigInteger)
    protocol_preview: Mapped[str | None] = mapped_column(Text)
    protocol_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
