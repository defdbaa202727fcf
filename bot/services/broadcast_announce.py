"""Event announcements: a broadcast draft with the event's card text and a sign-up button,
addressed to everyone in the event's scope. The bot sends the text to the methodist first (that
message becomes the copied source, see handlers.broadcast); the draft stays editable."""

from datetime import datetime
from html import escape

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import broadcasts, events, outbox, signups
from bot.services.errors import InvalidInput
from bot.services.roles import Identity
from bot.services.labels import event_format
from bot.services.timefmt import fmt
from models import Broadcast, Event, EventStatus

MAX_DESCRIPTION = 1500


def announcement_text(event: Event) -> str:
    zone = event.timezone
    hours, minutes = divmod(event.duration_min, 60)
    length = " ".join(p for p in (f"{hours} ч" if hours else "", f"{minutes} мин" if minutes else "") if p)
    lines = [f"📣 <b>{escape(event.title)}</b>", event_format(event.format),
             f"🗓 {fmt(event.starts_at, zone)}" + (f", {length}" if length else "")]
    if event.place:
        lines.append(f"📍 {escape(event.place)}")
    if event.online_url:
        lines.append(f"🔗 {escape(event.online_url)}")
    description = (event.description or "").strip()
    if len(description) > MAX_DESCRIPTION:
        description = description[:MAX_DESCRIPTION].rstrip() + "…"
    if description:
        lines.append(f"\n{escape(description)}")
    lines.append(f"\nЗапись до {fmt(signups.signup_closes_at(event), zone)}. "
                 "Нажмите «Записаться», чтобы открыть карточку мероприятия.")
    return "\n".join(lines)


async def prepare_event_announcement(session: AsyncSession, identity: Identity, event_id: int,
                                     now: datetime) -> Broadcast:
    """A draft whose `preview` holds the announcement's HTML until the bot has sent it to the
    methodist; source_message_id stays 0 (not sendable) until then."""
    event = await events.get_for_methodist(session, identity, event_id)
    if event.status != EventStatus.published or event.starts_at <= now:
        raise InvalidInput("Анонсировать можно только предстоящее опубликованное мероприятие.")
    return await broadcasts.create(
        session, identity, identity.telegram_id, 0, announcement_text(event),
        spec={"orgs": [event.scope_org_id]}, event_id=event.id,
        buttons=[[outbox.button("Записаться", "event_card", event_id=event.id)]],
    )
