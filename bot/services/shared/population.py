"""Who counts as a pedagogical worker: the one definition behind broadcast audiences, the
indicators' populations («Педагогов в зоне» and every denominator of domain.md §5) and the /report
workbook, and behind who may be suggested as a mentor.

The decision: the indicators measure the support the methodological service gives to teachers, so
the population is the people it supports, not the people who give it. A registered person counts
unless they
- hold the methodist role in the bot (a methodist does not receive her own announcement and is not
  «1 из 7» of the teachers she covers),
- have the position «Методист», or
- work in an organization of kind `other`: the organization directory marks methodological offices,
  services and centres so (`school` is an educational organization, see README).
Erased people keep their position and organization, so they stay in the aggregates as before."""

from sqlalchemy import ColumnElement, and_, exists, select

from models import Organization, OrgKind, Position, Role, RoleGrant, User


def pedagogical_worker() -> ColumnElement[bool]:
    """A condition on User: this person counts as a pedagogical worker."""
    return and_(
        User.position != Position.methodist,
        ~exists().where(RoleGrant.telegram_id == User.telegram_id, RoleGrant.role == Role.methodist),
        User.organization_id.in_(select(Organization.id).where(Organization.kind != OrgKind.other)),
    )
