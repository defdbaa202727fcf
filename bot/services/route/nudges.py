"""Deadline nudges: a reminder shortly before a step's deadline and one when it becomes overdue."""

from datetime import datetime, timedelta, timezone
from html import escape

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.route.common import today
from bot.services.shared import outbox
from models import Route, RouteStatus, RouteStep, StepStatus, User

WORKING = (RouteStatus.approved, RouteStatus.active)  # nudges go out only for these
NUDGE_AHEAD_DAYS, OVERDUE_LOOKBACK_DAYS = 3, 7


async def enqueue_nudges(session: AsyncSession, now: datetime) -> int:
    """Periodic: one reminder 3 days before a step's deadline and one when it becomes overdue.
    Only steps whose deadline lies in a narrow window are read; the outbox key makes it idempotent."""
    utc_day = now.astimezone(timezone.utc).date()
    rows = (
        await session.execute(
            select(RouteStep, User)
            .join(Route, Route.id == RouteStep.route_id)
            .join(User, User.id == Route.user_id)
            .where(
                RouteStep.status == StepStatus.planned,
                Route.status.in_(WORKING),
                User.telegram_id.is_not(None),
                User.is_active.is_(True),
                RouteStep.deadline.between(
                    utc_day - timedelta(days=OVERDUE_LOOKBACK_DAYS), utc_day + timedelta(days=NUDGE_AHEAD_DAYS + 1)
                ),
            )
            .order_by(RouteStep.deadline, RouteStep.id)
        )
    ).all()
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
            session,
            key=key,
            chat_id=user.telegram_id,
            purpose="route_nudge",
            text=text,
            timezone=user.timezone,
            buttons=[[outbox.button("Открыть шаг", "route_step", step_id=step.id)]],
        )
    return queued
