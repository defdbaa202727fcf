"""What every methodist action on an event rests on: the scope gate, status and start checks, the
zone times are typed in, paging, and telling everyone who holds or awaits a seat."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.events import seats
from bot.services.events.seats import ACTIVE
from bot.services.shared import outbox, roles
from bot.services.shared.errors import AccessDenied, InvalidInput, NotFound
from bot.services.shared.roles import Identity
from bot.services.shared.timefmt import MOSCOW, fmt
from models import Event, EventRegistration, EventStatus, Organization, Role, User

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


async def author_zone(session: AsyncSession, identity: Identity, org_id: int | None = None) -> str:
    """The zone a methodist types and reads times in: their own, else the organization's."""
    if identity.user is not None:
        return identity.user.timezone
    for candidate in (org_id, *identity.scopes(Role.methodist)):
        org = await session.get(Organization, candidate) if candidate else None
        if org is not None:
            return org.timezone
    return MOSCOW


async def get_for_methodist(session: AsyncSession, identity: Identity, event_id: int, *, lock: bool = False) -> Event:
    roles.require_methodist(identity)
    event = await seats.locked_event(session, event_id) if lock else await session.get(Event, event_id)
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


async def active(session: AsyncSession, event_id: int) -> list[tuple[EventRegistration, User]]:
    rows = await session.execute(
        select(EventRegistration, User)
        .join(User, User.id == EventRegistration.user_id)
        .where(EventRegistration.event_id == event_id, EventRegistration.status.in_(ACTIVE))
        .order_by(EventRegistration.id)
    )
    return [(registration, user) for registration, user in rows.all()]


async def tell_active(session: AsyncSession, event: Event, purpose: str, key: str, text: Callable[[User], str]) -> int:
    told = 0
    for registration, user in await active(session, event.id):
        if user.telegram_id is not None and await outbox.enqueue(
            session,
            key=f"{key}:{registration.id}",
            chat_id=user.telegram_id,
            purpose=purpose,
            urgent=True,
            timezone=user.timezone,
            text=text(user),
        ):
            told += 1
    return told
