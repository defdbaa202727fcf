"""Event announcements: a broadcast draft with the event's card text and a sign-up button,
addressed to everyone in the event's scope. The bot sends the text to the methodist first; the
draft is then created with that message as its copied source (see handlers.broadcasts.handlers) and stays
editable."""

from datetime import datetime
from html import escape

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import broadcasts, events
from bot.services.events import seats
from bot.services.shared import outbox
from bot.services.shared.errors import InvalidInput
from bot.services.shared.labels import event_format
from bot.services.shared.roles import Identity
from bot.services.shared.timefmt import fmt
from models import Broadcast, Event, EventStatus

MAX_DESCRIPTION = 1500


def announcement_text(event: Event) -> str:
    zone = event.timezone
    hours, minutes = divmod(event.duration_min, 60)
    length = " ".join(p for p in (f"{hours} ч" if hours else "", f"{minutes} мин" if minutes else "") if p)
    lines = [
        f"📣 <b>{escape(event.title)}</b>",
        event_format(event.format),
        f"🗓 {fmt(event.starts_at, zone)}" + (f", {length}" if length else ""),
    ]
    if event.place:
        lines.append(f"📍 {escape(event.place)}")
    if event.online_url:
        lines.append(f"🔗 {escape(event.online_url)}")
    description = (event.description or "").strip()
    if len(description) > MAX_DESCRIPTION:
        description = description[:MAX_DESCRIPTION].rstrip() + "…"
    if description:
        lines.append(f"\n{escape(description)}")
    lines.append(
        f"\nЗапись до {fmt(seats.signup_closes_at(event), zone)}. "
        "Нажмите «Записаться» — бот запишет вас и пришлёт карточку мероприятия."
    )
    return "\n".join(lines)


def announcement_buttons(event_id: int) -> list:
    return [[outbox.button("Записаться", "event_join", event_id=event_id)]]


async def announceable_event(session: AsyncSession, identity: Identity, event_id: int, now: datetime) -> Event:
    """The event, if this methodist may announce it now (reads only: the handler sends the text
    before the draft exists)."""
    event = await events.get_for_methodist(session, identity, event_id)
    if event.status != EventStatus.published or event.starts_at <= now:
        raise InvalidInput("Анонсировать можно только предстоящее опубликованное мероприятие.")
    return event


async def create_announcement(
    session: AsyncSession, identity: Identity, event: Event, chat_id: int, message_id: int
) -> Broadcast:
    """A draft copying the announcement the bot has sent to the methodist (chat_id, message_id)."""
    return await broadcasts.create(
        session,
        identity,
        chat_id,
        message_id,
        broadcasts.preview_of(announcement_text(event), html=True),
        spec={"orgs": [event.scope_org_id]},
        event_id=event.id,
        buttons=announcement_buttons(event.id),
    )
