"""Approval of a draft ИОМ by the teacher's mentor or a methodist covering them."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.shared import outbox, roles
from bot.services.shared.errors import AccessDenied, InvalidInput, NotFound
from models import MentorPair, PairStatus, Route, RouteStatus, User


async def approve(session: AsyncSession, route_id: int, approver_telegram_id: int, now: datetime) -> Route:
    """The teacher's mentor (an active pair) or a methodist whose scope covers them approves a draft."""
    route = await session.get(Route, route_id)
    if route is None or route.status == RouteStatus.archived:
        raise NotFound("ИОМ не найден: возможно, он перестроен.")
    teacher = await session.get(User, route.user_id)
    identity = await roles.load_identity(session, approver_telegram_id, [])
    mentor = identity.user is not None and bool(
        await session.scalar(
            select(MentorPair.id)
            .where(
                MentorPair.mentor_id == identity.user.id,
                MentorPair.mentee_id == teacher.id,
                MentorPair.status == PairStatus.active,
            )
            .limit(1)
        )
    )
    allowed = mentor or await roles.methodist_covers(session, identity, teacher.organization_id)
    if not allowed or approver_telegram_id == teacher.telegram_id:
        raise AccessDenied("Согласовать этот ИОМ может наставник или методист педагога.")
    if route.status != RouteStatus.draft:
        if route.approved_by is not None:
            return route  # approved already (a double tap)
        raise InvalidInput("Этот ИОМ не требует согласования.")
    route.status, route.approved_by, route.approved_at = RouteStatus.approved, approver_telegram_id, now
    if teacher.telegram_id is not None:
        await outbox.enqueue(
            session,
            key=f"route-approved:{route.id}",
            chat_id=teacher.telegram_id,
            purpose="route_approved",
            timezone=teacher.timezone,
            text="Ваш ИОМ согласован. Можно отмечать выполнение шагов: /route",
        )
    return route
