"""The teacher's ИОМ once built: statuses, step actions and progress, approval, completion by
event attendance, deadline nudges, and what the PDF needs.

Every step id arrives from a button, so each action loads the step through `owned_step`: a step
of someone else's (or an archived) route is reported as not found and nothing changes."""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from html import escape

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import content, orgs, outbox, roles, route_builder
from bot.services.errors import AccessDenied, InvalidInput, NotFound
from bot.services.timefmt import local
from models import (
    Activity, AreaResult, AttemptStatus, DiagnosisAttempt, Event, MentorPair, PairStatus, Route, RouteComment, RouteStatus,
    RouteStep, StepStatus, User, utcnow,
)

LIVE = (RouteStatus.draft, RouteStatus.approved, RouteStatus.active, RouteStatus.completed)
WORKING = (RouteStatus.approved, RouteStatus.active)  # nudges go out only for these
MAX_REFLECTION, MAX_TITLE, PAGE_SIZE = 2000, 300, 6
NUDGE_AHEAD_DAYS, OVERDUE_LOOKBACK_DAYS = 3, 7
DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
STEP_NOT_FOUND = "Шаг не найден в вашем маршруте: возможно, маршрут перестроен."


def step_callback(step_id: int) -> str:
    """Must match handlers' StepCb(prefix="rstep", action: str, step_id: int) packing."""
    return f"rstep:open:{step_id}"


def today(user: User, now: datetime) -> date:
    return local(now, user.timezone).date()


def progress(steps: list[RouteStep]) -> int:
    counted = [s for s in steps if s.status != StepStatus.removed]
    done = sum(s.status == StepStatus.done for s in counted)
    return round(100 * done / len(counted)) if counted else 0


async def latest_attempt(session: AsyncSession, user_id: int) -> DiagnosisAttempt | None:
    return await session.scalar(select(DiagnosisAttempt).where(
        DiagnosisAttempt.user_id == user_id, DiagnosisAttempt.status == AttemptStatus.completed,
    ).order_by(DiagnosisAttempt.completed_at.desc(), DiagnosisAttempt.id.desc()).limit(1))


async def current(session: AsyncSession, user: User) -> Route | None:
    return await session.scalar(select(Route).where(Route.user_id == user.id, Route.status.in_(LIVE))
                                .order_by(Route.id.desc()).limit(1))


async def steps_of(session: AsyncSession, route_id: int) -> list[RouteStep]:
    """Live steps, soonest deadline first."""
    return list(await session.scalars(select(RouteStep).where(
        RouteStep.route_id == route_id, RouteStep.status != StepStatus.removed,
    ).order_by(RouteStep.deadline, RouteStep.position)))


@dataclass(frozen=True)
class Overview:
    route: Route | None
    steps: list[RouteStep]
    latest_attempt_id: int | None  # offer to build, or to rebuild when newer than the route's
    today: date


async def overview(session: AsyncSession, user: User, now: datetime) -> Overview:
    route = await current(session, user)
    attempt = await latest_attempt(session, user.id)
    steps = await steps_of(session, route.id) if route else []
    return Overview(route, steps, attempt.id if attempt else None, today(user, now))


# --- building -------------------------------------------------------------------------------


async def _buildable(session: AsyncSession, user: User, attempt_id: int) -> DiagnosisAttempt:
    attempt = await session.get(DiagnosisAttempt, attempt_id)
    if attempt is None or attempt.user_id != user.id:
        raise NotFound("Результат диагностики не найден.")
    if attempt.status != AttemptStatus.completed:
        raise InvalidInput("Диагностика ещё не завершена: закончите её в /diagnostics.")
    latest = await latest_attempt(session, user.id)
    if latest is not None and latest.id != attempt.id:
        raise InvalidInput("Это результат не последней диагностики. Откройте /route.")
    return attempt


async def start_build(session: AsyncSession, user: User, attempt_id: int, now: datetime,
                      period_months: int = 6) -> Route | None:
    """Build at once when there is no route; None when a route exists and a rebuild needs a yes."""
    attempt = await _buildable(session, user, attempt_id)
    route = await current(session, user)
    if route is not None:
        return route if route.attempt_id == attempt.id else None
    return await route_builder.build_route(session, user, attempt.id, now, period_months)


