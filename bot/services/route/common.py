"""What every route action rests on: the teacher's current route and its live steps, progress,
the teacher's calendar day, the gate that loads a step only from its owner's live route, and the
route status that follows its steps."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import content
from bot.services.objective_check import route_zones
from bot.services.route.plan import Rules, priority_deficits
from bot.services.shared.errors import InvalidInput, NotFound
from bot.services.shared.timefmt import local
from models import AreaResult, AttemptStatus, DiagnosisAttempt, Route, RouteStatus, RouteStep, StepStatus, User

LIVE = (RouteStatus.draft, RouteStatus.approved, RouteStatus.active, RouteStatus.completed)
STEP_NOT_FOUND = "Шаг не найден в вашем маршруте: возможно, маршрут перестроен."


def today(user: User, now: datetime) -> date:
    return local(now, user.timezone).date()


def progress(steps: list[RouteStep]) -> int:
    counted = [s for s in steps if s.status != StepStatus.removed]
    done = sum(s.status == StepStatus.done for s in counted)
    return round(100 * done / len(counted)) if counted else 0


async def latest_attempt(session: AsyncSession, user_id: int) -> DiagnosisAttempt | None:
    return await session.scalar(
        select(DiagnosisAttempt)
        .where(
            DiagnosisAttempt.user_id == user_id,
            DiagnosisAttempt.status == AttemptStatus.completed,
        )
        .order_by(DiagnosisAttempt.completed_at.desc(), DiagnosisAttempt.id.desc())
        .limit(1)
    )


async def current(session: AsyncSession, user: User) -> Route | None:
    return await session.scalar(
        select(Route).where(Route.user_id == user.id, Route.status.in_(LIVE)).order_by(Route.id.desc()).limit(1)
    )


async def steps_of(session: AsyncSession, route_id: int) -> list[RouteStep]:
    """Live steps, soonest deadline first."""
    return list(
        await session.scalars(
            select(RouteStep)
            .where(
                RouteStep.route_id == route_id,
                RouteStep.status != StepStatus.removed,
            )
            .order_by(RouteStep.deadline, RouteStep.position)
        )
    )


@dataclass(frozen=True)
class Deferred:
    area: str
    title: str  # as the questionnaire version titles it
    zone: str


@dataclass(frozen=True)
class Overview:
    route: Route | None
    steps: list[RouteStep]
    latest_attempt_id: int | None  # offer to build, or to rebuild when newer than the route's
    today: date
    diagnosis_minutes: int | None = None  # how long /diagnostics takes, when it is still to do
    waiting: tuple[Deferred, ...] = ()  # deficits of the route's diagnosis beyond the priority limit
    limit: int = 0  # that limit
    # A check diverging from the route's diagnosis was completed after the route was built: the
    # next build follows the check (domain.md §2), so the rebuild is offered as for a new diagnosis.
    check_newer: bool = False


async def overview(session: AsyncSession, user: User, now: datetime) -> Overview:
    route = await current(session, user)
    attempt = await latest_attempt(session, user.id)
    steps = await steps_of(session, route.id) if route else []
    minutes = None
    if route is None and attempt is None:  # said the way /diagnostics says it, from the same questionnaire
        minutes = (await content.current_questionnaire(session, "teacher")).minutes
    waiting, limit = await deferred(session, route) if route else ((), 0)
    check_newer = (
        route is not None
        and attempt is not None
        and route.attempt_id == attempt.id
        and await route_zones.checked_since(session, user.id, attempt.id, route.created_at)
    )
    return Overview(
        route, steps, attempt.id if attempt else None, today(user, now), minutes, waiting, limit, check_newer
    )


async def deferred(session: AsyncSession, route: Route) -> tuple[tuple[Deferred, ...], int]:
    """The deficits the priority rule (domain.md §2) left for the next route, and the rule's limit."""
    if route.attempt_id is None:
        return (), 0
    attempt = await session.get(DiagnosisAttempt, route.attempt_id)
    rules = Rules.of(await content.questionnaire(session, attempt.content_version_id))
    results = list(await session.scalars(select(AreaResult).where(AreaResult.attempt_id == attempt.id)))
    chosen = {r.area for r in priority_deficits(results, rules)}
    left = [r for r in results if r.zone in rules.deficit_zones and r.area not in chosen]
    left.sort(key=lambda r: (r.zone != "severe", r.area))
    return tuple(Deferred(r.area, rules.titles.get(r.area, r.area), r.zone) for r in left), rules.limit


async def owned_step(
    session: AsyncSession, user: User, step_id: int, *, planned: bool = False
) -> tuple[Route, RouteStep]:
    row = (
        await session.execute(
            select(Route, RouteStep)
            .join(RouteStep, RouteStep.route_id == Route.id)
            .where(
                RouteStep.id == step_id,
                Route.user_id == user.id,
                Route.status.in_(LIVE),
                RouteStep.status != StepStatus.removed,
            )
        )
    ).first()
    if row is None:
        raise NotFound(STEP_NOT_FOUND)
    route, step = row
    if planned and step.status != StepStatus.planned:
        raise InvalidInput("Этот шаг уже отмечен выполненным.")
    return route, step


async def refresh(session: AsyncSession, route: Route) -> None:
    """approved → active on the first finished step; active ⇄ completed as steps finish or appear."""
    if route.status not in (RouteStatus.approved, RouteStatus.active, RouteStatus.completed):
        return
    steps = await steps_of(session, route.id)
    done = [s.status == StepStatus.done for s in steps]
    if steps and all(done):
        route.status = RouteStatus.completed
    elif route.status == RouteStatus.completed or any(done):
        route.status = RouteStatus.active
