"""The methodist's side of events: publish, list, edit, cancel, registrants, attendance, close and
feedback. Every action re-checks that the event lies inside the actor's methodist scope (event ids
come from callback_data, i.e. from the user) and that the action fits the event's status."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from html import escape
from typing import Generic, TypeVar

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import audit, event_input, orgs, outbox, roles, routes, signups
from bot.services.errors import AccessDenied, InvalidInput, NotFound
from bot.services.roles import Identity
from bot.services.signups import ACTIVE, SignupPolicy
from bot.services.timefmt import fmt
from models import (
    AuditEntry, Event, EventFeedback, EventRegistration, EventStatus, Organization, RegistrationStatus, Role,
    User, utcnow,
)

PAGE_SIZE, REGISTRANTS_PAGE, COMMENTS_PAGE = 5, 10, 5
DEFAULT_ZONE = "Europe/Moscow"
REFUSED = {
    EventStatus.published: "Мероприятие ещё не завершено.",
    EventStatus.cancelled: "Мероприятие отменено — это действие уже недоступно.",
    EventStatus.closed: "Мероприятие завершено — это действие уже недоступно.",
}
T = TypeVar("T")


@dataclass(frozen=True)
class Paged(Generic[T]):
    items: list[T]
    page: int
    pages: int


@dataclass(frozen=True)
class Counts:
    registered: int = 0
    waitlisted: int = 0
    offered: int = 0
    attended: int = 0


@dataclass(frozen=True)
class Registrant:
    registration: EventRegistration
    user: User
    organization: str


@dataclass(frozen=True)
class FeedbackSummary:
    average: float | None
    count: int
    comments: Paged[EventFeedback]


def feedback_callback(event_id: int, rating: int) -> str:
    """Must match the teacher side's FeedbackCb(prefix="fb", event_id: int, rating: int) packing."""
    return f"fb:{event_id}:{rating}"


async def author_zone(session: AsyncSession, identity: Identity, org_id: int | None = None) -> str:
    """The zone a methodist types and reads times in: their own, else the organization's."""
    if identity.user is not None:
        return identity.user.timezone
    for candidate in (org_id, *identity.scopes(Role.methodist)):
        org = await session.get(Organization, candidate) if candidate else None
        if org is not None:
            return org.timezone
    return DEFAULT_ZONE


async def get_for_methodist(session: AsyncSession, identity: Identity, event_id: int, *, lock: bool = False) -> Event:
    roles.require_methodist(identity)
    event = await signups.locked_event(session, event_id) if lock else await session.get(Event, event_id)
    if event is None:
        raise NotFound("Мероприятие не найдено: возможно, оно удалено.")
    if not await roles.methodist_covers(session, identity, event.scope_org_id):
        raise AccessDenied("Это мероприятие вне вашей зоны ответственности.")
    return event


def require_status(event: Event, *allowed: EventStatus) -> None:
    if event.status not in allowed:
        raise InvalidInput(REFUSED[event.status])


def require_started(event: Event, now: datetime, what: str) -> None:
    if now < event.starts_at:
        raise InvalidInput(f"{what} можно после начала мероприятия ({fmt(event.starts_at, event.timezone)}).")


async def create(session: AsyncSession, identity: Identity, draft: dict, now: datetime | None = None) -> Event:
    roles.require_methodist(identity)
    event_input.validate(draft, now or utcnow())
    values = event_input.event_values(draft)
    await orgs.get(session, values["scope_org_id"])
    await roles.require_methodist_for(session, identity, values["scope_org_id"])
    event = Event(**values, status=EventStatus.published, organizer_telegram_id=identity.telegram_id,
                  timezone=await author_zone(session, identity, values["scope_org_id"]))
    session.add(event)
    await session.flush()
    await audit.record(session, identity.telegram_id, "event.create", f"event:{event.id}",
                       title=event.title, scope=event.scope_org_id)
    return event


