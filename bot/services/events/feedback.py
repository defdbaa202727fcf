"""Ratings and comments attendees leave after an event (the organizer's summary of them is
bot.services.events.ratings.feedback_summary)."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.infra.db import dialect_insert
from bot.services.events import seats
from bot.services.shared.errors import AccessDenied, InvalidInput, NotFound
from bot.services.shared.validation import clean_text
from models import Event, EventFeedback, User

MAX_COMMENT = 1000


async def save_rating(session: AsyncSession, user: User, event_id: int, rating: int, now: datetime) -> EventFeedback:
    """Save (or change) the rating; only people marked as attended may rate."""
    if not 1 <= rating <= 5:
        raise InvalidInput("Оценка — число от 1 до 5.")
    if await session.get(Event, event_id) is None:
        raise NotFound("Мероприятие не найдено: возможно, оно удалено.")
    registration = await seats.registration_of(session, user, event_id)
    if registration is None or registration.attended is not True:
        raise AccessDenied("Оценить мероприятие могут только его участники.")
    # An upsert, so a double tap or a redelivered update cannot trip the unique constraint.
    await session.execute(
        dialect_insert(session, EventFeedback)
        .values(event_id=event_id, user_id=user.id, rating=rating, created_at=now)
        .on_conflict_do_update(index_elements=[EventFeedback.event_id, EventFeedback.user_id], set_={"rating": rating})
    )
    return await _own(session, user, event_id, populate=True)


async def save_comment(session: AsyncSession, user: User, event_id: int, text: str) -> EventFeedback:
    comment = clean_text(
        text, MAX_COMMENT, "Комментарий", empty="Комментарий пустой. Напишите текст или нажмите «Пропустить»."
    )
    row = await _own(session, user, event_id)
    if row is None:
        raise InvalidInput("Сначала поставьте оценку мероприятию.")
    row.comment = comment
    return row


async def _own(session: AsyncSession, user: User, event_id: int, populate: bool = False) -> EventFeedback | None:
    query = select(EventFeedback).where(EventFeedback.event_id == event_id, EventFeedback.user_id == user.id)
    if populate:
        query = query.execution_options(populate_existing=True)
    return await session.scalar(query)
