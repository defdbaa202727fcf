"""A methodist's and a leader's changes: creating, editing and archiving a community (the
methodist of its scope), appointing leaders (the methodist, from registered teachers in scope),
adding and removing members (a leader of this community or the methodist). Everyone added hears
of it through the outbox."""

from dataclasses import dataclass
from datetime import datetime
from html import escape

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.communities import auto, catalog
from bot.services.communities.common import (
    DESCRIPTION_MAX,
    KIND_SCOPES,
    KIND_TITLES,
    TITLE_MAX,
    membership,
    require_manager,
    require_methodist,
)
from bot.services.onboarding.users import check_subjects
from bot.services.shared import audit, orgs, outbox, roles
from bot.services.shared.errors import AccessDenied, InvalidInput, NotFound
from bot.services.shared.labels import AREA_TITLES
from bot.services.shared.paging import window
from bot.services.shared.roles import Identity
from bot.services.shared.validation import clean_text
from models import Community, CommunityKind, CommunityMember, MemberStatus, User

PAGE_SIZE = 8
PLAN_MAX = 3000
AUTO_KINDS = (CommunityKind.school_mo, CommunityKind.municipal_mo)
WRONG_SCOPE = {
    CommunityKind.school_mo: "Школьное МО создаётся в школе: выберите организацию, а не территорию.",
    CommunityKind.municipal_mo: "Муниципальное МО создаётся для муниципалитета: выберите его.",
    CommunityKind.young: "Сообщество молодых педагогов создаётся для муниципалитета или региона.",
    CommunityKind.network: "Выберите организацию или территорию.",
}


@dataclass(frozen=True)
class Draft:
    kind: CommunityKind
    scope_org_id: int
    title: str
    description: str = ""
    subjects: tuple[str, ...] = ()
    auto_by_subject: bool = False
    areas: tuple[str, ...] = ()


async def check_scope(session: AsyncSession, identity: Identity, kind: CommunityKind, org_id: int) -> None:
    org = await identity.scope.org(session, org_id)
    if org.kind not in KIND_SCOPES[kind]:
        raise InvalidInput(WRONG_SCOPE[kind])


def check_areas(areas: tuple[str, ...]) -> list[str]:
    if any(area not in AREA_TITLES for area in areas):
        raise InvalidInput("Неизвестная область компетенций.")
    return [code for code in AREA_TITLES if code in areas]


def check_title(text: str | None) -> str:
    return clean_text(text, TITLE_MAX, "Название")


def check_description(text: str | None) -> str:
    value = clean_text(text, DESCRIPTION_MAX, "Описание")
    return "" if value == "-" else value


async def create(session: AsyncSession, identity: Identity, draft: Draft, now: datetime) -> tuple[Community, int]:
    """The community and how many teachers the subject rule took in at once."""
    roles.require_methodist(identity)
    await check_scope(session, identity, draft.kind, draft.scope_org_id)
    subjects = check_subjects(list(draft.subjects))
    if draft.auto_by_subject and (draft.kind not in AUTO_KINDS or not subjects):
        raise InvalidInput("Автоматический приём по предмету возможен только для МО с выбранными предметами.")
    community = Community(
        kind=draft.kind,
        scope_org_id=draft.scope_org_id,
        title=check_title(draft.title),
        description=check_description(draft.description) if draft.description else "",
        subjects=subjects,
        areas=check_areas(draft.areas),
        auto_by_subject=draft.auto_by_subject,
        created_by=identity.telegram_id,
    )
    session.add(community)
    await session.flush()
    await audit.record(
        session, identity.telegram_id, "community.create", f"community:{community.id}", kind=draft.kind.value
    )
    added = await auto.enroll_by_subject(session, community, now) if community.auto_by_subject else []
    return community, len(added)


async def edit(session: AsyncSession, identity: Identity, community_id: int, field: str, text: str | None) -> Community:
    community = await require_methodist(session, identity, community_id)
    if field == "title":
        community.title = check_title(text)
    elif field == "description":
        community.description = check_description(text)
    else:
        raise InvalidInput("Это поле нельзя изменить.")
    await audit.record(session, identity.telegram_id, "community.edit", f"community:{community.id}", field=field)
    return community


async def set_plan(session: AsyncSession, identity: Identity, community_id: int, text: str | None) -> Community:
    """The year's plan of work: the leader or the methodist writes it, members read it on the card."""
    community = (await require_manager(session, identity, community_id)).community
    community.year_plan = clean_text(text, PLAN_MAX, "План работы")
    await audit.record(session, identity.telegram_id, "community.plan", f"community:{community.id}")
    return community


async def set_archived(
    session: AsyncSession, identity: Identity, community_id: int, archived: bool, now: datetime
) -> Community:
    community = await require_methodist(session, identity, community_id)
    if (community.archived_at is not None) != archived:
        community.archived_at = now if archived else None
        action = "community.archive" if archived else "community.restore"
        await audit.record(session, identity.telegram_id, action, f"community:{community.id}")
    return community


async def in_scope(session: AsyncSession, identity: Identity, page: int) -> tuple[list[Community], int, int]:
    """The communities a methodist runs (their scope), archived ones last."""
    roles.require_methodist(identity)
    ids = await identity.scope.org_ids(session)
    query = select(Community)
    if ids is not None:
        query = query.where(Community.scope_org_id.in_(ids))
    rows = list(await session.scalars(query.order_by(Community.archived_at.is_not(None), Community.title)))
    at = window(len(rows), page, PAGE_SIZE)
    return at.slice(rows), at.page, at.pages


# --- people -------------------------------------------------------------------------------------


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
        CommunityMember.community_id == community.id,
        CommunityMember.status == MemberStatus.active,
        CommunityMember.is_leader.is_(True) if for_leader else CommunityMember.is_leader.in_((True, False)),
    )
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


async def _tell(session: AsyncSession, user: User, key: str, text: str) -> None:
    await outbox.enqueue(
        session, key=key, chat_id=user.telegram_id, purpose="community", text=text, timezone=user.timezone
    )


async def add_member(session: AsyncSession, identity: Identity, community_id: int, user_id: int, now: datetime) -> bool:
    community = (await require_manager(session, identity, community_id)).community
    user = await _person_in_scope(session, community, user_id)
    if not await catalog.enter(session, community, user, now, source="added"):
        return False
    await audit.record(session, identity.telegram_id, "community.add", f"community:{community.id}", user=user.id)
    await _tell(session, user, f"community:{community.id}:added:{user.id}:{now.isoformat()}", added_text(community))
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
    await _tell(session, user, f"community:{community.id}:leader:{user.id}:{now.isoformat()}", leader_text(community))
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
