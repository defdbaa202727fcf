"""Approval of a draft ИОМ by the teacher's mentor or a methodist covering them, and where it is
required: organizations.route_approval_required, switched by a methodist for organizations in
scope (or by the console, `python -m bot orgs approval`). A route built in such an organization
starts as a draft and waits for approval."""

from dataclasses import dataclass
from datetime import datetime
from typing import Iterable

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.shared import audit, orgs, outbox, roles
from bot.services.shared.errors import AccessDenied, InvalidInput, NotFound
from bot.services.shared.paging import window
from bot.services.shared.roles import Identity
from models import MentorPair, Organization, PairStatus, Route, RouteStatus, User

WAITING_PAGE = 6


async def approve(
    session: AsyncSession, route_id: int, approver_telegram_id: int, now: datetime, admin_ids: Iterable[int] = ()
) -> Route:
    """The teacher's mentor (an active pair) or a methodist whose scope covers them approves a draft.
    `admin_ids`: the deployment's ADMIN_IDS, admins who may approve anywhere."""
    route = await session.get(Route, route_id)
    if route is None or route.status == RouteStatus.archived:
        raise NotFound("ИОМ не найден: возможно, он перестроен.")
    teacher = await session.get(User, route.user_id)
    identity = await roles.load_identity(session, approver_telegram_id, list(admin_ids))
    mentor = identity.user is not None and bool(
        await session.scalar(
            select(MentorPair.id)
            .where(
                MentorPair.mentor_id == identity.user.id,
                MentorPair.mentee_id == teacher.id,
                MentorPair.status == PairStatus.active,
            )
            .limit(1)
        )
    )
    allowed = mentor or await roles.methodist_covers(session, identity, teacher.organization_id)
    if not allowed or approver_telegram_id == teacher.telegram_id:
        raise AccessDenied("Согласовать этот ИОМ может наставник или методист педагога.")
    if route.status != RouteStatus.draft:
        if route.approved_by is not None:
            return route  # approved already (a double tap)
        raise InvalidInput("Этот ИОМ не требует согласования.")
    route.status, route.approved_by, route.approved_at = RouteStatus.approved, approver_telegram_id, now
    if teacher.telegram_id is not None:
        await outbox.enqueue(
            session,
            key=f"route-approved:{route.id}",
            chat_id=teacher.telegram_id,
            purpose="route_approved",
            timezone=teacher.timezone,
            text="Ваш ИОМ согласован. Можно отмечать выполнение шагов: /route",
        )
    return route


async def set_required(session: AsyncSession, identity: Identity | None, org_id: int, required: bool) -> int:
    """Require (or stop requiring) approval in an organization and everything under it; returns how
    many organizations changed. `identity` None is the server console."""
    org = await orgs.get(session, org_id) if identity is None else await identity.scope.org(session, org_id)
    subtree = await orgs.subtree_ids(session, org.id)
    changed = (
        await session.execute(
            update(Organization)
            .where(Organization.id.in_(subtree), Organization.route_approval_required != required)
            .values(route_approval_required=required)
        )
    ).rowcount or 0
    await audit.record(
        session,
        identity.telegram_id if identity else None,
        "org.route_approval",
        f"org:{org.id}",
        required=required,
        changed=changed,
    )
    return changed


@dataclass(frozen=True)
class Waiting:
    route: Route
    teacher: User
    organization: str


async def waiting(session: AsyncSession, identity: Identity, page: int = 0) -> tuple[list[Waiting], int, int]:
    """Draft routes of teachers in the methodist's scope, oldest first: (items, page, pages)."""
    roles.require_methodist(identity)
    where = [Route.status == RouteStatus.draft, User.telegram_id.is_not(None)]
    scope = await identity.scope.org_ids(session)
    if scope is not None:
        where.append(User.organization_id.in_(scope))
    query = select(Route, User).join(User, User.id == Route.user_id).where(*where)
    total = await session.scalar(select(func.count()).select_from(query.subquery())) or 0
    at = window(total, page, WAITING_PAGE)
    rows = (await session.execute(query.order_by(Route.id).offset(at.offset).limit(at.limit))).all()
    items = [Waiting(route, user, await orgs.display_name(session, user.organization_id)) for route, user in rows]
    return items, at.page, at.pages


async def for_methodist(session: AsyncSession, identity: Identity, route_id: int) -> Waiting:
    """A teacher's route as a methodist may see it for approval (ids come from buttons)."""
    roles.require_methodist(identity)
    route = await session.get(Route, route_id)
    if route is None or route.status == RouteStatus.archived:
        raise NotFound("ИОМ не найден: возможно, он перестроен.")
    teacher = await session.get(User, route.user_id)
    await roles.require_methodist_for(session, identity, teacher.organization_id if teacher else None)
    return Waiting(route, teacher, await orgs.display_name(session, teacher.organization_id))
