"""The audience screens of a broadcast draft: the summary with its filters, the filter screens
(organizations, roles, positions, subjects, deficit areas, events), toggling a value and «Далее» to
the confirm screen. `render_screen` draws any of them; composing and announcing open the summary."""

from datetime import datetime

from aiogram import F, Router
from aiogram.types import CallbackQuery, InlineKeyboardMarkup
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.infra.clock import Clock
from bot.middlewares.db import READ_ONLY
from bot.services import broadcasts
from bot.services.broadcasts import quiet
from bot.services.broadcasts.audience import event_page, org_level, org_names
from bot.services.shared.errors import InvalidInput
from bot.services.shared.roles import Identity
from handlers.broadcasts import texts as btexts
from handlers.broadcasts import ui as bui
from handlers.broadcasts.callbacks import BcCb
from handlers.shared import ui
from handlers.shared.access import GatedRouter, Methodist
from models import Broadcast, BroadcastStatus, Event

# action → (audience dimension it toggles, screen shown again afterwards)
TOGGLES = {
    "org": ("org", "orgs"),
    "role": ("role", "roles"),
    "pos": ("position", "positions"),
    "subj": ("subject", "subjects"),
    "area": ("deficit", "areas"),
    "ev": ("event", "events"),
}
SCREENS = ("aud", "orgs", "roles", "positions", "subjects", "areas", "events")


async def open_screen(
    query: CallbackQuery, callback_data: BcCb, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    b = await broadcasts.get(session, identity, callback_data.id, BroadcastStatus.draft)
    await ui.show(query, *await render_screen(session, identity, b, callback_data, clock()))


async def toggle(
    query: CallbackQuery, callback_data: BcCb, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    if callback_data.action == "t":
        dimension, value, screen = callback_data.value, "", "aud"
    else:
        (dimension, screen), value = TOGGLES[callback_data.action], callback_data.value
    b = await broadcasts.toggle(session, identity, callback_data.id, dimension, value)
    view = BcCb(action=screen, id=b.id, parent=callback_data.parent, page=callback_data.page)
    await ui.show(query, *await render_screen(session, identity, b, view, clock()))


async def render_screen(
    session: AsyncSession, identity: Identity, b: Broadcast, cb: BcCb, now: datetime
) -> tuple[str, InlineKeyboardMarkup]:
    spec = b.audience
    if cb.action == "orgs":
        parent, level, up = await org_level(session, identity, cb.parent, cb.page)
        return btexts.orgs_title(parent), bui.orgs_kb(b, parent, level, up)
    if cb.action == "events":
        items, page, pages = await event_page(session, identity, cb.page)
        return (btexts.EVENTS_TITLE if items else btexts.NO_EVENTS), bui.events_kb(b, items, page, pages)
    if cb.action in bui.CHOICE_SCREENS:
        action, build, title, width = bui.CHOICE_SCREENS[cb.action]
        return btexts.choices_title(title), bui.choices_kb(b, action, build(spec), width)
    event = await session.get(Event, spec["event"]) if spec.get("event") else None
    recipients = await broadcasts.count(session, identity, b, now)
    text = btexts.audience(b, await org_names(session, spec), event, recipients)
    return text, bui.audience_kb(b)


async def ready(
    query: CallbackQuery,
    callback_data: BcCb,
    session: AsyncSession,
    identity: Identity,
    settings: Settings,
    clock: Clock,
) -> None:
    b = await broadcasts.get(session, identity, callback_data.id, BroadcastStatus.draft)
    recipients = await broadcasts.count(session, identity, b, clock())
    if not recipients:
        raise InvalidInput("По этому фильтру нет ни одного получателя. Измените аудиторию.")
    await ui.show(query, await confirm_text(session, identity, b, recipients, settings, clock()), bui.confirm_kb(b))


async def confirm_text(
    session: AsyncSession, identity: Identity, b: Broadcast, recipients: int, settings: Settings, now: datetime
) -> str:
    """The confirm screen, warning when «send now» would wait for the recipients' quiet hours."""
    hours = quiet.hours(settings.quiet_hours)
    held = await quiet.recipients_in_quiet_hours(session, identity, b, now, hours)
    text = btexts.confirm(b, recipients)
    return f"{text}\n\n{btexts.quiet_warning(held, recipients, hours[1])}" if held and hours else text


def setup() -> Router:
    router = GatedRouter(name=__name__, who=Methodist())
    router.callback_query.register(open_screen, BcCb.filter(F.action.in_(SCREENS)), flags=READ_ONLY)
    router.callback_query.register(toggle, BcCb.filter(F.action.in_(TOGGLES) | (F.action == "t")))
    router.callback_query.register(ready, BcCb.filter(F.action == "next"), flags=READ_ONLY)
    return router
