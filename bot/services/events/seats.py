"""An event's seats as everything else reads them: which registrations hold a seat, when sign-up
closes, who may see an event, how many seats are taken or left and a waitlisted person's place in
the queue; plus `locked_event`, the row lock every change to the seats takes first (FOR UPDATE on
PostgreSQL; SQLite's BEGIN IMMEDIATE already serializes writers), so concurrent sign-ups never
oversell a seat. `SignupPolicy` holds the timings the sign-up rules use.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.events.closed import hidden_from
from bot.services.shared import orgs
from bot.services.shared.errors import InvalidInput, NotFound
from models import Event, EventRegistration, EventStatus, RegistrationStatus, User

HOLDING = (RegistrationStatus.registered, RegistrationStatus.offered)
ACTIVE = (RegistrationStatus.registered, RegistrationStatus.offered, RegistrationStatus.waitlisted)


@dataclass(frozen=True)
class SignupPolicy:
    offer_claim: timedelta = timedelta(hours=12)
    reminder_offsets_h: tuple[float, ...] = (24.0, 1.0)
    # A freed seat's offer ends this long before the start, so whoever takes it has time to come;
    # a seat freed later than that (plus a few minutes to answer) is not offered, it stays open.
    offer_lead: timedelta = timedelta(hours=1)
    offer_min_answer: timedelta = timedelta(minutes=15)

    def reminders_ahead(self, event: Event, now: datetime) -> list[float]:
        """The reminder offsets still in the future: what a sign-up now will really be sent."""
        return [h for h in self.reminder_offsets_h if event.starts_at - timedelta(hours=h) > now]

    def offer_deadline(self, event: Event, now: datetime) -> datetime | None:
        """Until when a seat offered now may be claimed; None when there is no time left to offer it."""
        until = min(now + self.offer_claim, signup_closes_at(event), event.starts_at - self.offer_lead)
        return until if until - now >= self.offer_min_answer else None


def signup_closes_at(event: Event) -> datetime:
    return min(event.registration_deadline, event.starts_at)


def check_open(event: Event, now: datetime) -> None:
    """Refuses when the event is cancelled, over or closed for sign-up."""
    if event.status == EventStatus.cancelled:
        raise InvalidInput("Мероприятие отменено организатором.")
    if event.status == EventStatus.closed or now >= event.starts_at:
        raise InvalidInput("Мероприятие уже прошло.")
    if now >= signup_closes_at(event):
        raise InvalidInput("Запись на это мероприятие закрыта.")


async def locked_event(session: AsyncSession, event_id: int) -> Event:
    event = await session.scalar(
        select(Event).where(Event.id == event_id).with_for_update().execution_options(populate_existing=True)
    )
    if event is None:
        raise NotFound("Мероприятие не найдено: возможно, оно удалено.")
    return event


async def is_visible(session: AsyncSession, user: User, event: Event) -> bool:
    """Inside the teacher's scope, and not a meeting of a community they are outside of."""
    if not await orgs.is_within(session, user.organization_id, event.scope_org_id):
        return False
    return event.id not in await hidden_from(session, user, [event.id])


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
