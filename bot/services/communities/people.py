"""People in a community: the member list, the teachers of the scope a leader may add or a
methodist may appoint, adding, appointing and removing. A leader acts only in their own community
(common.require_manager), leaders are appointed and removed only by the methodist of the scope, the
last leader stays until replaced; whoever is added hears of it through the outbox."""

from datetime import datetime
from html import escape

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.communities import catalog
from bot.services.communities.common import KIND_TITLES, membership, require_manager, require_methodist
from bot.services.shared import audit, orgs, outbox
from bot.services.shared.errors import AccessDenied, InvalidInput, NotFound
from bot.services.shared.paging import window
from bot.services.shared.roles import Identity
from models import Community, CommunityMember, MemberStatus, User

PAGE_SIZE = 8


async def _teachers_in_scope(session: AsyncSession, community: Community):
    ids = await orgs.subtree_ids(session, community.scope_org_id)
    return select(User).where(User.organization_id.in_(ids), User.erased_at.is_(None), User.telegram_id.is_not(None))


async def members(session: AsyncSession, community_id: int, page: int) -> tuple[list[tuple[User, bool]], int, int]:
    """Active members (leaders first) as (user, is_leader), one page."""
    rows = (
        await session.execute(
            select(User, CommunityMember.is_leader)
            .join(CommunityMember, CommunityMember.user_id == User.id)
            .where(CommunityMember.community_id == community_id, CommunityMember.status == MemberStatus.active)
            .order_by(CommunityMember.is_leader.desc(), User.full_name, User.id)
        )
    ).all()
    at = window(len(rows), page, PAGE_SIZE)
    return [(user, leader) for user, leader in at.slice(rows)], at.page, at.pages


async def candidates(
    session: AsyncSession, identity: Identity, community_id: int, page: int, *, for_leader: bool
) -> tuple[Community, list[User], int, int]:
    """Registered teachers in the community's scope: not yet members (to add), or anyone not yet
    leading it (to appoint a leader, the methodist's choice)."""
    if for_leader:
        community = await require_methodist(session, identity, community_id)
    else:
        community = (await require_manager(session, identity, community_id)).community
    taken = select(CommunityMember.user_id).where(
        CommunityMember.community_id == community.id, CommunityMember.status == MemberStatus.active
    )
    if for_leader:  # any teacher of the scope may be appointed, a member or not, unless already leading
        taken = taken.where(CommunityMember.is_leader.is_(True))
    query = (await _teachers_in_scope(session, community)).where(User.id.not_in(taken))
    rows = list(await session.scalars(query.order_by(User.full_name, User.id)))
    at = window(len(rows), page, PAGE_SIZE)
    return community, at.slice(rows), at.page, at.pages


async def _person_in_scope(session: AsyncSession, community: Community, user_id: int) -> User:
    user = await session.get(User, user_id)
    if user is None or user.erased_at is not None or user.telegram_id is None:
        raise NotFound("Педагог не найден.")
    if not await orgs.is_within(session, user.organization_id, community.scope_org_id):
        raise AccessDenied(catalog.OUTSIDE)
    return user


async def add_member(session: AsyncSession, identity: Identity, community_id: int, user_id: int, now: datetime) -> bool:
    community = (await require_manager(session, identity, community_id)).community
    user = await _person_in_scope(session, community, user_id)
    if not await catalog.enter(session, community, user, now, source="added"):
        return False
    await audit.record(session, identity.telegram_id, "community.add", f"community:{community.id}", user=user.id)
    key = f"community:{community.id}:added:{user.id}:{now.isoformat()}"
    await outbox.tell(session, user, key=key, purpose="community", text=added_text(community))
    return True


async def appoint_leader(
    session: AsyncSession, identity: Identity, community_id: int, user_id: int, now: datetime
) -> bool:
    community = await require_methodist(session, identity, community_id)
    if community.archived_at is not None:
        raise InvalidInput("Сообщество в архиве: сначала верните его.")
    user = await _person_in_scope(session, community, user_id)
    if not await catalog.enter(session, community, user, now, source="added", leader=True):
        return False
    await audit.record(session, identity.telegram_id, "community.leader", f"community:{community.id}", user=user.id)
    key = f"community:{community.id}:leader:{user.id}:{now.isoformat()}"
    await outbox.tell(session, user, key=key, purpose="community", text=leader_text(community))
    return True


async def remove_member(
    session: AsyncSession, identity: Identity, community_id: int, user_id: int, now: datetime, *, only_lead: bool
) -> int | None:
    """Remove a member, or (only_lead) take away the leader's role; returns the person's telegram id,
    None when nothing changed. A leader is removed or demoted only by the methodist and only while
    another leader stays."""
    found = await require_manager(session, identity, community_id)
    row = await membership(session, found.community.id, user_id)
    if row is None or row.status != MemberStatus.active:
        return None
    if identity.user is not None and row.user_id == identity.user.id and not found.methodist:
        raise InvalidInput("Чтобы выйти самому, нажмите «Выйти» в карточке сообщества.")
    if row.is_leader:
        if not found.methodist:
            raise AccessDenied("Руководителя может снять только методист.")
        if not await catalog.other_leaders(session, found.community.id, user_id):
            raise InvalidInput("Это единственный руководитель: сначала назначьте другого.")
    elif only_lead:
        return None
    if only_lead:
        row.is_leader = False
    else:
        await catalog.drop(session, row, now)
    action = "community.unlead" if only_lead else "community.remove"
    await audit.record(session, identity.telegram_id, action, f"community:{found.community.id}", user=user_id)
    return (await session.get(User, user_id)).telegram_id


def added_text(community: Community) -> str:
    return (
        f"Вас включили в сообщество «{escape(community.title)}» ({KIND_TITLES[community.kind]}).\n"
        "Карточка, участники и объявления — /communities."
    )


def leader_text(community: Community) -> str:
    return f"Вы назначены руководителем сообщества «{escape(community.title)}». Управление — в /communities."