async def rebuild(session: AsyncSession, user: User, attempt_id: int, now: datetime, period_months: int = 6) -> Route:
    attempt = await _buildable(session, user, attempt_id)
    route = await current(session, user)
    if route is not None and route.attempt_id == attempt.id:
        return route  # a double tap
    return await route_builder.build_route(session, user, attempt.id, now, period_months)


# --- steps ----------------------------------------------------------------------------------


async def owned_step(session: AsyncSession, user: User, step_id: int, *, planned: bool = False
                     ) -> tuple[Route, RouteStep]:
    row = (await session.execute(select(Route, RouteStep).join(RouteStep, RouteStep.route_id == Route.id).where(
        RouteStep.id == step_id, Route.user_id == user.id, Route.status.in_(LIVE),
        RouteStep.status != StepStatus.removed))).first()
    if row is None:
        raise NotFound(STEP_NOT_FOUND)
    route, step = row
    if planned and step.status != StepStatus.planned:
        raise InvalidInput("Этот шаг уже отмечен выполненным.")
    return route, step


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
    comments = list(await session.scalars(select(RouteComment.text).where(RouteComment.step_id == step.id)
                                          .order_by(RouteComment.created_at).limit(10)))
    return StepView(route, step, activity, event, comments)


async def _refresh(session: AsyncSession, route: Route) -> None:
    """approved → active on the first finished step; active ⇄ completed as steps finish or appear."""
    if route.status not in (RouteStatus.approved, RouteStatus.active, RouteStatus.completed):
        return
    steps = await steps_of(session, route.id)
    done = [s.status == StepStatus.done for s in steps]
    if steps and all(done):
        route.status = RouteStatus.completed
    elif route.status == RouteStatus.completed or any(done):
        route.status = RouteStatus.active


def _clean(text: str | None, limit: int, what: str) -> str:
    value = (text or "").strip()
    if not value:
        raise InvalidInput(f"{what}: пришлите текст.")
    if len(value) > limit:
        raise InvalidInput(f"{what}: слишком длинно ({len(value)} симв.), можно до {limit}.")
    if any(unicodedata.category(ch) == "Cc" and ch not in "\n\t" for ch in value):
        raise InvalidInput(f"{what}: недопустимые символы.")
    return value


def parse_reflection(text: str | None) -> str:
    return _clean(text, MAX_REFLECTION, "Рефлексия")


def parse_title(text: str | None) -> str:
    return " ".join(_clean(text, MAX_TITLE, "Название шага").split())


def parse_deadline(text: str | None, user: User, now: datetime) -> date:
    """dd.mm.yyyy in the teacher's calendar: after today and at most a year ahead."""
    match = DATE.fullmatch((text or "").strip())
    try:
        day = date(int(match[3]), int(match[2]), int(match[1])) if match else None
    except ValueError:
        day = None
    if day is None:
        raise InvalidInput("Не понял дату. Введите её так: <code>25.12.2026</code>.")
    first = today(user, now)
    if day <= first:
        raise InvalidInput("Дата должна быть в будущем.")
    if day > route_builder.add_months(first, 12):
        raise InvalidInput("Срок можно перенести не дальше чем на год вперёд.")
    return day


def evidence_kind(*, photo: bool, mime_type: str | None = None, file_name: str | None = None) -> str:
    if photo or (mime_type or "").startswith("image/"):
        return "photo" if photo else "document"
    if mime_type == "application/pdf" or (file_name or "").lower().endswith(".pdf"):
        return "document"
    raise InvalidInput("Пришлите фото сертификата или PDF-документ.")


async def mark_done(session: AsyncSession, user: User, step_id: int, now: datetime, *, reflection: str | None = None,
                    file_id: str | None = None, file_kind: str | None = None) -> tuple[Route, RouteStep]:
    route, step = await owned_step(session, user, step_id, planned=True)
    if route.status == RouteStatus.draft:
        raise InvalidInput("ИОМ ещё не согласован наставником или методистом: отмечать шаги пока рано.")
    if not reflection and not file_id:
        raise InvalidInput("Напишите пару слов о результате или пришлите подтверждающий файл.")
    step.status, step.done_at = StepStatus.done, now
    step.reflection = parse_reflection(reflection) if reflection else None
    step.evidence_file_id, step.evidence_kind = (file_id[:200], file_kind) if file_id else (None, None)
    await outbox.cancel_pending(session, f"nudge:{step.id}:")
    await _refresh(session, route)
    return route, step


