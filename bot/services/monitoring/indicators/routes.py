"""ИОМ facts: the per-teacher code of an ИОМ in the period and formal learning done in it
(indicators 2, 2а, 5, 7, 11), and indicator 3, the routes due in the period and how many were done."""

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.monitoring.indicators.common import flag, people, scope_cte
from bot.services.monitoring.indicators.period import Window
from models import Activity, Route, RouteStatus, RouteStep, StepStatus

IOM_STATUSES = (RouteStatus.approved, RouteStatus.active, RouteStatus.completed)
PK_FORMAT = "курс ДПО"


def routes_code(uid, window: Window):
    """One walk over the teacher's routes: 1 = an ИОМ overlapping the period, 2 = a formal step
    (a «курс ДПО» or a formal-form step) done in the period, 3 = both."""
    step, activity = RouteStep.__table__.alias("done_step"), Activity.__table__.alias("step_activity")
    iom = and_(
        Route.status.in_(IOM_STATUSES),
        Route.attempt_id.is_not(None),
        Route.period_start <= window.end,
        Route.period_end >= window.start,
    )
    formal = and_(step.c.id.is_not(None), or_(step.c.form == "formal", activity.c.format == PK_FORMAT))
    return (
        select(func.max(flag(iom)) + 2 * func.max(flag(formal)))
        .select_from(Route)
        .outerjoin(
            step,
            and_(
                step.c.route_id == Route.id,
                step.c.status == StepStatus.done.value,
                step.c.done_at >= window.start_at,
                step.c.done_at < window.end_at,
            ),
        )
        .outerjoin(activity, activity.c.id == step.c.activity_id)
        .where(Route.user_id == uid)
        .scalar_subquery()
    )


async def route_level(session: AsyncSession, root_id: int, window: Window) -> dict[int, tuple[int, int]]:
    """Indicator 3: routes due in the period, and those with ≥ 80 % of live steps done."""
    pop = people(scope_cte(root_id), window).subquery("pop")
    total = select(func.count()).where(RouteStep.route_id == Route.id, RouteStep.status != StepStatus.removed)
    done = select(func.count()).where(RouteStep.route_id == Route.id, RouteStep.status == StepStatus.done)
    routes = (
        select(pop.c.group_id, total.scalar_subquery().label("total"), done.scalar_subquery().label("done"))
        .select_from(Route)
        .join(pop, pop.c.user_id == Route.user_id)
        .where(Route.status.in_(IOM_STATUSES), Route.period_end >= window.start, Route.period_end <= window.end)
        .subquery("due")
    )
    query = select(
        routes.c.group_id,
        func.count(),
        func.sum(flag(and_(routes.c.total > 0, routes.c.done * 5 >= routes.c.total * 4))),
    ).group_by(routes.c.group_id)
    return {group: (int(num or 0), int(den)) for group, den, num in await session.execute(query)}
