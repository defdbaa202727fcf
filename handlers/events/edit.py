"""Editing one field of a published event from its card (/events_admin → «Изменить»): the field is
asked with the same prompt and buttons as in /new_event and parsed by the same parsers, so the
same checks apply; the answer is saved at once and registrants are told of what changed. The
field's buttons are handled by handlers.events.create, which serves both flows."""

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.infra.clock import Clock
from bot.services import events
from bot.services.events import draft as event_draft
from bot.services.events.draft import FIELDS, TEXT_FIELDS
from bot.services.events.seats import SignupPolicy
from bot.services.shared.errors import InvalidInput
from bot.services.shared.roles import Identity
from handlers.events import create_ui as kit
from handlers.events.callbacks import EventAdminCb, EventEdit, NewEvent
from handlers.events.dialog import ask, ask_again, saved
from handlers.shared import ui
from handlers.shared.access import GatedRouter, Methodist
from handlers.shared.filters import TYPED
from models import EventStatus

DRAFT_OPEN = (
    "Сначала закончите создание нового мероприятия (/new_event) или отмените его: /cancel. "
    "Потом измените это мероприятие."
)


async def event_typed(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    identity: Identity,
    signup_policy: SignupPolicy,
    clock: Clock,
) -> None:
    data = await state.get_data()
    if data["field"] not in TEXT_FIELDS:
        text, markup = await ask(data["field"], data, session, identity, step=False)
        await message.answer(f"{kit.ASK_BUTTON}\n\n{text}", reply_markup=markup)
        return
    try:
        told = await events.edit_from_text(
            session, identity, data["event_id"], data["field"], message.text, signup_policy, clock()
        )
    except InvalidInput as exc:
        await ask_again(message, exc, data["field"], data, session, identity)
        return
    await saved(message, state, session, identity, data["event_id"], told, clock=clock)


async def edit_event_field(
    query: CallbackQuery, callback_data: EventAdminCb, state: FSMContext, session: AsyncSession, identity: Identity
) -> None:
    event = await events.get_for_methodist(session, identity, callback_data.event_id)
    events.require_status(event, EventStatus.published)
    if (await state.get_state() or "").startswith(f"{NewEvent.__name__}:"):
        raise InvalidInput(DRAFT_OPEN)  # the edit would silently replace the half-made draft
    if not 0 <= callback_data.arg < len(FIELDS):
        raise InvalidInput("Это поле нельзя изменить.")
    field = FIELDS[callback_data.arg]
    data = {
        "event_id": event.id,
        "field": field,
        "draft": event_draft.draft_from_event(event),
        "zone": await events.author_zone(session, identity, event.scope_org_id),
    }
    await state.set_state(EventEdit.value)
    await state.set_data(data)
    text, markup = await ask(field, data, session, identity, step=False)
    await ui.show(query, f"«{kit.cut(event.title, 200)}» — {kit.FIELD_LABELS[field].lower()}.\n{text}", markup)


def setup() -> Router:
    router = GatedRouter(name=__name__, who=Methodist())
    router.message.register(event_typed, StateFilter(EventEdit.value), TYPED)
    router.callback_query.register(edit_event_field, EventAdminCb.filter(F.action == "field"))
    return router
