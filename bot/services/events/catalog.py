"""What a teacher sees of events: the lists (recommended, all, own sign-ups) and one event's card.

Seat rules live in bot.services.events.seats, signups and waitlist; this module only reads, and wraps sign-up and
cancellation so a handler gets the refreshed card back from one call.
"""

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import diagnosis
from bot.services.events import closed, seats, signups
from bot.services.shared import orgs
from bot.services.shared.errors import AccessDenied, InvalidInput, NotFound
from bot.services.shared.paging import window
from models import CommunityMeeting, Event, EventRegistration, EventStatus, RegistrationStatus, User

PAGE_SIZE = 5


class View(str, enum.Enum):
    recommended = "rec"
    all = "all"
    mine = "my"


@dataclass(frozen=True)
class ListItem:
    event: Event
    status: RegistrationStatus | None  # the teacher's own place, None when not signed up


@dataclass(frozen=True)
class EventPage:
    view: View
    items: list[ListItem]
    page: int
    pages: int
    areas: frozenset[int]  # the area filter applied; empty means none


@dataclass(frozen=True)
class EventCard:
    event: Event
    seats_left: int | None  # None: no limit
    registration: EventRegistration | None  # only an active one (registered, waitlisted, offered)
    waitlist_position: int | None
    signup_open: bool
    started: bool


def parse_view(value: str) -> View:
    try:
        return View(value)
    except ValueError:
        raise InvalidInput("Неизвестный фильтр списка. Откройте /events заново.") from None


async def recommended_areas(session: AsyncSession, user: User) -> frozenset[int]:
    """Teacher competency areas ("1".."8", the numbers events are tagged with) in a deficit zone of
    the latest diagnosis; empty (meaning: recommend everything) until there is one."""
    return frozenset(int(area) for area in await diagnosis.deficit_areas(session, user.id) if area.isdigit())


def _paginate(ids: list[int], page: int) -> tuple[list[int], int, int]:
    at = window(len(ids), page, PAGE_SIZE)
    page, pages = at.page, at.pages
    return at.slice(ids), page, pages


async def _items(session: AsyncSession, user: User, ids: list[int]) -> list[ListItem]:
    """The page's events with this teacher's active sign-up to each, in one query."""
    if not ids:
        return []
    signed_up = and_(
        EventRegistration.event_id == Event.id,
        EventRegistration.user_id == user.id,  # one registration per person and event: no duplicates
        EventRegistration.status.in_(seats.ACTIVE),
    )
    rows = await session.execute(
        select(Event, EventRegistration.status).outerjoin(EventRegistration, signed_up).where(Event.id.in_(ids))
    )
    found = {event.id: (event, status) for event, status in rows}
    return [ListItem(*found[i]) for i in ids if i in found]


async def upcoming_page(
    session: AsyncSession,
    user: User,
    *,
    areas: frozenset[int] = frozenset(),
    page: int = 0,
    now: datetime,
    view: View = View.all,
) -> EventPage:
    """Published future events scoped to the teacher's organization or an ancestor of it.
    `areas` keeps events touching any of them; empty keeps all."""
    rows = (
        await session.execute(
            select(Event.id, Event.areas, exists().where(CommunityMeeting.event_id == Event.id).label("meeting"))
            .where(
                Event.status == EventStatus.published,
                Event.starts_at > now,
                Event.scope_org_id.in_(orgs.LINEAGE_IDS),  # the teacher's organization or an ancestor
            )
            .order_by(Event.starts_at, Event.id),
            {"org_id": user.organization_id},
        )
    ).all()
    # Areas are a JSON list: filtering in Python keeps one query for SQLite and PostgreSQL, and a
    # teacher's visible upcoming events number in the hundreds at most.
    rows = [row for row in rows if not areas or areas & set(row.areas or [])]
    # Only a community's meetings can be closed to the teacher: the rest need no further query.
    hidden = await closed.hidden_from(session, user, [row.id for row in rows if row.meeting])
    ids = [row.id for row in rows if row.id not in hidden]
    page_ids, page, pages = _paginate(ids, page)
    return EventPage(view, await _items(session, user, page_ids), page, pages, areas)


async def my_page(session: AsyncSession, user: User, page: int = 0, *, now: datetime) -> EventPage:
    """The teacher's active sign-ups: upcoming soonest first, then past ones latest first."""
    past = Event.starts_at <= now
    rows = await session.scalars(
        select(Event.id)
        .join(EventRegistration, EventRegistration.event_id == Event.id)
        .where(EventRegistration.user_id == user.id, EventRegistration.status.in_(seats.ACTIVE))
        .order_by(past, case((past, None), else_=Event.starts_at), Event.starts_at.desc(), Event.id)
    )
    page_ids, page, pages = _paginate(list(rows), page)
    return EventPage(View.mine, await _items(session, user, page_ids), page, pages, frozenset())


async def list_events(session: AsyncSession, user: User, view: View, page: int = 0, *, now: datetime) -> EventPage:
    if view == View.mine:
        return await my_page(session, user, page, now=now)
    areas = await recommended_areas(session, user) if view == View.recommended else frozenset()
    return await upcoming_page(session, user, areas=areas, page=page, now=now, view=view)


async def visible_event(session: AsyncSession, user: User, event_id: int) -> Event:
    """The event, if this teacher may see it: every id from a button is re-checked here."""
    event = await session.get(Event, event_id)
    if event is None:
        raise NotFound("Мероприятие не найдено: возможно, оно удалено.")
    if not await seats.is_visible(session, user, event):
        raise AccessDenied("Это мероприятие недоступно для вашей организации.")
    return event


async def card(session: AsyncSession, user: User, event_id: int, now: datetime) -> EventCard:
    event = await visible_event(session, user, event_id)
    registration = await seats.registration_of(session, user, event.id)
    if registration is not None and registration.status not in seats.ACTIVE:
        registration = None
    position = None
    if registration is not None and registration.status == RegistrationStatus.waitlisted:
        position = await seats.waitlist_position(session, registration)
    return EventCard(
        event=event,
        seats_left=await seats.seats_left(session, event),
        registration=registration,
        waitlist_position=position,
        signup_open=event.status == EventStatus.published and now < seats.signup_closes_at(event),
        started=now >= event.starts_at,
    )


async def join(
    session: AsyncSession, user: User, event_id: int, policy: seats.SignupPolicy, now: datetime
) -> EventCard:
    """Sign up (or join the waitlist when full); a repeated tap keeps the existing place."""
    await signups.sign_up(session, user, event_id, policy, now)
    return await card(session, user, event_id, now)


async def leave(
    session: AsyncSession, user: User, event_id: int, policy: seats.SignupPolicy, now: datetime
) -> EventCard:
    event = await visible_event(session, user, event_id)
    if now >= event.starts_at:
        raise InvalidInput("Мероприятие уже началось, запись отменить нельзя.")
    await signups.cancel(session, user, event_id, policy, now)
    return await card(session, user, event_id, now)


async def calendar_event(session: AsyncSession, user: User, event_id: int) -> Event:
    event = await visible_event(session, user, event_id)
    if event.status == EventStatus.cancelled:
        raise InvalidInput("Мероприятие отменено организатором.")
    return event
