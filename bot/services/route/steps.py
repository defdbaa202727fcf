"""The teacher's step actions: open, mark done, postpone, replace with another catalogue activity,
remove, add one's own; and steps completed by attendance at their event."""

from dataclasses import dataclass, field
from datetime import date, datetime
from html import escape

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.route.common import LIVE, current, owned_step, refresh
from bot.services.route.inputs import parse_deadline, parse_reflection, parse_title
from bot.services.route.plan import product_of
from bot.services.shared import outbox
from bot.services.shared.errors import InvalidInput
from bot.services.shared.paging import window
from models import Activity, Event, Route, RouteComment, RouteStatus, RouteStep, StepStatus, User

PAGE_SIZE = 6


@dataclass(frozen=True)
class StepView:
    route: Route
    step: RouteStep
    activity: Activity | None
    event: Event | None
    comments: list[str] = field(default_factory=list)  # the mentor's comments on this step, oldest first


async def step_view(session: AsyncSession, user: User, step_id: int) -> StepView:
    route, step = await owned_step(session, user, step_id)
    activity = await session.get(Activity, step.activity_id) if step.activity_id else None
    event = await session.get(Event, step.event_id) if step.event_id else None
    comments = list(
        await session.scalars(
            select(RouteComment.text).where(RouteComment.step_id == step.id).order_by(RouteComment.created_at).limit(10)
        )
    )
    return StepView(route, step, activity, event, comments)


async def mark_done(
    session: AsyncSession,
    user: User,
    step_id: int,
    now: datetime,
    *,
    reflection: str | None = None,
    file_id: str | None = None,
    file_kind: str | None = None,
) -> tuple[Route, RouteStep]:
    route, step = await owned_step(session, user, step_id, planned=True)
    if route.status == RouteStatus.draft:
        raise InvalidInput("ИОМ ещё не согласован наставником или методистом: отмечать шаги пока рано.")
    if not reflection and not file_id:
        raise InvalidInput("Напишите пару слов о результате или пришлите подтверждающий файл.")
    step.status, step.done_at = StepStatus.done, now
    step.reflection = parse_reflection(reflection) if reflection else None
    step.evidence_file_id, step.evidence_kind = (file_id[:200], file_kind) if file_id else (None, None)
    await outbox.cancel_pending(session, f"nudge:{step.id}:")
    await refresh(session, route)
    return route, step


async def postpone(session: AsyncSession, user: User, step_id: int, text: str | None, now: datetime) -> RouteStep:
    route, step = await owned_step(session, user, step_id, planned=True)
    step.deadline = parse_deadline(text, user, now, route.period_end)
    await outbox.cancel_pending(session, f"nudge:{step.id}:")
    return step


@dataclass(frozen=True)
class ActivityPage:
    step: RouteStep
    items: list[Activity]
    page: int
    pages: int


async def replacements(session: AsyncSession, user: User, step_id: int, page: int = 0) -> ActivityPage:
    """Other active catalogue activities of the step's area not already in the route."""
    route, step = await owned_step(session, user, step_id, planned=True)
    if step.area is None:
        raise InvalidInput("Свой шаг нельзя заменить мероприятием из каталога: уберите его и добавьте новый.")
    taken = select(RouteStep.activity_id).where(
        RouteStep.route_id == route.id, RouteStep.activity_id.is_not(None), RouteStep.status != StepStatus.removed
    )
    where = (Activity.area == step.area, Activity.is_active.is_(True), Activity.id.not_in(taken))
    total = await session.scalar(select(func.count()).select_from(Activity).where(*where)) or 0
    at = window(total, page, PAGE_SIZE)
    page, pages = at.page, at.pages
    items = await session.scalars(
        select(Activity).where(*where).order_by(Activity.id).offset(at.offset).limit(at.limit)
    )
    return ActivityPage(step, list(items), page, pages)


async def replace(session: AsyncSession, user: User, step_id: int, activity_id: int) -> RouteStep:
    route, step = await owned_step(session, user, step_id, planned=True)
    activity = await session.get(Activity, activity_id)
    if activity is None or not activity.is_active or activity.area != step.area:
        raise InvalidInput("Это мероприятие каталога не подходит для шага: выберите из списка.")
    if activity.id == step.activity_id:
        return step  # a double tap
    # The list offered only activities not in the route, but an older list (opened for another
    # step) may still be on screen: the same activity must not end up in two steps.
    if await session.scalar(
        select(RouteStep.id)
        .where(
            RouteStep.route_id == route.id, RouteStep.activity_id == activity.id, RouteStep.status != StepStatus.removed
        )
        .limit(1)
    ):
        raise InvalidInput("Это мероприятие уже есть в вашем маршруте: выберите другое.")
    product, report = product_of(activity.format, activity.form.value)
    step.activity_id, step.event_id, step.title = activity.id, None, activity.title[:300]
    step.form, step.hours, step.expected_result, step.report_form = activity.form.value, activity.hours, product, report
    return step


async def remove(session: AsyncSession, user: User, step_id: int) -> Route:
    route, step = await owned_step(session, user, step_id, planned=True)
    step.status = StepStatus.removed
    await outbox.cancel_pending(session, f"nudge:{step.id}:")
    await session.flush()
    await refresh(session, route)
    return route


async def add_own(session: AsyncSession, user: User, title: str, deadline: date) -> RouteStep:
    route = await current(session, user)
    if route is None:
        raise InvalidInput("Сначала постройте ИОМ: /route.")
    if deadline > route.period_end:
        raise InvalidInput(f"Маршрут рассчитан до {route.period_end:%d.%m.%Y}: выберите срок не позже этой даты.")
    last = await session.scalar(select(func.max(RouteStep.position)).where(RouteStep.route_id == route.id)) or 0
    step = RouteStep(
        route_id=route.id,
        position=last + 1,
        area=None,
        deficit_kind="own",
        title=parse_title(title),
        form="informal",
        task="Собственная цель педагога",
        expected_result="По выбору педагога",
        report_form="Рефлексия в боте",
        deadline=deadline,
        status=StepStatus.planned,
    )
    session.add(step)
    await session.flush()
    await refresh(session, route)
    return step


async def complete_steps_for_event(session: AsyncSession, user_id: int, event_id: int, now: datetime) -> int:
    """Attendance at an event completes the route steps built on it, and the teacher is told once per
    step (through the outbox); repeated calls change nothing."""
    rows = (
        await session.execute(
            select(Route, RouteStep)
            .join(RouteStep, RouteStep.route_id == Route.id)
            .where(
                Route.user_id == user_id,
                Route.status.in_(LIVE),
                RouteStep.event_id == event_id,
                RouteStep.status == StepStatus.planned,
            )
        )
    ).all()
    teacher = await session.get(User, user_id) if rows else None
    for _, step in rows:
        step.status, step.done_at = StepStatus.done, now
        await outbox.cancel_pending(session, f"nudge:{step.id}:")
        if teacher is not None and teacher.telegram_id is not None:
            await outbox.enqueue(
                session,
                key=f"step_attended:{step.id}",
                chat_id=teacher.telegram_id,
                purpose="route_step_done",
                timezone=teacher.timezone,
                text=f"✅ Шаг ИОМ «{escape(step.title)}» выполнен: методист отметил ваше участие в мероприятии.",
                buttons=[[outbox.button("Открыть шаг", "route_step", step_id=step.id)]],
            )
    await session.flush()
    for route in {route.id: route for route, _ in rows}.values():
        await refresh(session, route)
    return len(rows)
