"""Approval of open lessons where the school requires it: the school's methodist (a methodist whose
scope holds the school) or its head or deputy head approves or declines; the host hears either.
Such a person also switches the requirement for their own school."""

from html import escape

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.shared import audit, orgs, outbox
from bot.services.shared.errors import AccessDenied, InvalidInput, NotFound
from bot.services.shared.roles import Identity
from bot.services.shared.timefmt import fmt
from models import LessonStatus, OpenLesson, Organization, Position, Role, RoleGrant, User

LEADERS = (Position.head, Position.deputy_head)
NOT_APPROVER = "Согласовывать открытые уроки могут методист школы, директор или заместитель директора."


async def may_approve(session: AsyncSession, identity: Identity, org_id: int | None) -> bool:
    user = identity.user
    if user is not None and user.position in LEADERS and org_id is not None and user.organization_id == org_id:
        return True
    return await identity.scope.covers(session, org_id)


async def waiting(session: AsyncSession, identity: Identity) -> list[OpenLesson]:
    rows = await session.scalars(
        select(OpenLesson).where(OpenLesson.status == LessonStatus.pending).order_by(OpenLesson.starts_at).limit(200)
    )
    return [lesson for lesson in rows if await may_approve(session, identity, lesson.org_id)][:20]


async def _for_approver(session: AsyncSession, identity: Identity, lesson_id: int) -> OpenLesson:
    lesson = await session.get(OpenLesson, lesson_id)
    if lesson is None:
        raise NotFound("Открытый урок не найден.")
    if not await may_approve(session, identity, lesson.org_id):
        raise AccessDenied(NOT_APPROVER)
    if identity.user is not None and lesson.host_id == identity.user.id:
        raise AccessDenied("Свой открытый урок согласовать нельзя.")
    if lesson.status != LessonStatus.pending:
        raise InvalidInput("Этот урок уже рассмотрен.")
    return lesson


async def decide(session: AsyncSession, identity: Identity, lesson_id: int, approve: bool) -> OpenLesson:
    lesson = await _for_approver(session, identity, lesson_id)
    lesson.status = LessonStatus.planned if approve else LessonStatus.cancelled
    await audit.record(
        session, identity.telegram_id, "lesson.approve" if approve else "lesson.decline", f"lesson:{lesson.id}"
    )
    host = await session.get(User, lesson.host_id)
    if host is not None and host.telegram_id is not None:
        verdict = "согласован и виден коллегам" if approve else "не согласован: уточните детали у методиста школы"
        await outbox.enqueue(
            session,
            key=f"lesson_decision:{lesson.id}",
            chat_id=host.telegram_id,
            purpose="lesson_decision",
            text=f"Открытый урок «{escape(lesson.topic)}» ({fmt(lesson.starts_at, host.timezone)}) {verdict}.",
            timezone=host.timezone,
        )
    return lesson


async def tell_approvers(session: AsyncSession, lesson: OpenLesson) -> None:
    """Methodists whose scope holds the school, and its leaders, hear that a lesson waits."""
    above = [org.id for org in await orgs.lineage(session, lesson.org_id)]
    grants = await session.scalars(
        select(RoleGrant.telegram_id).where(RoleGrant.role == Role.methodist, RoleGrant.scope_org_id.in_(above))
    )
    leaders = await session.scalars(
        select(User.telegram_id).where(
            User.organization_id == lesson.org_id, User.position.in_(LEADERS), User.telegram_id.is_not(None)
        )
    )
    host = await session.get(User, lesson.host_id)
    for chat_id in sorted(set(grants) | set(leaders) - {host.telegram_id if host else None})[:20]:
        await outbox.enqueue(
            session,
            key=f"lesson_review:{lesson.id}:{chat_id}",
            chat_id=chat_id,
            purpose="lesson_review",
            text=f"🏫 Открытый урок «{escape(lesson.topic)}» ждёт согласования: /lessons_review",
        )


async def own_school(session: AsyncSession, identity: Identity) -> Organization | None:
    """The school whose requirement this person may switch: their own, as its leader or methodist."""
    user = identity.user
    if user is None or user.organization_id is None:
        return None
    if (
        user.position in LEADERS
        or Role.methodist in identity.roles
        and await identity.scope.covers(session, user.organization_id)
    ):
        return await session.get(Organization, user.organization_id)
    return None


async def toggle(session: AsyncSession, identity: Identity) -> Organization:
    school = await own_school(session, identity)
    if school is None:
        raise AccessDenied(NOT_APPROVER)
    school.lesson_approval_required = not school.lesson_approval_required
    await audit.record(
        session, identity.telegram_id, "lesson.approval_rule", f"org:{school.id}", on=school.lesson_approval_required
    )
    return school
