"""The methodist's changes to a community of their scope: creating it (kind, school or territory,
title, description, subjects, competency areas, the auto option), editing, archiving, and the
year's plan of work (the leader may write that too). Members and leaders are in `people`."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.communities import auto
from bot.services.communities.common import (
    DESCRIPTION_MAX,
    KIND_SCOPES,
    TITLE_MAX,
    require_manager,
    require_methodist,
)
from bot.services.onboarding.users import check_subjects
from bot.services.shared import audit, roles
from bot.services.shared.errors import InvalidInput
from bot.services.shared.labels import AREA_TITLES
from bot.services.shared.paging import window
from bot.services.shared.roles import Identity
from bot.services.shared.validation import clean_text
from models import Community, CommunityKind

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
