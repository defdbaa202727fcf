import enum

from sqlalchemy import Boolean, Enum, ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigIntPK


class OrgKind(str, enum.Enum):
    region = "region"
    municipality = "municipality"
    school = "school"
    other = "other"


class Organization(Base):
    """A node of the region → municipality → organization tree."""

    __tablename__ = "organizations"
    __table_args__ = (UniqueConstraint("parent_id", "name"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id", ondelete="RESTRICT"), index=True)
    kind: Mapped[OrgKind] = mapped_column(Enum(OrgKind, native_enum=False, length=16))
    name: Mapped[str] = mapped_column(String(300))
    timezone: Mapped[str] = mapped_column(String(64))
    # Whether a teacher's ИОМ here waits for a mentor's or methodist's approval before it is active.
    route_approval_required: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Whether an open lesson offered here waits for the school's methodist or deputy head (issue 15).
    lesson_approval_required: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