async def list_page(session: AsyncSession, identity: Identity, page: int, now: datetime | None = None) -> Paged[Event]:
    """Events in the actor's scopes (admins: all), upcoming first by start, then past, latest first."""
    roles.require_methodist(identity)
    now = now or utcnow()
    where = []
    scopes = identity.scopes(Role.methodist)
    if not identity.is_admin and None not in scopes:
        inside: set[int] = set()
        for scope in scopes:
            inside |= await orgs.subtree_ids(session, scope)
        where.append(Event.scope_org_id.in_(sorted(inside)))
    total = await session.scalar(select(func.count()).select_from(Event).where(*where)) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    upcoming = Event.starts_at >= now
    rows = await session.scalars(
        select(Event).where(*where)
        .order_by(case((upcoming, 0), else_=1), case((upcoming, Event.starts_at)).asc(), Event.starts_at.desc(),
                  Event.id)
        .offset(page * PAGE_SIZE).limit(PAGE_SIZE)
    )
    return Paged(list(rows), page, pages)


async def counts_for(session: AsyncSession, event_ids: list[int]) -> dict[int, Counts]:
    found: dict[int, dict[str, int]] = {event_id: {} for event_id in event_ids}
    rows = await session.execute(
        select(EventRegistration.event_id, EventRegistration.status,
               func.count(), func.sum(case((EventRegistration.attended.is_(True), 1), else_=0)))
        .where(EventRegistration.event_id.in_(event_ids)).group_by(EventRegistration.event_id, EventRegistration.status)
    )
    for event_id, status, number, attended in rows:
        found[event_id][status.value] = number
        if status == RegistrationStatus.registered:
            found[event_id]["attended"] = int(attended or 0)
    return {event_id: Counts(**{k: v for k, v in c.items() if k in Counts.__dataclass_fields__})
            for event_id, c in found.items()}


async def edit_from_text(
    session: AsyncSession, identity: Identity, event_id: int, field: str, text: str | None,
    policy: SignupPolicy, now: datetime | None = None,
) -> int:
    now = now or utcnow()
    event = await get_for_methodist(session, identity, event_id)
    changes = event_input.parse_field(field, text, zone=await author_zone(session, identity, event.scope_org_id),
                                      now=now, draft=event_input.draft_from_event(event))
    return await update(session, identity, event_id, changes, policy, now)


async def update(
    session: AsyncSession, identity: Identity, event_id: int, changes: dict, policy: SignupPolicy,
    now: datetime | None = None,
) -> int:
    """Apply draft-shaped changes; returns how many participants were told about them."""
    now = now or utcnow()
    event = await get_for_methodist(session, identity, event_id, lock=True)
    require_status(event, EventStatus.published)
    before = event_input.draft_from_event(event)
    after = event_input.merge(before, changes)
    changed = {name for name, value in after.items() if before.get(name) != value}
    if not changed:
        return 0
    event_input.validate(after, now, changed)
    if "scope_org_id" in changed:
        await orgs.get(session, after["scope_org_id"])
        await roles.require_methodist_for(session, identity, after["scope_org_id"])
    if "capacity" in changed and after["capacity"] is not None:
        taken = await signups.seats_taken(session, event.id)
        if after["capacity"] < taken:
            raise InvalidInput(f"Мест не может быть меньше, чем уже занято: {taken}.")
    grew = "capacity" in changed and event.capacity is not None and (
        after["capacity"] is None or event.capacity < after["capacity"])
    old_start = event.starts_at
    for name, value in event_input.event_values(after).items():
        setattr(event, name, value)
    version = 1 + (await session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "event.edit", AuditEntry.target == f"event:{event.id}")) or 0)
    await audit.record(session, identity.telegram_id, "event.edit", f"event:{event.id}", fields=sorted(changed))
    told = 0
    if changed & {"starts_at", "place", "online_url"}:
        told = await _tell_active(session, event, "event_change", f"event_change:{event.id}:{version}",
                                  lambda user: _change_text(event, old_start, "starts_at" in changed, user))
        # Reminders carry the time and the place in their text: rewrite them.
        await signups.reschedule_reminders(session, event, policy, now)
    if grew:
        await signups.fill_free_seats(session, event, policy, now)
    return told


