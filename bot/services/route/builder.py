"""Building an ИОМ from a completed diagnosis in the database: the teacher's upcoming events, the
catalogue and the attempt's results go through the plan (route.plan); a rebuild archives the old
route and carries its finished steps over."""

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import content
from bot.services.events import closed
from bot.services.objective_check import route_zones
from bot.services.route.plan import Draft, Picker, Rules, add_months, hours_of, paced, plan, step_from
from bot.services.shared import orgs
from bot.services.shared.timefmt import local
from models import (
    Activity,
    AreaResult,
    DiagnosisAttempt,
    Event,
    EventStatus,
    Organization,
    Route,
    RouteStatus,
    RouteStep,
    StepStatus,
    User,
)


async def upcoming_events(session: AsyncSession, user: User, now: datetime, until: date) -> list[Event]:
    """Published events in the teacher's scope with registration still open, inside the period."""
    if user.organization_id is None:
        return []
    scope = [org.id for org in await orgs.lineage(session, user.organization_id)]
    rows = await session.scalars(
        select(Event)
        .where(
            Event.status == EventStatus.published,
            Event.starts_at > now,
            Event.registration_deadline > now,
            Event.scope_org_id.in_(scope),
        )
        .order_by(Event.starts_at, Event.id)
    )
    found = [event for event in rows if local(event.starts_at, user.timezone).date() <= until]
    hidden = await closed.hidden_from(session, user, [event.id for event in found])  # others' community meetings
    return [event for event in found if event.id not in hidden]


async def build_route(
    session: AsyncSession, user: User, attempt_id: int, now: datetime, period_months: int = 6
) -> Route:
    """Archive the current route (if any), carry its done steps over, and build the new one.
    The attempt must be the user's completed one: callers check (routes.start_build / rebuild)."""
    attempt = await session.get(DiagnosisAttempt, attempt_id)
    rules = Rules.of(await content.questionnaire(session, attempt.content_version_id))
    kept: list[RouteStep] = []
    for old in await session.scalars(
        select(Route).where(Route.user_id == user.id, Route.status != RouteStatus.archived)
    ):
        old.status = RouteStatus.archived
        kept += await session.scalars(
            select(RouteStep)
            .where(RouteStep.route_id == old.id, RouteStep.status == StepStatus.done)
            .order_by(RouteStep.position)
        )
    start = local(now, user.timezone).date()
    end = add_months(start, max(1, period_months))
    org = await session.get(Organization, user.organization_id) if user.organization_id else None
    route = Route(
        user_id=user.id,
        attempt_id=attempt_id,
        created_at=now,  # a check completed after this makes the route out of date (building.py)
        period_start=start,
        period_end=end,
        status=RouteStatus.draft if org is not None and org.route_approval_required else RouteStatus.active,
    )
    session.add(route)
    await session.flush()
    results = route_zones.route_results(
        list(await session.scalars(select(AreaResult).where(AreaResult.attempt_id == attempt_id))),
        await route_zones.divergent(session, user.id, attempt_id),  # the objective zone where it differs
    )
    activities = list(
        await session.scalars(
            select(Activity)
            .where(Activity.is_active.is_(True), Activity.area.in_([r.area for r in results]))
            .order_by(Activity.id)
        )
    )
    picker = Picker(
        activities,
        await upcoming_events(session, user, now, end),
        {s.activity_id for s in kept if s.activity_id},
        {s.event_id for s in kept if s.event_id},
    )
    drafts = plan(results, picker, rules)
    deadlines = _deadlines(drafts, start, end)
    for position, step in enumerate(kept, start=1):
        session.add(_copy(step, route.id, position))
    for index, draft in enumerate(drafts):
        step = step_from(draft, len(kept) + index + 1, deadlines.get(index, end), user.timezone, rules)
        step.route_id = route.id
        session.add(step)
    await session.flush()
    return route


def _deadlines(drafts: list[Draft], start: date, end: date) -> dict[int, date]:
    """Each deficit is a track of its own, its steps in order and paced by their hours; the tracks
    run side by side, so every deficit starts at once. Event steps are due on the event's day."""
    tracks: dict[str, list[int]] = {}
    for index, draft in enumerate(drafts):
        if draft.event is None:
            tracks.setdefault(draft.area, []).append(index)
    deadlines = {}
    for track in tracks.values():
        track.sort(key=lambda i: (drafts[i].slot, i))
        deadlines |= dict(zip(track, paced(start, end, [hours_of(drafts[i]) for i in track]), strict=True))
    return deadlines


COPIED = (
    "area",
    "deficit_kind",
    "item_code",
    "activity_id",
    "event_id",
    "title",
    "form",
    "hours",
    "task",
    "expected_result",
    "report_form",
    "deadline",
    "status",
    "done_at",
    "reflection",
    "evidence_file_id",
    "evidence_kind",
)


def _copy(step: RouteStep, route_id: int, position: int) -> RouteStep:
    return RouteStep(route_id=route_id, position=position, **{name: getattr(step, name) for name in COPIED})
