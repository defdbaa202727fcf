"""The divergence rule applied to the ИОМ (domain.md §2): where the latest check of an area differs
from the self-assessment it was compared with by a zone or more, the route is built on the check."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.objective_check.scoring import Comparison
from models import AreaResult, AttemptStatus, ObjectiveCheck


async def divergent(session: AsyncSession, user_id: int, attempt_id: int) -> list[ObjectiveCheck]:
    """The latest completed check per area taken against this diagnosis, where the two differ."""
    rows = await session.scalars(
        select(ObjectiveCheck)
        .where(
            ObjectiveCheck.user_id == user_id,
            ObjectiveCheck.diagnosis_attempt_id == attempt_id,
            ObjectiveCheck.status == AttemptStatus.completed,
        )
        .order_by(ObjectiveCheck.completed_at, ObjectiveCheck.id)
    )
    latest = {row.area: row for row in rows}
    return [
        check
        for _, check in sorted(latest.items())
        if check.self_zone and Comparison(check.area, check.self_zone, check.zone).differs
    ]


def route_results(results: list[AreaResult], checks: list[ObjectiveCheck]) -> list[AreaResult]:
    """The area results a route is planned on: the objective zone and score where a check diverged.
    The replacements are transient copies, never added to the session: the diagnosis stays as taken."""
    by_area = {check.area: check for check in checks}
    return [
        AreaResult(
            area=r.area,
            score=by_area[r.area].score,
            max_score=r.max_score,
            zone=by_area[r.area].zone,
            point_deficits=list(r.point_deficits or []),
        )
        if r.area in by_area
        else r
        for r in results
    ]


async def checked_since(session: AsyncSession, user_id: int, attempt_id: int, since: datetime) -> bool:
    """A diverging check completed after `since` (the route's building): the route is out of date."""
    return any(
        check.completed_at is not None and check.completed_at > since
        for check in await divergent(session, user_id, attempt_id)
    )


async def followed(session: AsyncSession, user_id: int, attempt_id: int, built_at: datetime) -> list[ObjectiveCheck]:
    """The diverging checks a route built at `built_at` followed: those completed by then."""
    return [
        check
        for check in await divergent(session, user_id, attempt_id)
        if check.completed_at is not None and check.completed_at <= built_at
    ]
