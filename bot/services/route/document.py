"""What the ИОМ document (PDF) needs: the route in the chat's order, the diagnosis it was built on with
that questionnaire version, and the activities and events its steps point at."""

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import content
from bot.services.objective_check import route_zones
from bot.services.route.common import current, steps_of
from bot.services.shared import orgs
from bot.services.shared.errors import InvalidInput
from models import Activity, AreaResult, DiagnosisAttempt, Event, ObjectiveCheck, Route, RouteStep, User


@dataclass(frozen=True)
class Report:
    user: User
    organization: str
    route: Route
    steps: list[RouteStep]  # numbered as in the chat (steps_of: soonest deadline first)
    attempt: DiagnosisAttempt | None
    questionnaire: content.Questionnaire | None  # the version the attempt was taken on
    results: list[AreaResult]
    activities: dict[int, Activity]
    events: dict[int, Event]
    # Areas planned on the objective check instead of the self-assessment (domain.md §2).
    checked: list[ObjectiveCheck] = field(default_factory=list)


async def report(session: AsyncSession, user: User) -> Report:
    route = await current(session, user)
    if route is None:
        raise InvalidInput("ИОМ ещё не построен: откройте /route.")
    steps = await steps_of(session, route.id)  # the chat's order, so a step has one number everywhere
    attempt = await session.get(DiagnosisAttempt, route.attempt_id) if route.attempt_id else None
    q = await content.questionnaire(session, attempt.content_version_id) if attempt else None
    results = (
        list(
            await session.scalars(
                select(AreaResult).where(AreaResult.attempt_id == route.attempt_id).order_by(AreaResult.id)
            )
        )
        if attempt
        else []
    )
    results.sort(key=lambda r: (len(r.area), r.area))
    activity_ids = {s.activity_id for s in steps if s.activity_id}
    event_ids = {s.event_id for s in steps if s.event_id}
    activities = {a.id: a for a in await session.scalars(select(Activity).where(Activity.id.in_(activity_ids)))}
    events = {e.id: e for e in await session.scalars(select(Event).where(Event.id.in_(event_ids)))}
    return Report(
        user,
        await orgs.display_name(session, user.organization_id),
        route,
        steps,
        attempt,
        q,
        results,
        activities,
        events,
        await route_zones.followed(session, user.id, attempt.id, route.created_at) if attempt else [],
    )
