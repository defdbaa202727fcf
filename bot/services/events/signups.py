"""Sign-ups, the waitlist and seat offers, and the reminders they schedule.

Every change to an event's seats first locks the event row (FOR UPDATE on PostgreSQL; SQLite's
BEGIN IMMEDIATE already serializes writers), so concurrent sign-ups never oversell a seat.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape

from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.shared import orgs, outbox
from bot.services.shared.errors import AccessDenied, InvalidInput, NotFound
from bot.services.shared.timefmt import fmt
from models import (
    Event,
    EventRegistration,
    EventStatus,
    OutboxMessage,
    OutboxStatus,
    RegistrationStatus,
    User,
)

HOLDING = (RegistrationStatus.registered, RegistrationStatus.offered)
ACTIVE = (RegistrationStatus.registered, RegistrationStatus.offered, RegistrationStatus.waitlisted)


@dataclass(frozen=True)
class SignupPolicy:
    offer_claim: timedelta = timedelta(hours=12)
    reminder_offsets_h: tuple[float, ...] = (24.0, 1.0)


def signup_closes_at(event: Event) -> datetime:
    return min(event.registration_deadline, event.starts_at)


async def locked_event(session: AsyncSession, event_id: int) -> Event:
    event = await session.scalar(
        select(Event).where(Event.id == event_id).with_for_update().execution_options(populate_existing=True)
    )
    if event is None:
        raise NotFound("Мероприятие не найдено: возможно, оно удалено.")
    return event


async def is_visible(session: AsyncSession, user: User, event: Event) -> bool:
    return await orgs.is_within(session, user.organization_id, event.scope_org_id)


async def seats_taken(session: AsyncSession, event_id: int) -> int:
    return (
        await session.scalar(
            select(func.count())
            .select_from(EventRegistration)
            .where(EventRegistration.event_id == event_id, EventRegistration.status.in_(HOLDING))
        )
        or 0
    )


async def seats_left(session: AsyncSession, event: Event) -> int | None:
    if event.capacity is None:
        return None
    return max(0, event.capacity - await seats_taken(session, event.id))


async def registration_of(session: AsyncSession, user: User, event_id: int) -> EventRegistration | None:
    return await session.scalar(
        select(EventRegistration).where(EventRegistration.event_id == event_id, EventRegistration.user_id == user.id)
    )


async def waitlist_position(session: AsyncSession, registration: EventRegistration) -> int:
    ahead = (
        await session.scalar(
            select(func.count())
            .select_from(EventRegistration)
            .where(
                EventRegistration.event_id == registration.event_id,
                EventRegistration.status == RegistrationStatus.waitlisted,
                or_(
                    EventRegistration.queued_at < registration.queued_at,
                    and_(EventRegistration.queued_at == registration.queued_at, EventRegistration.id < registration.id),
                ),
            )
        )
        or 0
    )
    return ahead + 1


def _check_open(event: Event, now: datetime) -> None:
    if event.status == EventStatus.cancelled:
        raise InvalidInput("Мероприятие отменено организатором.")
    if event.status == EventStatus.closed or now >= event.starts_at:
        raise InvalidInput("Мероприятие уже прошло.")
    if now >= signup_closes_at(event):
        raise InvalidInput("Запись на это мероприятие закрыта.")


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
    _check_open(event, now)
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


async def fill_free_seats(session: AsyncSession, event: Event, policy: SignupPolicy, now: datetime) -> int:
    """Offer freed seats to the head of the waitlist. Call with the event row locked."""
    if event.status != EventStatus.published or now >= signup_closes_at(event):
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
        registration.offer_expires_at = min(now + policy.offer_claim, signup_closes_at(event))
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
                f"Освободилось место на «{escape(event.title)}» ({fmt(event.starts_at, user.timezone)}).\n"
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
        _check_open(event, now)
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


async def schedule_reminders(
    session: AsyncSession,
    registration: EventRegistration,
    event: Event,
    user: User,
    policy: SignupPolicy,
    now: datetime,
) -> None:
    """One outbox row per offset; the key carries the start time, so a moved event reschedules."""
    if user.telegram_id is None:
        return
    for offset in policy.reminder_offsets_h:
        due = event.starts_at - timedelta(hours=offset)
        if due <= now:
            continue
        where = event.online_url or event.place or ""
        key = f"reminder:{registration.id}:{offset:g}:{event.starts_at.timestamp():.0f}"
        # A cancel-then-sign-up-again (or an event moved back) reuses the key of a withdrawn row,
        # which would make the enqueue below a silent no-op: drop the withdrawn row first.
        await session.execute(
            delete(OutboxMessage).where(
                OutboxMessage.idempotency_key == key, OutboxMessage.status == OutboxStatus.cancelled
            )
        )
        await outbox.enqueue(
            session,
            key=key,
            chat_id=user.telegram_id,
            purpose="event_reminder",
            due_at=due,
            timezone=user.timezone,
            quiet_exempt_before=event.starts_at,
            text=(
                f"⏰ Напоминание: «{escape(event.title)}» начнётся {fmt(event.starts_at, user.timezone)}."
                + (f"\n{escape(where)}" if where else "")
            ),
        )


async def reschedule_reminders(session: AsyncSession, event: Event, policy: SignupPolicy, now: datetime) -> None:
    """After the start time moved: withdraw old reminders and schedule new ones."""
    registrations = await session.scalars(
        select(EventRegistration).where(
            EventRegistration.event_id == event.id, EventRegistration.status == RegistrationStatus.registered
        )
    )
    for registration in registrations:
        await outbox.cancel_pending(session, f"reminder:{registration.id}:")
        user = await session.get(User, registration.user_id)
        if user is not None:
            await schedule_reminders(session, registration, event, user, policy, now)
