"""The waitlist: freed seats are offered to the head of the queue (an urgent outbox message with
«Иду» / «Отказаться» buttons), the offer is answered or lapses, and a lapsed or declined seat goes
to the next in line. Every change locks the event row first (seats.locked_event).
"""

from datetime import datetime
from html import escape

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.events.reminders import schedule_reminders
from bot.services.events.seats import SignupPolicy, check_open, locked_event, seats_left
from bot.services.shared import outbox
from bot.services.shared.errors import AccessDenied, InvalidInput
from bot.services.shared.timefmt import fmt
from models import Event, EventRegistration, EventStatus, RegistrationStatus, User


async def fill_free_seats(session: AsyncSession, event: Event, policy: SignupPolicy, now: datetime) -> int:
    """Offer freed seats to the head of the waitlist. Call with the event row locked."""
    until = policy.offer_deadline(event, now)
    if event.status != EventStatus.published or until is None:
        return 0
    free = await seats_left(session, event)
    if free is not None and free <= 0:
        return 0
    query = (
        select(EventRegistration)
        .where(EventRegistration.event_id == event.id, EventRegistration.status == RegistrationStatus.waitlisted)
        .order_by(EventRegistration.queued_at, EventRegistration.id)
    )
    if free is not None:
        query = query.limit(free)
    offered = 0
    for registration in await session.scalars(query):
        user = await session.get(User, registration.user_id)
        registration.status = RegistrationStatus.offered
        registration.offer_expires_at = until
        offered += 1
        if user is None or user.telegram_id is None:
            continue
        await outbox.enqueue(
            session,
            key=f"offer:{registration.id}:{registration.offer_expires_at.timestamp():.0f}",
            chat_id=user.telegram_id,
            purpose="waitlist_offer",
            urgent=True,
            timezone=user.timezone,
            text=(
                f"Освободилось место на «{escape(event.title)}», начало {fmt(event.starts_at, user.timezone)}.\n"
                f"Подтвердите участие до {fmt(registration.offer_expires_at, user.timezone)}, "
                "иначе место перейдёт следующему в очереди."
            ),
            buttons=[
                [
                    outbox.button("✅ Иду", "seat_offer", registration_id=registration.id, accept=True),
                    outbox.button("Отказаться", "seat_offer", registration_id=registration.id, accept=False),
                ]
            ],
        )
    return offered


async def answer_offer(
    session: AsyncSession,
    user: User,
    registration_id: int,
    accept: bool,
    policy: SignupPolicy,
    now: datetime,
) -> tuple[EventRegistration, Event]:
    registration = await session.get(EventRegistration, registration_id)
    if registration is None or registration.user_id != user.id:
        raise AccessDenied("Это предложение адресовано не вам.")
    event = await locked_event(session, registration.event_id)
    await session.refresh(registration)
    if registration.status == RegistrationStatus.registered and accept:
        return registration, event  # a double tap on "Иду"
    if registration.status != RegistrationStatus.offered:
        raise InvalidInput("Это предложение уже неактуально.")
    if registration.offer_expires_at is not None and registration.offer_expires_at <= now:
        raise InvalidInput("Время на подтверждение истекло, место передано следующему в очереди.")
    registration.offer_expires_at = None
    if accept:
        check_open(event, now)
        registration.status = RegistrationStatus.registered
        await schedule_reminders(session, registration, event, user, policy, now)
    else:
        registration.status = RegistrationStatus.cancelled
        await fill_free_seats(session, event, policy, now)
    return registration, event


async def expire_offers(session: AsyncSession, policy: SignupPolicy, now: datetime) -> int:
    """Periodic: an unanswered offer lapses and the seat goes to the next in line."""
    event_ids = set(
        await session.scalars(
            select(EventRegistration.event_id).where(
                EventRegistration.status == RegistrationStatus.offered, EventRegistration.offer_expires_at <= now
            )
        )
    )
    lapsed = 0
    for event_id in sorted(event_ids):
        event = await locked_event(session, event_id)
        expired = await session.scalars(
            select(EventRegistration).where(
                EventRegistration.event_id == event_id,
                EventRegistration.status == RegistrationStatus.offered,
                EventRegistration.offer_expires_at <= now,
            )
        )
        for registration in expired:
            registration.status = RegistrationStatus.cancelled
            registration.offer_expires_at = None
            lapsed += 1
            user = await session.get(User, registration.user_id)
            if user is not None and user.telegram_id is not None:
                await outbox.enqueue(
                    session,
                    key=f"offer-lapsed:{registration.id}:{now.timestamp():.0f}",
                    chat_id=user.telegram_id,
                    purpose="waitlist_offer",
                    urgent=True,
                    timezone=user.timezone,
                    text=f"Время на подтверждение места на «{escape(event.title)}» истекло.",
                )
        await fill_free_seats(session, event, policy, now)
    return lapsed
