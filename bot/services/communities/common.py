"""Lookups and access rules shared by every community action. Ids come from buttons: each action
loads the community again and checks who may touch it."""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.shared import orgs
from bot.services.shared.errors import AccessDenied, InvalidInput, NotFound, NotRegistered
from bot.services.shared.roles import Identity
from models import Community, CommunityKind, CommunityMember, MemberStatus, OrgKind, User

KIND_TITLES = {
    CommunityKind.school_mo: "Школьное МО",
    CommunityKind.municipal_mo: "Муниципальное МО",
    CommunityKind.network: "Сетевое сообщество",
    CommunityKind.young: "Сообщество молодых педагогов",
}
# Which organizations may be a community's scope: a school МО lives in one organization, a
# municipal МО and the young teachers' community in a municipality, a network community anywhere.
KIND_SCOPES = {
    CommunityKind.school_mo: (OrgKind.school, OrgKind.other),
    CommunityKind.municipal_mo: (OrgKind.municipality,),
    CommunityKind.network: (OrgKind.region, OrgKind.municipality, OrgKind.school, OrgKind.other),
    CommunityKind.young: (OrgKind.municipality, OrgKind.region),
}
NOT_FOUND = "Сообщество не найдено."
NOT_YOURS = "Вы не руководите этим сообществом."
ARCHIVED = "Сообщество в архиве: в нём ничего нельзя изменить."
TITLE_MAX, DESCRIPTION_MAX = 120, 1000


def parse_kind(value: str) -> CommunityKind:
    try:
        return CommunityKind(value)
    except ValueError:
        raise InvalidInput("Неизвестный вид сообщества.") from None


async def get(session: AsyncSession, community_id: int) -> Community:
    community = await session.get(Community, community_id)
    if community is None:
        raise NotFound(NOT_FOUND)
    return community


async def membership(session: AsyncSession, community_id: int, user_id: int) -> CommunityMember | None:
    return await session.scalar(
        select(CommunityMember).where(CommunityMember.community_id == community_id, CommunityMember.user_id == user_id)
    )


async def member_count(session: AsyncSession, community_id: int) -> int:
    return (
        await session.scalar(
            select(func.count())
            .select_from(CommunityMember)
            .where(CommunityMember.community_id == community_id, CommunityMember.status == MemberStatus.active)
        )
        or 0
    )


async def leaders(session: AsyncSession, community_id: int) -> list[User]:
    rows = await session.scalars(
        select(User)
        .join(CommunityMember, CommunityMember.user_id == User.id)
        .where(
            CommunityMember.community_id == community_id,
            CommunityMember.status == MemberStatus.active,
            CommunityMember.is_leader.is_(True),
        )
        .order_by(User.full_name, User.id)
    )
    return list(rows)


@dataclass(frozen=True)
class Rights:
    """What this person may do in this community: run it as the methodist of its scope, lead it,
    or neither (a member or a visitor)."""

    community: Community
    methodist: bool
    leader: bool

    @property
    def manages(self) -> bool:
        return self.methodist or self.leader


async def rights(session: AsyncSession, identity: Identity, community_id: int) -> Rights:
    community = await get(session, community_id)
    methodist = await identity.scope.covers(session, community.scope_org_id)
    leader = False
    if identity.user is not None:
        mine = await membership(session, community.id, identity.user.id)
        leader = mine is not None and mine.status == MemberStatus.active and mine.is_leader
    return Rights(community, methodist, leader)


async def require_manager(session: AsyncSession, identity: Identity, community_id: int) -> Rights:
    """A leader of this very community or the methodist of its scope; an archived one is read-only."""
    found = await rights(session, identity, community_id)
    if not found.manages:
        raise AccessDenied(NOT_YOURS)
    if found.community.archived_at is not None:
        raise InvalidInput(ARCHIVED)
    return found


async def require_methodist(session: AsyncSession, identity: Identity, community_id: int) -> Community:
    """Only the methodist of the community's scope (or an admin) edits it, archives it, appoints leaders."""
    community = await get(session, community_id)
    if not await identity.scope.covers(session, community.scope_org_id):
        raise AccessDenied(orgs.OUT_OF_SCOPE)
    return community


async def require_user(identity: Identity) -> User:
    if identity.user is None or identity.user.erased_at is not None:
        raise NotRegistered()
    return identity.user
