"""A teacher signs up for an event (or joins the waitlist when it is full) and cancels; a cancel
that frees a seat offers it to the waitlist. Seat counting and the row lock are
bot.services.events.seats, offers bot.services.events.waitlist, reminders
bot.services.events.reminders.
"""

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.events.reminders import schedule_reminders
from bot.services.events.seats import (
    ACTIVE,
    HOLDING,
    SignupPolicy,
    check_open,
    is_visible,
    locked_event,
    registration_of,
    seats_left,
)
from bot.services.events.waitlist import fill_free_seats
from bot.services.shared import outbox
from bot.services.shared.errors import AccessDenied, InvalidInput
from models import EventRegistration, EventStatus, RegistrationStatus, User

# Other features (onboarding's erase) use these as `signups.X`.
__all__ = ["ACTIVE", "SignupPolicy", "cancel", "sign_up"]


async def sign_up(
    session: AsyncSession, user: User, event_id: int, policy: SignupPolicy, now: datetime
) -> EventRegistration:
    """Register, or join the waitlist when full. A repeated tap returns the existing place."""
    event = await locked_event(session, event_id)
    if not await is_visible(session, user, event):
        raise AccessDenied("Это мероприятие недоступно для вашей организации.")
    registration = await registration_of(session, user, event.id)
    if registration is not None and registration.status in ACTIVE:
        return registration
    check_open(event, now)
    free = await seats_left(session, event)
    status = RegistrationStatus.registered if free is None or free > 0 else RegistrationStatus.waitlisted
    if registration is None:
        registration = EventRegistration(event_id=event.id, user_id=user.id, status=status)
        session.add(registration)
    registration.status = status
    registration.queued_at = now if status == RegistrationStatus.waitlisted else None
    registration.offer_expires_at = None
    await session.flush()
    if status == RegistrationStatus.registered:
        await schedule_reminders(session, registration, event, user, policy, now)
    return registration


async def cancel(
    session: AsyncSession, user: User, event_id: int, policy: SignupPolicy, now: datetime
) -> EventRegistration:
    event = await locked_event(session, event_id)
    registration = await registration_of(session, user, event.id)
    if registration is None or registration.status == RegistrationStatus.cancelled:
        raise InvalidInput("Вы не записаны на это мероприятие.")
    freed = registration.status in HOLDING
    registration.status = RegistrationStatus.cancelled
    registration.offer_expires_at = None
    await outbox.cancel_pending(session, f"reminder:{registration.id}:")
    if freed and event.status == EventStatus.published:
        await fill_free_seats(session, event, policy, now)
    return registration
