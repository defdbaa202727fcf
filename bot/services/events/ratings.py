"""Ratings after an event: the request with rating buttons, and the average with the comments."""

from dataclasses import dataclass
from html import escape

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.events.common import Paged, get_for_methodist
from bot.services.shared import outbox
from bot.services.shared.paging import window
from bot.services.shared.roles import Identity
from models import Event, EventFeedback, EventRegistration, User

COMMENTS_PAGE = 5


@dataclass(frozen=True)
class FeedbackSummary:
    average: float | None
    count: int
    comments: Paged[EventFeedback]


async def request_feedback(session: AsyncSession, event: Event, registration: EventRegistration) -> bool:
    return await outbox.tell(
        session,
        await session.get(User, registration.user_id),
        key=f"feedback:{event.id}:{registration.user_id}",
        purpose="feedback_request",
        text=f"Спасибо, что были на мероприятии «{escape(event.title)}»! Оцените его, пожалуйста, от 1 до 5:",
        buttons=[
            [
                outbox.button(f"{rating} ⭐", "event_feedback", event_id=event.id, rating=rating)
                for rating in range(1, 6)
            ]
        ],
    )


async def feedback_summary(
    session: AsyncSession, identity: Identity, event_id: int, page: int
) -> tuple[Event, FeedbackSummary]:
    event = await get_for_methodist(session, identity, event_id)
    average, count = (
        await session.execute(
            select(func.avg(EventFeedback.rating), func.count()).where(EventFeedback.event_id == event.id)
        )
    ).one()
    where = [EventFeedback.event_id == event.id, EventFeedback.comment.is_not(None), EventFeedback.comment != ""]
    total = await session.scalar(select(func.count()).select_from(EventFeedback).where(*where)) or 0
    at = window(total, page, COMMENTS_PAGE)
    page, pages = at.page, at.pages
    comments = await session.scalars(
        select(EventFeedback)
        .where(*where)
        .order_by(EventFeedback.created_at.desc(), EventFeedback.id.desc())
        .offset(at.offset)
        .limit(at.limit)
    )
    average = float(average) if average is not None else None
    return event, FeedbackSummary(average, count, Paged(list(comments), page, pages))
