"""Community meetings. A meeting is an event (format «Заседание МО»: date, place or link, agenda)
in the community's scope, so sign-up, reminders and the card come from the events feature; the
members hear of it with a sign-up button. The leader (or the methodist) marks attendance and saves
the protocol: their own message (decisions, next steps, a file) copied to the members, which
closes the meeting; then, as after any closed event, everyone marked present is asked for a rating.
Every step re-checks that the person runs this meeting's community."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import route as routes
from bot.services.communities.common import require_manager
from bot.services.events.inputs import parse_location, parse_moment, parse_title
from bot.services.events.ratings import request_feedback
from bot.services.shared import audit, orgs, outbox
from bot.services.shared.errors import InvalidInput, NotFound
from bot.services.shared.roles import Identity
from bot.services.shared.timefmt import fmt
from models import (
    Community,
    CommunityMeeting,
    CommunityMember,
    Event,
    EventFormat,
    EventRegistration,
    EventStatus,
    MemberStatus,
    RegistrationStatus,
    User,
)

DURATION_MIN = 90
LIST_SIZE = 8
PROTOCOL_SAVED = "Протокол этой встречи уже сохранён и отправлен."


@dataclass(frozen=True)
class Meeting:
    meeting: CommunityMeeting
    event: Event
    community: Community


async def _members(session: AsyncSession, community_id: int, but: int) -> list[User]:
    rows = await session.scalars(
        select(User)
        .join(CommunityMember, CommunityMember.user_id == User.id)
        .where(
            CommunityMember.community_id == community_id,
            CommunityMember.status == MemberStatus.active,
            User.telegram_id.is_not(None),
            User.telegram_id != but,
        )
        .order_by(User.id)
    )
    return list(rows)


async def plan(
    session: AsyncSession, identity: Identity, community_id: int, title: str, when: str, where: str, now: datetime
) -> Meeting:
    community = (await require_manager(session, identity, community_id)).community
    zone = (await orgs.get(session, community.scope_org_id)).timezone
    starts_at = parse_moment(when, zone, now)
    place, url = parse_location(where)
    event = Event(
        title=parse_title(title),
        description=f"Встреча сообщества «{community.title}»",
        format=EventFormat.mo_meeting,
        areas=list(community.areas or []),
        scope_org_id=community.scope_org_id,
        organizer_telegram_id=identity.telegram_id,
        timezone=zone,
        starts_at=starts_at,
        duration_min=DURATION_MIN,
        place=place,
        online_url=url,
        capacity=None,
        registration_deadline=starts_at,
        status=EventStatus.published,
    )
    session.add(event)
    await session.flush()
    meeting = CommunityMeeting(community_id=community.id, event_id=event.id)
    session.add(meeting)
    await session.flush()
    for user in await _members(session, community.id, identity.telegram_id):
        await outbox.enqueue(
            session,
            key=f"meeting:{meeting.id}:{user.id}",
            chat_id=user.telegram_id,
            purpose="community_meeting",
            text=announcement(community, event, user.timezone),
            buttons=[[outbox.button("📅 Подробнее и запись", "event_card", event_id=event.id)]],
            timezone=user.timezone,
        )
    await audit.record(session, identity.telegram_id, "community.meeting", f"community:{community.id}", event=event.id)
    return Meeting(meeting, event, community)


def announcement(community: Community, event: Event, zone: str) -> str:
    where = escape(event.place or event.online_url or "")
    return (
        f"📅 Сообщество «{escape(community.title)}» проводит встречу «{escape(event.title)}»\n"
        f"Когда: {fmt(event.starts_at, zone)}\nГде: {where}\n\nЗапишитесь, чтобы получить напоминание."
    )


async def get(session: AsyncSession, identity: Identity, meeting_id: int) -> Meeting:
    meeting = await session.get(CommunityMeeting, meeting_id)
    if meeting is None:
        raise NotFound("Встреча не найдена.")
    community = (await require_manager(session, identity, meeting.community_id)).community
    return Meeting(meeting, await session.get(Event, meeting.event_id), community)


async def recent(session: AsyncSession, identity: Identity, community_id: int) -> tuple[Community, list[Meeting]]:
    community = (await require_manager(session, identity, community_id)).community
    rows = await session.execute(
        select(CommunityMeeting, Event)
        .join(Event, Event.id == CommunityMeeting.event_id)
        .where(CommunityMeeting.community_id == community.id)
        .order_by(Event.starts_at.desc())
        .limit(LIST_SIZE)
    )
    return community, [Meeting(m, e, community) for m, e in rows]


async def attendance(session: AsyncSession, meeting: Meeting) -> list[tuple[EventRegistration, User]]:
    rows = await session.execute(
        select(EventRegistration, User)
        .join(User, User.id == EventRegistration.user_id)
        .where(
            EventRegistration.event_id == meeting.event.id,
            EventRegistration.status == RegistrationStatus.registered,
        )
        .order_by(User.full_name, User.id)
    )
    return [(reg, user) for reg, user in rows]


def _started(meeting: Meeting, now: datetime, what: str) -> None:
    if meeting.event.starts_at > now + timedelta(minutes=15):
        raise InvalidInput(f"{what} — после начала встречи.")


async def toggle_attended(
    session: AsyncSession, identity: Identity, meeting_id: int, user_id: int, now: datetime
) -> Meeting:
    meeting = await get(session, identity, meeting_id)
    _started(meeting, now, "Посещаемость отмечают")
    registration = await session.scalar(
        select(EventRegistration).where(
            EventRegistration.event_id == meeting.event.id,
            EventRegistration.user_id == user_id,
            EventRegistration.status == RegistrationStatus.registered,
        )
    )
    if registration is None:
        raise NotFound("Этот педагог не записан на встречу.")
    registration.attended = not registration.attended
    if registration.attended:
        # as for any event: attending completes the non-formal or informal ИОМ step built on it
        await routes.complete_steps_for_event(session, registration.user_id, meeting.event.id, now)
        if meeting.event.status == EventStatus.closed:  # marked after the protocol closed it
            await request_feedback(session, meeting.event, registration)
    return meeting


async def save_protocol(
    session: AsyncSession,
    identity: Identity,
    meeting_id: int,
    chat_id: int,
    message_id: int,
    preview: str,
    now: datetime,
) -> int:
    """Keep the protocol, close the meeting and copy the protocol to the members; returns how many."""
    meeting = await get(session, identity, meeting_id)
    _started(meeting, now, "Протокол сохраняют")
    if meeting.meeting.protocol_at is not None:
        raise InvalidInput(PROTOCOL_SAVED)
    meeting.meeting.protocol_chat_id, meeting.meeting.protocol_message_id = chat_id, message_id
    meeting.meeting.protocol_preview, meeting.meeting.protocol_at = preview, now
    meeting.event.status = EventStatus.closed
    for registration, _ in await attendance(session, meeting):
        if registration.attended:  # the rating request every closed event sends its attendees
            await request_feedback(session, meeting.event, registration)
    people = await _members(session, meeting.community.id, identity.telegram_id)
    await outbox.enqueue_many(
        session,
        [
            {
                "key": f"protocol:{meeting.meeting.id}:{user.id}",
                "chat_id": user.telegram_id,
                "purpose": "community_protocol",
                "payload": {"copy": {"from_chat_id": chat_id, "message_id": message_id}},
                "due_at": now,
                "timezone": user.timezone,
            }
            for user in people
        ],
    )
    await audit.record(
        session, identity.telegram_id, "community.protocol", f"community:{meeting.community.id}", event=meeting.event.id
    )
    return len(people)
