"""What a teacher sees and does: the communities open to them (their organization lies in the
community's scope), those matching their subjects or deficit areas first, member counts; joining
and leaving. A second tap on «join» changes nothing; the last leader cannot leave."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.communities.common import Rights, get, leaders, member_count, membership, rights
from bot.services.diagnosis.results import deficit_areas
from bot.services.shared import audit, orgs
from bot.services.shared.errors import AccessDenied, InvalidInput
from bot.services.shared.paging import window
from bot.services.shared.roles import Identity
from models import Community, CommunityMember, MemberStatus, User

PAGE_SIZE = 6
OUTSIDE = "Это сообщество открыто только педагогам своей школы или территории."
LAST_LEADER = (
    "Вы — единственный руководитель этого сообщества. Выйти можно, когда методист назначит другого руководителя."
)


@dataclass(frozen=True)
class Row:
    community: Community
    members: int
    matches: bool  # a subject or a deficit area of the teacher
    joined: bool


@dataclass(frozen=True)
class Listing:
    rows: list[Row]
    page: int
    pages: int


async def counts(session: AsyncSession, community_ids: list[int]) -> dict[int, int]:
    if not community_ids:
        return {}
    rows = await session.execute(
        select(CommunityMember.community_id, func.count())
        .where(CommunityMember.community_id.in_(community_ids), CommunityMember.status == MemberStatus.active)
        .group_by(CommunityMember.community_id)
    )
    return {community_id: n for community_id, n in rows}


async def _joined(session: AsyncSession, user_id: int) -> set[int]:
    rows = await session.scalars(
        select(CommunityMember.community_id).where(
            CommunityMember.user_id == user_id, CommunityMember.status == MemberStatus.active
        )
    )
    return set(rows)


async def open_to(session: AsyncSession, user: User) -> list[Community]:
    """Communities, not archived, whose scope contains the teacher's organization."""
    if user.organization_id is None:
        return []
    chain = [org.id for org in await orgs.lineage(session, user.organization_id)]
    rows = await session.scalars(
        select(Community).where(Community.scope_org_id.in_(chain), Community.archived_at.is_(None))
    )
    return list(rows)


def matches(community: Community, subjects: set[str], areas: set[str]) -> bool:
    return bool(subjects & set(community.subjects or ()) or areas & set(community.areas or ()))


async def listing(session: AsyncSession, user: User, page: int) -> Listing:
    """Joined ones first, then those matching the teacher's subjects or deficit areas, then the rest."""
    found = await open_to(session, user)
    subjects, areas = set(user.subjects or ()), await deficit_areas(session, user.id)
    joined = await _joined(session, user.id)
    members = await counts(session, [c.id for c in found])
    rows = [Row(c, members.get(c.id, 0), matches(c, subjects, areas), c.id in joined) for c in found]
    rows.sort(key=lambda r: (not r.joined, not r.matches, r.community.title.lower(), r.community.id))
    at = window(len(rows), page, PAGE_SIZE)
    return Listing(at.slice(rows), at.page, at.pages)


async def is_open_to(session: AsyncSession, community: Community, user: User) -> bool:
    return await orgs.is_within(session, user.organization_id, community.scope_org_id)


async def enter(
    session: AsyncSession, community: Community, user: User, now: datetime, *, source: str, leader: bool = False
) -> bool:
    """Make the user an active member; False when they already were (a repeated tap)."""
    row = await membership(session, community.id, user.id)
    if row is None:
        session.add(
            CommunityMember(
                community_id=community.id,
                user_id=user.id,
                status=MemberStatus.active,
                is_leader=leader,
                source=source,
                joined_at=now,
            )
        )
        await session.flush()
        return True
    changed = row.status != MemberStatus.active or (leader and not row.is_leader)
    if row.status != MemberStatus.active:
        row.status, row.joined_at, row.left_at, row.source = MemberStatus.active, now, None, source
    row.is_leader = row.is_leader or leader
    return changed


async def join(session: AsyncSession, user: User, community_id: int, now: datetime, source: str = "self") -> bool:
    community = await get(session, community_id)
    if community.archived_at is not None:
        raise InvalidInput("Сообщество в архиве: вступить в него нельзя.")
    if not await is_open_to(session, community, user):
        raise AccessDenied(OUTSIDE)
    joined = await enter(session, community, user, now, source=source)
    if joined:
        await audit.record(session, user.telegram_id, "community.join", f"community:{community.id}", source=source)
    return joined


async def other_leaders(session: AsyncSession, community_id: int, user_id: int) -> int:
    return (
        await session.scalar(
            select(func.count())
            .select_from(CommunityMember)
            .where(
                CommunityMember.community_id == community_id,
                CommunityMember.user_id != user_id,
                CommunityMember.status == MemberStatus.active,
                CommunityMember.is_leader.is_(True),
            )
        )
        or 0
    )


async def drop(session: AsyncSession, row: CommunityMember, now: datetime) -> None:
    row.status, row.left_at, row.is_leader = MemberStatus.left, now, False


async def leave(session: AsyncSession, user: User, community_id: int, now: datetime) -> bool:
    """False when they were not a member (a repeated tap)."""
    community = await get(session, community_id)
    row = await membership(session, community.id, user.id)
    if row is None or row.status != MemberStatus.active:
        return False
    if row.is_leader and not await other_leaders(session, community.id, user.id):
        raise InvalidInput(LAST_LEADER)
    await drop(session, row, now)
    await audit.record(session, user.telegram_id, "community.leave", f"community:{community.id}")
    return True


async def mine(session: AsyncSession, user: User) -> list[Community]:
    """The communities the person is an active member of (for /delete_me, the group gate, the card)."""
    rows = await session.scalars(
        select(Community)
        .join(CommunityMember, CommunityMember.community_id == Community.id)
        .where(CommunityMember.user_id == user.id, CommunityMember.status == MemberStatus.active)
        .order_by(Community.id)
    )
    return list(rows)


@dataclass(frozen=True)
class Card:
    rights: Rights
    scope_name: str
    members: int
    leaders: list[User]
    joined: bool


async def card(session: AsyncSession, identity: Identity, community_id: int) -> Card:
    """A community as this person may see it: open to them, theirs, or run by them."""
    found = await rights(session, identity, community_id)
    community, user = found.community, identity.user
    mine = await membership(session, community.id, user.id) if user is not None else None
    joined = mine is not None and mine.status == MemberStatus.active
    if not (found.manages or joined or (user is not None and await is_open_to(session, community, user))):
        raise AccessDenied(OUTSIDE)
    return Card(
        found,
        await orgs.display_name(session, community.scope_org_id),
        await member_count(session, community.id),
        await leaders(session, community.id),
        joined,
    )


async def require_member_view(session: AsyncSession, identity: Identity, community_id: int) -> Rights:
    """The member list is for members and for those who run the community."""
    found = await rights(session, identity, community_id)
    if found.manages:
        return found
    mine = await membership(session, community_id, identity.user.id) if identity.user is not None else None
    if mine is None or mine.status != MemberStatus.active:
        raise AccessDenied("Список участников видят участники сообщества.")
    return found
