"""Publishing, editing and cancelling an event; participants are told about changes that matter
to them, reminders are rewritten and freed seats are offered to the waitlist."""

from datetime import datetime
from html import escape

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.events import draft as event_draft
from bot.services.events import reminders, seats, waitlist
from bot.services.events.common import active, author_zone, get_for_methodist, require_status, tell_active
from bot.services.events.seats import SignupPolicy
from bot.services.shared import audit, orgs, outbox, roles
from bot.services.shared.errors import InvalidInput
from bot.services.shared.roles import Identity
from bot.services.shared.timefmt import fmt
from models import AuditEntry, Event, EventStatus, RegistrationStatus, User


async def create(session: AsyncSession, identity: Identity, draft: dict, now: datetime) -> Event:
    roles.require_methodist(identity)
    event_draft.validate(draft, now)
    values = event_draft.event_values(draft)
    await orgs.get(session, values["scope_org_id"])
    await roles.require_methodist_for(session, identity, values["scope_org_id"])
    event = Event(
        **values,
        status=EventStatus.published,
        organizer_telegram_id=identity.telegram_id,
        timezone=await author_zone(session, identity, values["scope_org_id"]),
    )
    session.add(event)
    await session.flush()
    await audit.record(
        session, identity.telegram_id, "event.create", f"event:{event.id}", title=event.title, scope=event.scope_org_id
    )
    return event


async def edit_from_text(
    session: AsyncSession,
    identity: Identity,
    event_id: int,
    field: str,
    text: str | None,
    policy: SignupPolicy,
    now: datetime,
) -> int:
    event = await get_for_methodist(session, identity, event_id)
    changes = event_draft.parse_field(
        field,
        text,
        zone=await author_zone(session, identity, event.scope_org_id),
        now=now,
        draft=event_draft.draft_from_event(event),
    )
    return await update(session, identity, event_id, changes, policy, now)


async def update(
    session: AsyncSession,
    identity: Identity,
    event_id: int,
    changes: dict,
    policy: SignupPolicy,
    now: datetime,
) -> int:
    """Apply draft-shaped changes; returns how many participants were told about them."""
    event = await get_for_methodist(session, identity, event_id, lock=True)
    require_status(event, EventStatus.published)
    before = event_draft.draft_from_event(event)
    after = event_draft.merge(before, changes)
    changed = {name for name, value in after.items() if before.get(name) != value}
    if not changed:
        return 0
    event_draft.validate(after, now, changed)
    if "scope_org_id" in changed:
        await orgs.get(session, after["scope_org_id"])
        await roles.require_methodist_for(session, identity, after["scope_org_id"])
    if "capacity" in changed and after["capacity"] is not None:
        taken = await seats.seats_taken(session, event.id)
        if after["capacity"] < taken:
            raise InvalidInput(f"Мест не может быть меньше, чем уже занято: {taken}.")
    grew = (
        "capacity" in changed
        and event.capacity is not None
        and (after["capacity"] is None or event.capacity < after["capacity"])
    )
    old_start = event.starts_at
    for name, value in event_draft.event_values(after).items():
        setattr(event, name, value)
    version = 1 + (
        await session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "event.edit", AuditEntry.target == f"event:{event.id}")
        )
        or 0
    )
    await audit.record(session, identity.telegram_id, "event.edit", f"event:{event.id}", fields=sorted(changed))
    told = 0
    if changed & {"starts_at", "place", "online_url"}:
        told = await tell_active(
            session,
            event,
            "event_change",
            f"event_change:{event.id}:{version}",
            lambda user: _change_text(event, old_start, "starts_at" in changed, user),
        )
        # Reminders carry the time and the place in their text: rewrite them.
        await reminders.reschedule_reminders(session, event, policy, now)
    if grew:
        await waitlist.fill_free_seats(session, event, policy, now)
    return told


def _change_text(event: Event, old_start: datetime, moved: bool, user: User) -> str:
    lines = [f"⚠️ Изменения в мероприятии «{escape(event.title)}»:"]
    if moved:
        lines.append(
            f"Новое время начала: {fmt(event.starts_at, user.timezone)} (было {fmt(old_start, user.timezone)})."
        )
    else:
        lines.append(f"Начало: {fmt(event.starts_at, user.timezone)}.")
    where = f"Ссылка: {escape(event.online_url)}" if event.online_url else f"Место: {escape(event.place or '')}"
    lines.append(where)
    lines.append("Ваша запись сохраняется. Если новые условия не подходят, отмените её в /my_events.")
    return "\n".join(lines)


async def cancel(session: AsyncSession, identity: Identity, event_id: int) -> int:
    """Cancel: everyone holding or awaiting a seat is told; their pending reminders and offers go."""
    event = await get_for_methodist(session, identity, event_id, lock=True)
    require_status(event, EventStatus.published)
    event.status = EventStatus.cancelled
    told = await tell_active(
        session,
        event,
        "event_cancel",
        f"event_cancel:{event.id}",
        lambda user: (
            f"❌ Мероприятие «{escape(event.title)}» ({fmt(event.starts_at, user.timezone)}) "
            "отменено организатором. Приносим извинения."
        ),
    )
    await outbox.cancel_pending(session, f"event_change:{event.id}:")
    for registration, _ in await active(session, event.id):
        await outbox.cancel_pending(session, f"reminder:{registration.id}:")
        await outbox.cancel_pending(session, f"offer:{registration.id}:")
        if registration.status == RegistrationStatus.offered:
            # No seat to hold any more; otherwise the offer would later "lapse" with a message.
            registration.status, registration.offer_expires_at = RegistrationStatus.cancelled, None
    await audit.record(session, identity.telegram_id, "event.cancel", f"event:{event.id}", told=told)
    return told