async def postpone(session: AsyncSession, user: User, step_id: int, text: str | None, now: datetime) -> RouteStep:
    _, step = await owned_step(session, user, step_id, planned=True)
    step.deadline = parse_deadline(text, user, now)
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
    taken = select(RouteStep.activity_id).where(RouteStep.route_id == route.id, RouteStep.activity_id.is_not(None),
                                                RouteStep.status != StepStatus.removed)
    where = (Activity.area == step.area, Activity.is_active.is_(True), Activity.id.not_in(taken))
    total = await session.scalar(select(func.count()).select_from(Activity).where(*where)) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    items = await session.scalars(select(Activity).where(*where).order_by(Activity.id)
                                  .offset(page * PAGE_SIZE).limit(PAGE_SIZE))
    return ActivityPage(step, list(items), page, pages)


async def replace(session: AsyncSession, user: User, step_id: int, activity_id: int) -> RouteStep:
    _, step = await owned_step(session, user, step_id, planned=True)
    activity = await session.get(Activity, activity_id)
    if activity is None or not activity.is_active or activity.area != step.area:
        raise InvalidInput("Это мероприятие каталога не подходит для шага: выберите из списка.")
    product, report = route_builder.product_of(activity.format, activity.form.value)
    step.activity_id, step.event_id, step.title = activity.id, None, activity.title[:300]
    step.form, step.hours, step.expected_result, step.report_form = activity.form.value, activity.hours, product, report
    return step


async def remove(session: AsyncSession, user: User, step_id: int) -> Route:
    route, step = await owned_step(session, user, step_id, planned=True)
    step.status = StepStatus.removed
    await outbox.cancel_pending(session, f"nudge:{step.id}:")
    await session.flush()
    await _refresh(session, route)
    return route


async def add_own(session: AsyncSession, user: User, title: str, deadline: date) -> RouteStep:
    route = await current(session, user)
    if route is None:
        raise InvalidInput("Сначала постройте ИОМ: /route.")
    last = await session.scalar(select(func.max(RouteStep.position)).where(RouteStep.route_id == route.id)) or 0
    step = RouteStep(route_id=route.id, position=last + 1, area=None, deficit_kind="own", title=parse_title(title),
                     form="informal", task="Собственная цель педагога", expected_result="По выбору педагога",
                     report_form="Рефлексия в боте", deadline=deadline, status=StepStatus.planned)
    session.add(step)
    await session.flush()
    await _refresh(session, route)
    return step


# --- approval, attendance, nudges -----------------------------------------------------------


async def approve(session: AsyncSession, route_id: int, approver_telegram_id: int,
                  now: datetime | None = None) -> Route:
    """The teacher's mentor (an active pair) or a methodist whose scope covers them approves a draft."""
    route = await session.get(Route, route_id)
    if route is None or route.status == RouteStatus.archived:
        raise NotFound("ИОМ не найден: возможно, он перестроен.")
    teacher = await session.get(User, route.user_id)
    identity = await roles.load_identity(session, approver_telegram_id, [])
    mentor = identity.user is not None and bool(await session.scalar(select(MentorPair.id).where(
        MentorPair.mentor_id == identity.user.id, MentorPair.mentee_id == teacher.id,
        MentorPair.status == PairStatus.active).limit(1)))
    allowed = mentor or await roles.methodist_covers(session, identity, teacher.organization_id)
    if not allowed or approver_telegram_id == teacher.telegram_id:
        raise AccessDenied("Согласовать этот ИОМ может наставник или методист педагога.")
    if route.status != RouteStatus.draft:
        if route.approved_by is not None:
            return route  # approved already (a double tap)
        raise InvalidInput("Этот ИОМ не требует согласования.")
    route.status, route.approved_by, route.approved_at = RouteStatus.approved, approver_telegram_id, now or utcnow()
    if teacher.telegram_id is not None:
        await outbox.enqueue(session, key=f"route-approved:{route.id}", chat_id=teacher.telegram_id,
                             purpose="route_approved", timezone=teacher.timezone,
                             text="Ваш ИОМ согласован. Можно отмечать выполнение шагов: /route")
    return route


