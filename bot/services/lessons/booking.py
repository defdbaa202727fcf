"""The visitor's side: open lessons to come within reach (own deficits first), booking a place
(capacity, double taps, own lesson refused) which adds a matching informal step to the ИОМ, and
cancelling a booking."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.lessons.hosting import drop_step
from bot.services.practices import finding, scope
from bot.services.route.common import current, refresh
from bot.services.shared import orgs, outbox
from bot.services.shared.errors import InvalidInput, NotFound
from bot.services.shared.paging import Window, window
from bot.services.shared.timefmt import fmt, local
from models import LessonStatus, LessonVisit, OpenLesson, RouteStep, StepStatus, User, VisitStatus

PAGE_SIZE = 5
NOT_VISIBLE = "Открытый урок не найден или не виден в вашей организации."


@dataclass(frozen=True)
class Upcoming:
    items: list[OpenLesson]
    at: Window
    recommended: set[int]


async def upcoming(session: AsyncSession, user: User, now: datetime, page: int) -> Upcoming:
    seen = await scope.seen_from(session, user)
    rows = await session.scalars(
        select(OpenLesson)
        .where(
            OpenLesson.audience_org_id.in_(seen),
            OpenLesson.status == LessonStatus.planned,
            OpenLesson.starts_at > now,
        )
        .order_by(OpenLesson.starts_at)
        .limit(500)
    )
    mine = await finding.deficits(session, user)
    lessons = list(rows)
    hits = {lesson.id for lesson in lessons if mine.areas.intersection(lesson.areas)}
    ranked = sorted(lessons, key=lambda lesson: lesson.id not in hits)  # stable: soonest first within each
    at = window(len(ranked), page, PAGE_SIZE)
    return Upcoming(at.slice(ranked), at, hits)


async def visible(session: AsyncSession, user: User, lesson_id: int) -> OpenLesson:
    lesson = await session.get(OpenLesson, lesson_id)
    if lesson is None:
        raise NotFound(NOT_VISIBLE)
    if lesson.host_id != user.id and lesson.audience_org_id not in await scope.seen_from(session, user):
        raise NotFound(NOT_VISIBLE)
    return lesson


@dataclass(frozen=True)
class Card:
    lesson: OpenLesson
    school: str
    booked: int
    visit: LessonVisit | None  # the viewer's own
    own: bool


async def card(session: AsyncSession, user: User, lesson_id: int) -> Card:
    lesson = await visible(session, user, lesson_id)
    visit = await _visit(session, lesson.id, user.id)
    return Card(
        lesson,
        await orgs.display_name(session, lesson.org_id),
        await booked_count(session, lesson.id),
        visit,
        lesson.host_id == user.id,
    )


async def booked_count(session: AsyncSession, lesson_id: int) -> int:
    return (
        await session.scalar(
            select(func.count())
            .select_from(LessonVisit)
            .where(LessonVisit.lesson_id == lesson_id, LessonVisit.status == VisitStatus.booked)
        )
        or 0
    )


async def _visit(session: AsyncSession, lesson_id: int, user_id: int) -> LessonVisit | None:
    return await session.scalar(
        select(LessonVisit).where(LessonVisit.lesson_id == lesson_id, LessonVisit.visitor_id == user_id)
    )


async def book(session: AsyncSession, user: User, lesson_id: int, now: datetime) -> LessonVisit:
    lesson = await visible(session, user, lesson_id)
    # Bookings of one lesson queue on its row (PostgreSQL; SQLite's writers queue anyway), so two
    # colleagues pressing at once cannot both take the last place.
    await session.execute(select(OpenLesson.id).where(OpenLesson.id == lesson.id).with_for_update())
    if lesson.host_id == user.id:
        raise InvalidInput("Это ваш собственный урок: записаться на него нельзя.")
    if lesson.status != LessonStatus.planned or lesson.starts_at <= now:
        raise InvalidInput("Запись закрыта: урок отменён или уже начался.")
    visit = await _visit(session, lesson.id, user.id)
    if visit is not None and visit.status == VisitStatus.booked:
        raise InvalidInput("Вы уже записаны на этот урок.")
    if await booked_count(session, lesson.id) >= lesson.capacity:
        raise InvalidInput("Свободных мест нет: все места для гостей заняты.")
    if visit is None:
        visit = LessonVisit(lesson_id=lesson.id, visitor_id=user.id, status=VisitStatus.booked, ratings={})
        session.add(visit)
    visit.status = VisitStatus.booked
    visit.step_id = await _add_step(session, user, lesson)
    await session.flush()
    await _remind(session, user, lesson, visit, now)
    host = await session.get(User, lesson.host_id)
    if host is not None and host.telegram_id is not None:
        where = await orgs.display_name(session, user.organization_id)
        await outbox.enqueue(
            session,
            key=f"lesson_booked:{visit.id}:{now.timestamp():.0f}",
            chat_id=host.telegram_id,
            purpose="lesson_booked",
            text=(
                f"👋 На ваш открытый урок «{escape(lesson.topic)}» ({fmt(lesson.starts_at, host.timezone)}) "
                f"записался коллега: {escape(user.full_name or '')} ({escape(where)})."
            ),
            timezone=host.timezone,
        )
    return visit


REMIND_BEFORE = (timedelta(days=1), timedelta(hours=2))


async def _remind(session: AsyncSession, user: User, lesson: OpenLesson, visit: LessonVisit, now: datetime) -> None:
    """The usual reminders of a sign-up: the day before and two hours before, those still ahead."""
    booked_at = f"{now.timestamp():.0f}"  # a booking after a cancellation gets reminders of its own
    for before in REMIND_BEFORE:
        due = lesson.starts_at - before
        if due <= now or user.telegram_id is None:
            continue
        await outbox.enqueue(
            session,
            key=f"lesson_reminder:{visit.id}:{booked_at}:{int(before.total_seconds())}",
            chat_id=user.telegram_id,
            purpose="lesson_reminder",
            text=(
                f"⏰ Напоминание: открытый урок «{escape(lesson.topic)}» — {fmt(lesson.starts_at, user.timezone)}, "
                f"{escape(await orgs.display_name(session, lesson.org_id))}, класс {escape(lesson.class_name)}."
            ),
            due_at=due,
            quiet_exempt_before=lesson.starts_at,
            timezone=user.timezone,
            buttons=[[outbox.button("Открыть урок", "lesson_card", lesson_id=lesson.id)]],
        )


def reminders_of(visit: LessonVisit) -> str:
    return f"lesson_reminder:{visit.id}:"


async def _add_step(session: AsyncSession, user: User, lesson: OpenLesson) -> int | None:
    """The visit enters the ИОМ as an informal step due a week after the lesson (time for the card)."""
    route = await current(session, user)
    if route is None:
        return None
    mine = await finding.deficits(session, user)
    area = next((a for a in lesson.areas if a in mine.areas), lesson.areas[0])
    last = await session.scalar(select(func.max(RouteStep.position)).where(RouteStep.route_id == route.id)) or 0
    day = local(lesson.starts_at, user.timezone).date() + timedelta(days=7)
    step = RouteStep(
        route_id=route.id,
        position=last + 1,
        area=area,
        deficit_kind="partial" if area in mine.areas else "own",
        title=f"Посетить открытый урок «{lesson.topic}» ({lesson.subject}, {lesson.class_name})"[:300],
        form="informal",
        task="Посетить урок коллеги (взаимопосещение) и заполнить карточку наблюдения",
        expected_result="Карточка наблюдения: что взять в свою практику",
        report_form="Карточка наблюдения в боте (/lessons)",
        deadline=day,
        status=StepStatus.planned,
    )
    session.add(step)
    await session.flush()
    await refresh(session, route)
    return step.id


async def cancel_booking(session: AsyncSession, user: User, lesson_id: int, now: datetime) -> OpenLesson:
    lesson = await visible(session, user, lesson_id)
    visit = await _visit(session, lesson.id, user.id)
    if visit is None or visit.status != VisitStatus.booked:
        raise InvalidInput("Вы не записаны на этот урок.")
    if lesson.starts_at <= now:
        raise InvalidInput("Урок уже начался: отменить запись нельзя.")
    visit.status = VisitStatus.cancelled
    await outbox.cancel_pending(session, reminders_of(visit))
    await drop_step(session, visit)
    return lesson
