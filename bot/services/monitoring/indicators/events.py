"""Event totals of the scope and period: events held, registrations, attendance of closed events
and feedback ratings."""

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.monitoring.indicators.common import EventTotals, flag, scope_cte
from bot.services.monitoring.indicators.period import Window
from models import Event, EventFeedback, EventRegistration, EventStatus, RegistrationStatus


def events_in_scope(root_id: int, window: Window):
    scope = scope_cte(root_id)
    return (
        select(Event.id, Event.status)
        .join(scope, Event.scope_org_id == scope.c.org_id)
        .where(
            Event.starts_at >= window.start_at, Event.starts_at < window.end_at, Event.status != EventStatus.cancelled
        )
    )


async def event_totals(session: AsyncSession, root_id: int, window: Window) -> EventTotals:
    ev = events_in_scope(root_id, window).subquery("ev")
    closed = ev.c.status == EventStatus.closed.value
    count = await session.scalar(select(func.count()).select_from(ev))
    regs, closed_regs, attended = (
        await session.execute(
            select(
                func.count(), func.sum(flag(closed)), func.sum(flag(and_(closed, EventRegistration.attended.is_(True))))
            )
            .select_from(EventRegistration)
            .join(ev, ev.c.id == EventRegistration.event_id)
            .where(EventRegistration.status == RegistrationStatus.registered)
        )
    ).one()
    ratings, average = (
        await session.execute(
            select(func.count(), func.avg(EventFeedback.rating))
            .select_from(EventFeedback)
            .join(ev, ev.c.id == EventFeedback.event_id)
        )
    ).one()
    return EventTotals(
        int(count or 0),
        int(regs or 0),
        int(closed_regs or 0),
        int(attended or 0),
        int(ratings or 0),
        float(average) if average is not None else None,
    )