async def complete_steps_for_event(session: AsyncSession, user_id: int, event_id: int,
                                   now: datetime | None = None) -> int:
    """Attendance at an event completes the route steps built on it; repeated calls change nothing."""
    rows = (await session.execute(select(Route, RouteStep).join(RouteStep, RouteStep.route_id == Route.id).where(
        Route.user_id == user_id, Route.status.in_(LIVE), RouteStep.event_id == event_id,
        RouteStep.status == StepStatus.planned))).all()
    for _, step in rows:
        step.status, step.done_at = StepStatus.done, now or utcnow()
        await outbox.cancel_pending(session, f"nudge:{step.id}:")
    await session.flush()
    for route in {route.id: route for route, _ in rows}.values():
        await _refresh(session, route)
    return len(rows)


async def enqueue_nudges(session: AsyncSession, now: datetime) -> int:
    """Periodic: one reminder 3 days before a step's deadline and one when it becomes overdue.
    Only steps whose deadline lies in a narrow window are read; the outbox key makes it idempotent."""
    utc_day = now.astimezone(timezone.utc).date()
    rows = (await session.execute(
        select(RouteStep, User).join(Route, Route.id == RouteStep.route_id).join(User, User.id == Route.user_id)
        .where(RouteStep.status == StepStatus.planned, Route.status.in_(WORKING), User.telegram_id.is_not(None),
               User.is_active.is_(True),
               RouteStep.deadline.between(utc_day - timedelta(days=OVERDUE_LOOKBACK_DAYS),
                                          utc_day + timedelta(days=NUDGE_AHEAD_DAYS + 1)))
        .order_by(RouteStep.deadline, RouteStep.id)
    )).all()
    queued = 0
    for step, user in rows:
        left = (step.deadline - today(user, now)).days
        if left > NUDGE_AHEAD_DAYS:
            continue
        title, day = escape(step.title), f"{step.deadline:%d.%m.%Y}"
        if left >= 0:
            key = f"nudge:{step.id}:due3:{step.deadline}"
            when = {0: "сегодня", 1: "завтра"}.get(left, f"через {left} дн.")
            text = f"⏰ ИОМ: срок шага «{title}» — {when}, {day}."
        else:
            key = f"nudge:{step.id}:overdue:{step.deadline}"
            text = f"⚠️ ИОМ: срок шага «{title}» прошёл {day}. Отметьте выполнение или перенесите срок."
        queued += await outbox.enqueue(
            session, key=key, chat_id=user.telegram_id, purpose="route_nudge", text=text, timezone=user.timezone,
            buttons=[[{"text": "Открыть шаг", "callback_data": step_callback(step.id)}]])
    return queued


# --- the document ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    user: User
    organization: str
    route: Route
    steps: list[RouteStep]  # table order
    attempt: DiagnosisAttempt | None
    questionnaire: content.Questionnaire | None  # the version the attempt was taken on
    results: list[AreaResult]
    activities: dict[int, Activity]
    events: dict[int, Event]


async def report(session: AsyncSession, user: User) -> Report:
    route = await current(session, user)
    if route is None:
        raise InvalidInput("ИОМ ещё не построен: откройте /route.")
    steps = sorted(await steps_of(session, route.id), key=lambda s: s.position)
    attempt = await session.get(DiagnosisAttempt, route.attempt_id) if route.attempt_id else None
    q = await content.questionnaire(session, attempt.content_version_id) if attempt else None
    results = list(await session.scalars(select(AreaResult).where(AreaResult.attempt_id == route.attempt_id)
                                         .order_by(AreaResult.id))) if attempt else []
    results.sort(key=lambda r: (len(r.area), r.area))
    activity_ids = {s.activity_id for s in steps if s.activity_id}
    event_ids = {s.event_id for s in steps if s.event_id}
    activities = {a.id: a for a in await session.scalars(select(Activity).where(Activity.id.in_(activity_ids)))}
    events = {e.id: e for e in await session.scalars(select(Event).where(Event.id.in_(event_ids)))}
    return Report(user, await orgs.display_name(session, user.organization_id), route, steps, attempt, q, results,
                  activities, events)
