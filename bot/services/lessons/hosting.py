"""The host's side: offering an open lesson, their lessons with who comes, marking one held or
cancelling it (visitors are told through the outbox)."""

from datetime import datetime
from html import escape
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.lessons import approval, inputs
from bot.services.route.common import LIVE, refresh
from bot.services.shared import orgs, outbox
from bot.services.shared.errors import InvalidInput, NotFound
from bot.services.shared.timefmt import fmt
from models import LessonStatus, LessonVisit, OpenLesson, OrgKind, Route, RouteStep, StepStatus, User, VisitStatus

NOT_YOURS = "Открытый урок не найден среди ваших."


async def offer(session: AsyncSession, user: User, draft: dict[str, Any], now: datetime) -> OpenLesson:
    if user.organization_id is None:
        raise InvalidInput("Укажите свою организацию в профиле (/profile): урок видят коллеги вашего муниципалитета.")
    fields = inputs.checked(draft, user.timezone, now)
    chain = await orgs.lineage(session, user.organization_id)
    audience = next((org.id for org in chain if org.kind == OrgKind.municipality), chain[-1].id)
    needs_approval = chain[0].lesson_approval_required
    lesson = OpenLesson(
        host_id=user.id,
        org_id=user.organization_id,
        audience_org_id=audience,
        timezone=user.timezone,
        status=LessonStatus.pending if needs_approval else LessonStatus.planned,
        **fields,
    )
    session.add(lesson)
    await session.flush()
    if needs_approval:
        await approval.tell_approvers(session, lesson)
    return lesson


async def owned(session: AsyncSession, user: User, lesson_id: int) -> OpenLesson:
    lesson = await session.get(OpenLesson, lesson_id)
    if lesson is None or lesson.host_id != user.id:
        raise NotFound(NOT_YOURS)
    return lesson


async def mine(session: AsyncSession, user: User) -> list[OpenLesson]:
    rows = await session.scalars(
        select(OpenLesson).where(OpenLesson.host_id == user.id).order_by(OpenLesson.starts_at.desc()).limit(20)
    )
    return list(rows)


async def visitors(session: AsyncSession, user: User, lesson_id: int) -> tuple[OpenLesson, list[tuple[User, str]]]:
    """Who booked the host's lesson: the person (name, as for an event's sign-up list) and school."""
    lesson = await owned(session, user, lesson_id)
    rows = await session.execute(
        select(User)
        .join(LessonVisit, LessonVisit.visitor_id == User.id)
        .where(LessonVisit.lesson_id == lesson.id, LessonVisit.status == VisitStatus.booked)
        .order_by(LessonVisit.created_at)
    )
    found = [(visitor, await orgs.display_name(session, visitor.organization_id)) for (visitor,) in rows.all()]
    return lesson, found


async def mark_held(session: AsyncSession, user: User, lesson_id: int, now: datetime) -> OpenLesson:
    lesson = await owned(session, user, lesson_id)
    if lesson.status != LessonStatus.planned:
        raise InvalidInput("Урок уже отмечен проведённым или отменён.")
    if lesson.starts_at > now:
        raise InvalidInput("Урок ещё не начался: отметить его проведённым можно после начала.")
    lesson.status = LessonStatus.held
    for visit in await _booked(session, lesson.id):
        await outbox.tell(
            session,
            await session.get(User, visit.visitor_id),
            key=f"lesson_card:{visit.id}",
            purpose="lesson_card",
            text=f"📝 Спасибо, что побывали на уроке «{escape(lesson.topic)}». Заполните карточку наблюдения:",
            buttons=[[outbox.button("Заполнить карточку", "lesson_observe", lesson_id=lesson.id)]],
        )
    return lesson


async def cancel(session: AsyncSession, user: User, lesson_id: int) -> OpenLesson:
    lesson = await owned(session, user, lesson_id)
    if lesson.status not in (LessonStatus.planned, LessonStatus.pending):
        raise InvalidInput("Урок уже отмечен проведённым или отменён.")
    lesson.status = LessonStatus.cancelled
    for visit in await _booked(session, lesson.id):
        await outbox.cancel_pending(session, f"lesson_reminder:{visit.id}:")
        await drop_step(session, visit)
        visitor = await session.get(User, visit.visitor_id)
        if visitor is not None and visitor.telegram_id is not None:
            await outbox.enqueue(
                session,
                key=f"lesson_cancel:{visit.id}",
                chat_id=visitor.telegram_id,
                purpose="lesson_cancelled",
                text=(
                    f"❌ Открытый урок «{escape(lesson.topic)}» ({fmt(lesson.starts_at, visitor.timezone)}) отменён. "
                    "Другие уроки: /lessons"
                ),
                urgent=True,
                timezone=visitor.timezone,
            )
    return lesson


async def _booked(session: AsyncSession, lesson_id: int) -> list[LessonVisit]:
    rows = await session.scalars(
        select(LessonVisit).where(LessonVisit.lesson_id == lesson_id, LessonVisit.status == VisitStatus.booked)
    )
    return list(rows)


async def visit_step(session: AsyncSession, visit: LessonVisit) -> tuple[Route, RouteStep] | None:
    """The visit's planned step on a live route, or None (no step, removed by the teacher, a rebuilt route)."""
    if visit.step_id is None:
        return None
    row = (
        await session.execute(
            select(Route, RouteStep)
            .join(RouteStep, RouteStep.route_id == Route.id)
            .where(RouteStep.id == visit.step_id, Route.status.in_(LIVE), RouteStep.status == StepStatus.planned)
        )
    ).first()
    return None if row is None else (row[0], row[1])


async def settle_step(session: AsyncSession, route: Route, step: RouteStep) -> None:
    """After the step's status changed: its nudges go, the route's progress follows."""
    await outbox.cancel_pending(session, f"nudge:{step.id}:")
    await session.flush()
    await refresh(session, route)


async def drop_step(session: AsyncSession, visit: LessonVisit) -> None:
    """A visit that will not happen leaves the visitor's route: its planned step is removed."""
    found = await visit_step(session, visit)
    if found is not None:
        route, step = found
        step.status = StepStatus.removed
        await settle_step(session, route, step)
