"""Building the ИОМ from the latest completed diagnosis, and rebuilding it after a newer one."""

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.objective_check import route_zones
from bot.services.route import builder as route_builder
from bot.services.route.common import current, latest_attempt
from bot.services.shared.errors import InvalidInput, NotFound
from models import AttemptStatus, DiagnosisAttempt, Route, User


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


async def _up_to_date(session: AsyncSession, user: User, route: Route, attempt: DiagnosisAttempt) -> bool:
    """Built on this diagnosis, and no objective check diverging from it was completed since."""
    return route.attempt_id == attempt.id and not await route_zones.checked_since(
        session, user.id, attempt.id, route.created_at
    )


async def start_build(
    session: AsyncSession, user: User, attempt_id: int, now: datetime, period_months: int = 6
) -> Route | None:
    """Build at once when there is no route; None when a route exists and a rebuild needs a yes."""
    attempt = await _buildable(session, user, attempt_id)
    route = await current(session, user)
    if route is not None:
        return route if await _up_to_date(session, user, route, attempt) else None
    return await route_builder.build_route(session, user, attempt.id, now, period_months)


async def rebuild(session: AsyncSession, user: User, attempt_id: int, now: datetime, period_months: int = 6) -> Route:
    attempt = await _buildable(session, user, attempt_id)
    route = await current(session, user)
    if route is not None and await _up_to_date(session, user, route, attempt):
        return route  # a double tap
    return await route_builder.build_route(session, user, attempt.id, now, period_months)