def _change_text(event: Event, old_start: datetime, moved: bool, user: User) -> str:
    lines = [f"⚠️ Изменения в мероприятии «{escape(event.title)}»:"]
    if moved:
        lines.append(f"Новое время начала: {fmt(event.starts_at, user.timezone)} "
                     f"(было {fmt(old_start, user.timezone)}).")
    else:
        lines.append(f"Начало: {fmt(event.starts_at, user.timezone)}.")
    where = f"Ссылка: {escape(event.online_url)}" if event.online_url else f"Место: {escape(event.place or '')}"
    lines.append(where)
    lines.append("Ваша запись сохраняется. Если новые условия не подходят, отмените её в /my_events.")
    return "\n".join(lines)


async def _active(session: AsyncSession, event_id: int) -> list[tuple[EventRegistration, User]]:
    rows = await session.execute(
        select(EventRegistration, User).join(User, User.id == EventRegistration.user_id)
        .where(EventRegistration.event_id == event_id, EventRegistration.status.in_(ACTIVE))
        .order_by(EventRegistration.id)
    )
    return [(registration, user) for registration, user in rows.all()]


async def _tell_active(
    session: AsyncSession, event: Event, purpose: str, key: str, text: Callable[[User], str]
) -> int:
    told = 0
    for registration, user in await _active(session, event.id):
        if user.telegram_id is not None and await outbox.enqueue(
            session, key=f"{key}:{registration.id}", chat_id=user.telegram_id, purpose=purpose, urgent=True,
            timezone=user.timezone, text=text(user),
        ):
            told += 1
    return told


async def cancel(session: AsyncSession, identity: Identity, event_id: int) -> int:
    """Cancel: everyone holding or awaiting a seat is told; their pending reminders and offers go."""
    event = await get_for_methodist(session, identity, event_id, lock=True)
    require_status(event, EventStatus.published)
    event.status = EventStatus.cancelled
    told = await _tell_active(
        session, event, "event_cancel", f"event_cancel:{event.id}",
        lambda user: (f"❌ Мероприятие «{escape(event.title)}» ({fmt(event.starts_at, user.timezone)}) "
                      "отменено организатором. Приносим извинения."),
    )
    await outbox.cancel_pending(session, f"event_change:{event.id}:")
    for registration, _ in await _active(session, event.id):
        await outbox.cancel_pending(session, f"reminder:{registration.id}:")
        await outbox.cancel_pending(session, f"offer:{registration.id}:")
        if registration.status == RegistrationStatus.offered:
            # No seat to hold any more; otherwise the offer would later "lapse" with a message.
            registration.status, registration.offer_expires_at = RegistrationStatus.cancelled, None
    await audit.record(session, identity.telegram_id, "event.cancel", f"event:{event.id}", told=told)
    return told


