"""The methodist's list of events in their scopes, with registration and attendance counts."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.events.common import Paged
from bot.services.shared import roles
from bot.services.shared.paging import window
from bot.services.shared.roles import Identity
from models import Event, EventRegistration, RegistrationStatus

PAGE_SIZE = 5


@dataclass(frozen=True)
class Counts:
    registered: int = 0
    waitlisted: int = 0
    offered: int = 0
    attended: int = 0


async def list_page(session: AsyncSession, identity: Identity, page: int, now: datetime) -> Paged[Event]:
    """Events in the actor's scopes (admins: all), upcoming first by start, then past, latest first."""
    roles.require_methodist(identity)
    where = []
    inside = await identity.scope.org_ids(session)
    if inside is not None:
        where.append(Event.scope_org_id.in_(sorted(inside)))
    total = await session.scalar(select(func.count()).select_from(Event).where(*where)) or 0
    at = window(total, page, PAGE_SIZE)
    page, pages = at.page, at.pages
    upcoming = Event.starts_at >= now
    rows = await session.scalars(
        select(Event)
        .where(*where)
        .order_by(
            case((upcoming, 0), else_=1), case((upcoming, Event.starts_at)).asc(), Event.starts_at.desc(), Event.id
        )
        .offset(at.offset)
        .limit(at.limit)
    )
    return Paged(list(rows), page, pages)


async def counts_for(session: AsyncSession, event_ids: list[int]) -> dict[int, Counts]:
    found: dict[int, dict[str, int]] = {event_id: {} for event_id in event_ids}
    rows = await session.execute(
        select(
            EventRegistration.event_id,
            EventRegistration.status,
            func.count(),
            func.sum(case((EventRegistration.attended.is_(True), 1), else_=0)),
        )
        .where(EventRegistration.event_id.in_(event_ids))
        .group_by(EventRegistration.event_id, EventRegistration.status)
    )
    for event_id, status, number, attended in rows:
        found[event_id][status.value] = number
        if status == RegistrationStatus.registered:
            found[event_id]["attended"] = int(attended or 0)
    return {
        event_id: Counts(**{k: v for k, v in c.items() if k in Counts.__dataclass_fields__})
        for event_id, c in found.items()
    }
