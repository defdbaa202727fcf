"""Communities in monitoring (/stats and /report): who was a member at some moment of the period
(the building block indicator 7 and the "in at least one community" share use per teacher), and
the communities of a scope by kind with their members.

A membership counts for a period when it began before the period ended and had not ended before
it began (left_at keeps that history). Only communities placed inside the scope are listed; a
teacher of the scope counts as "in a community" whichever community it is (a region-wide
network community included)."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.communities.common import KIND_TITLES
from models import Community, CommunityKind, CommunityMeeting, CommunityMember, Event, EventStatus, Organization


def member_in_period(user_id, start_at: datetime, end_at: datetime, kind: CommunityKind | None = None):
    """EXISTS: the user was a member (of a community of this kind) during [start_at, end_at)."""
    during = and_(
        CommunityMember.user_id == user_id,
        CommunityMember.joined_at < end_at,
        or_(CommunityMember.left_at.is_(None), CommunityMember.left_at >= start_at),
    )
    if kind is None:
        return exists().where(during)
    return exists().where(during, Community.id == CommunityMember.community_id, Community.kind == kind)


@dataclass(frozen=True)
class KindTotal:
    kind: CommunityKind
    communities: int
    members: int  # distinct people who were members in the period
    meetings: int = 0  # meetings held in the period (their protocol saved)

    @property
    def title(self) -> str:
        return KIND_TITLES[self.kind]


@dataclass(frozen=True)
class CommunityStats:
    kinds: list[KindTotal]
    members: int  # teachers of the scope in at least one community during the period
    teachers: int

    @property
    def percent(self) -> float | None:
        return 100 * self.members / self.teachers if self.teachers else None


@dataclass(frozen=True)
class CommunityRow:
    title: str
    kind: str
    organization: str
    members: int
    archived: bool
    meetings: int = 0


def _alive(start_at: datetime, end_at: datetime):
    return and_(Community.created_at < end_at, or_(Community.archived_at.is_(None), Community.archived_at >= start_at))


def _members(start_at: datetime, end_at: datetime):
    return and_(
        CommunityMember.community_id == Community.id,
        CommunityMember.joined_at < end_at,
        or_(CommunityMember.left_at.is_(None), CommunityMember.left_at >= start_at),
    )


async def by_kind(session: AsyncSession, scope, start_at: datetime, end_at: datetime) -> list[KindTotal]:
    """scope: a CTE of (org_id, ...) rows, the monitoring's scope_cte."""
    placed = and_(Community.scope_org_id.in_(select(scope.c.org_id)), _alive(start_at, end_at))
    counts = dict(
        (await session.execute(select(Community.kind, func.count()).where(placed).group_by(Community.kind))).all()
    )
    people = dict(
        (
            await session.execute(
                select(Community.kind, func.count(func.distinct(CommunityMember.user_id)))
                .join(CommunityMember, _members(start_at, end_at))
                .where(placed)
                .group_by(Community.kind)
            )
        ).all()
    )
    held = dict(
        (
            await session.execute(
                select(Community.kind, func.count())
                .join(CommunityMeeting, CommunityMeeting.community_id == Community.id)
                .join(Event, Event.id == CommunityMeeting.event_id)
                .where(placed, _held(start_at, end_at))
                .group_by(Community.kind)
            )
        ).all()
    )
    return [
        KindTotal(CommunityKind(kind), int(counts.get(kind, 0)), int(people.get(kind, 0)), int(held.get(kind, 0)))
        for kind in CommunityKind
        if counts.get(kind)
    ]


def _held(start_at: datetime, end_at: datetime):
    return and_(Event.status == EventStatus.closed, Event.starts_at >= start_at, Event.starts_at < end_at)


async def rows(session: AsyncSession, scope, start_at: datetime, end_at: datetime) -> list[CommunityRow]:
    members = select(func.count()).select_from(CommunityMember).where(_members(start_at, end_at)).scalar_subquery()
    held = (
        select(func.count())
        .select_from(CommunityMeeting)
        .join(Event, Event.id == CommunityMeeting.event_id)
        .where(CommunityMeeting.community_id == Community.id, _held(start_at, end_at))
        .scalar_subquery()
    )
    found = await session.execute(
        select(Community, Organization.name, members, held)
        .join(Organization, Organization.id == Community.scope_org_id)
        .where(Community.scope_org_id.in_(select(scope.c.org_id)), _alive(start_at, end_at))
        .order_by(Community.kind, Community.title)
    )
    return [
        CommunityRow(c.title, KIND_TITLES[c.kind], org_name, int(n or 0), c.archived_at is not None, int(m or 0))
        for c, org_name, n, m in found
    ]