async def registrants(
    session: AsyncSession, identity: Identity, event_id: int, page: int | None = None, *, only_registered: bool = False
) -> tuple[Event, Paged[Registrant]]:
    """Registered first (by sign-up), then offered, then the waitlist in queue order."""
    event = await get_for_methodist(session, identity, event_id)
    statuses = (RegistrationStatus.registered,) if only_registered else ACTIVE
    where = [EventRegistration.event_id == event.id, EventRegistration.status.in_(statuses)]
    query = (
        select(EventRegistration, User, Organization.name).join(User, User.id == EventRegistration.user_id)
        .outerjoin(Organization, Organization.id == User.organization_id).where(*where)
        .order_by(case({RegistrationStatus.registered: 0, RegistrationStatus.offered: 1},
                       value=EventRegistration.status, else_=2),
                  case((EventRegistration.status == RegistrationStatus.waitlisted, EventRegistration.queued_at),
                       else_=EventRegistration.created_at), EventRegistration.id)
    )
    pages = 1
    if page is not None:
        total = await session.scalar(select(func.count()).select_from(EventRegistration).where(*where)) or 0
        pages = max(1, -(-total // REGISTRANTS_PAGE))
        page = min(max(page, 0), pages - 1)
        query = query.offset(page * REGISTRANTS_PAGE).limit(REGISTRANTS_PAGE)
    rows = (await session.execute(query)).all()
    return event, Paged([Registrant(r, u, name or "") for r, u, name in rows], page or 0, pages)


async def set_attendance(
    session: AsyncSession, identity: Identity, event_id: int, registration_id: int | None, attended: bool,
    now: datetime | None = None,
) -> int:
    """Mark one registrant (or, with None, every registrant); returns how many changed."""
    now = now or utcnow()
    event = await get_for_methodist(session, identity, event_id, lock=True)
    require_status(event, EventStatus.published, EventStatus.closed)
    require_started(event, now, "Отмечать посещение")
    query = select(EventRegistration).where(EventRegistration.event_id == event.id,
                                            EventRegistration.status == RegistrationStatus.registered)
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
            await routes.complete_steps_for_event(session, registration.user_id, event.id)
        if attended and event.status == EventStatus.closed:
            await _request_feedback(session, event, registration)  # marked after closing
    return len(changed)


async def close(session: AsyncSession, identity: Identity, event_id: int, now: datetime | None = None) -> int:
    """Close after the start; everyone marked present is asked for a rating."""
    now = now or utcnow()
    event = await get_for_methodist(session, identity, event_id, lock=True)
    require_status(event, EventStatus.published)
    require_started(event, now, "Завершить мероприятие")
    event.status = EventStatus.closed
    asked = 0
    for registration, _ in await _active(session, event.id):
        if registration.status == RegistrationStatus.registered and registration.attended:
            asked += await _request_feedback(session, event, registration)
    await audit.record(session, identity.telegram_id, "event.close", f"event:{event.id}", asked=asked)
    return asked


async def _request_feedback(session: AsyncSession, event: Event, registration: EventRegistration) -> bool:
    user = await session.get(User, registration.user_id)
    if user is None or user.telegram_id is None:
        return False
    return await outbox.enqueue(
        session, key=f"feedback:{event.id}:{user.id}", chat_id=user.telegram_id, purpose="feedback_request",
        timezone=user.timezone,
        text=f"Спасибо, что были на мероприятии «{escape(event.title)}»! Оцените его, пожалуйста, от 1 до 5:",
        buttons=[[{"text": f"{rating} ⭐",
                   "callback_data": feedback_callback(event.id, rating)} for rating in range(1, 6)]],
    )


async def feedback_summary(
    session: AsyncSession, identity: Identity, event_id: int, page: int
) -> tuple[Event, FeedbackSummary]:
    event = await get_for_methodist(session, identity, event_id)
    average, count = (await session.execute(
        select(func.avg(EventFeedback.rating), func.count()).where(EventFeedback.event_id == event.id))).one()
    where = [EventFeedback.event_id == event.id, EventFeedback.comment.is_not(None), EventFeedback.comment != ""]
    total = await session.scalar(select(func.count()).select_from(EventFeedback).where(*where)) or 0
    pages = max(1, -(-total // COMMENTS_PAGE))
    page = min(max(page, 0), pages - 1)
    comments = await session.scalars(select(EventFeedback).where(*where)
                                     .order_by(EventFeedback.created_at.desc(), EventFeedback.id.desc())
                                     .offset(page * COMMENTS_PAGE).limit(COMMENTS_PAGE))
    average = float(average) if average is not None else None
    return event, FeedbackSummary(average, count, Paged(list(comments), page, pages))
