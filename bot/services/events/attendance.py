"""Who signed up for an event, their attendance (which completes route steps built on the event),
and closing the event, after which everyone present is asked for a rating."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import route as routes
from bot.services.events.common import Paged, active, get_for_methodist, require_started, require_status
from bot.services.events.ratings import request_feedback
from bot.services.events.seats import ACTIVE
from bot.services.shared import audit
from bot.services.shared.errors import NotFound
from bot.services.shared.paging import window
from bot.services.shared.roles import Identity
from models import Event, EventRegistration, EventStatus, Organization, RegistrationStatus, User

REGISTRANTS_PAGE = 10


@dataclass(frozen=True)
class Registrant:
    registration: EventRegistration
    user: User
    organization: str


async def registrants(
    session: AsyncSession, identity: Identity, event_id: int, page: int | None = None, *, only_registered: bool = False
) -> tuple[Event, Paged[Registrant]]:
    """Registered first (by sign-up), then offered, then the waitlist in queue order."""
    event = await get_for_methodist(session, identity, event_id)
    statuses = (RegistrationStatus.registered,) if only_registered else ACTIVE
    where = [EventRegistration.event_id == event.id, EventRegistration.status.in_(statuses)]
    query = (
        select(EventRegistration, User, Organization.name)
        .join(User, User.id == EventRegistration.user_id)
        .outerjoin(Organization, Organization.id == User.organization_id)
        .where(*where)
        .order_by(
            case(
                {RegistrationStatus.registered: 0, RegistrationStatus.offered: 1},
                value=EventRegistration.status,
                else_=2,
            ),
            case(
                (EventRegistration.status == RegistrationStatus.waitlisted, EventRegistration.queued_at),
                else_=EventRegistration.created_at,
            ),
            EventRegistration.id,
        )
    )
    pages = 1
    if page is not None:
        total = await session.scalar(select(func.count()).select_from(EventRegistration).where(*where)) or 0
        at = window(total, page, REGISTRANTS_PAGE)
        page, pages = at.page, at.pages
        query = query.offset(at.offset).limit(at.limit)
    rows = (await session.execute(query)).all()
    return event, Paged([Registrant(r, u, name or "") for r, u, name in rows], page or 0, pages)


async def set_attendance(
    session: AsyncSession,
    identity: Identity,
    event_id: int,
    registration_id: int | None,
    attended: bool,
    now: datetime,
) -> int:
    """Mark one registrant (or, with None, every registrant); returns how many changed."""
    event = await get_for_methodist(session, identity, event_id, lock=True)
    require_status(event, EventStatus.published, EventStatus.closed)
    require_started(event, now, "Отмечать посещение")
    query = select(EventRegistration).where(
        EventRegistration.event_id == event.id, EventRegistration.status == RegistrationStatus.registered
    )
    if registration_id is not None:
        query = query.where(EventRegistration.id == registration_id)
    targets = list(await session.scalars(query))
    if registration_id is not None and not targets:
        raise NotFound("Этого участника нет среди записавшихся на мероприятие.")
    changed = [r for r in targets if bool(r.attended) != attended]
    for registration in changed:
        registration.attended = attended
        if attended:
            # Attending an event that is a step of the teacher's route completes that step.
            await routes.complete_steps_for_event(session, registration.user_id, event.id, now)
        if attended and event.status == EventStatus.closed:
            await request_feedback(session, event, registration)  # marked after closing
    return len(changed)


async def close(session: AsyncSession, identity: Identity, event_id: int, now: datetime) -> int:
    """Close after the start; everyone marked present is asked for a rating."""
    event = await get_for_methodist(session, identity, event_id, lock=True)
    require_status(event, EventStatus.published)
    require_started(event, now, "Завершить мероприятие")
    event.status = EventStatus.closed
    asked = 0
    for registration, _ in await active(session, event.id):
        if registration.status == RegistrationStatus.registered and registration.attended:
            asked += await request_feedback(session, event, registration)
    await audit.record(session, identity.telegram_id, "event.close", f"event:{event.id}", asked=asked)
    return asked
