"""Typed SQLAlchemy models; importing this package registers every table on `Base.metadata`."""

from models.access import AuditEntry, Invite, Role, RoleGrant
from models.base import Base, utcnow
from models.fsm import FsmRecord
from models.organization import OrgKind, Organization
from models.user import Position, User

__all__ = [
    "AuditEntry", "Base", "FsmRecord", "Invite", "OrgKind", "Organization", "Position", "Role",
    "RoleGrant", "User", "utcnow",
]
