"""/new_event: a step-by-step dialog with a preview. The draft lives in the FSM storage, so a
restart resumes the dialog. Publishing needs the preview state and the draft's token, and clears the
state along with writing the event; one user's updates run one at a time, so a double tap on
«Опубликовать» finds a stale button instead of making a second event. The field buttons below also
serve editing a published event's field (handlers.events.edit): they share its steps in
handlers.events.dialog, so the same checks apply."""

import secrets

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.infra.clock import Clock
from bot.middlewares.db import READ_ONLY
from bot.services import events
from bot.services.events import draft as event_draft
from bot.services.events import inputs as event_input
from bot.services.events.draft import FIELDS, TEXT_FIELDS
from bot.services.events.seats import SignupPolicy
from bot.services.shared.errors import AccessDenied, InvalidInput
from bot.services.shared.roles import Identity
from handlers.events import create_ui as kit
from handlers.events import dialog
from handlers.events.callbacks import EventEdit, EventScopeCb, NewEvent, NewEventCb
from handlers.events.dialog import DRAFT_STATES, EDITABLE, SCOPE_STEP
from handlers.events.manage import render_card
from handlers.shared import texts, ui
from handlers.shared.access import GatedRouter, Methodist
from handlers.shared.filters import NO_TEXT, TYPED


async def new_event(message: Message, state: FSMContext, session: AsyncSession, identity: Identity) -> None:
    data = {"draft": {}, "zone": await events.author_zone(session, identity), "token": secrets.randbelow(2**31) + 1}
    await state.set_state(NewEvent.title)
    await state.set_data(data)
    await message.answer("<b>Новое мероприятие</b>\n" + kit.prompt("title", data["zone"], step=True))


async def draft_typed(
    message: Message, state: FSMContext, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    field, data = (await state.get_state()).split(":")[-1], await state.get_data()
    if field not in TEXT_FIELDS:
        text, markup = await dialog.ask(field, data, session, identity, step=False)
        await message.answer(f"{kit.ASK_BUTTON}\n\n{text}", reply_markup=markup)
        return
    try:
        changes = event_draft.parse_field(field, message.text, zone=data["zone"], now=clock(), draft=data["draft"])
    except InvalidInput as exc:
        await dialog.ask_again(message, exc, field, data, session, identity)
        return
    await dialog.advance(message, state, field, changes, session, identity)


async def not_text(message: Message) -> None:
    await message.answer(texts.NEED_TEXT)


async def chose_format(
    query: CallbackQuery,
    callback_data: NewEventCb,
    state: FSMContext,
    session: AsyncSession,
    identity: Identity,
    signup_policy: SignupPolicy,
    clock: Clock,
) -> None:
    if not 0 <= callback_data.value < len(kit.FORMATS):
        raise InvalidInput("Выберите формат кнопкой из списка.")
    await dialog.apply(
        query,
        state,
        session,
        identity,
        signup_policy,
        "format",
        {"format": kit.FORMATS[callback_data.value].value},
        clock=clock,
    )


async def toggle_area(query: CallbackQuery, callback_data: NewEventCb, state: FSMContext) -> None:
    data = await dialog.expect(state, "areas")
    data["draft"]["areas"] = event_input.toggle_area(data["draft"].get("areas", []), callback_data.value)
    await state.set_data(data)
    step = await state.get_state() == NewEvent.areas.state and not data.get("editing")
    await ui.show(query, kit.prompt("areas", data["zone"], step=step), kit.areas(data["draft"]["areas"]))


async def button_value(
    query: CallbackQuery,
    callback_data: NewEventCb,
    state: FSMContext,
    session: AsyncSession,
    identity: Identity,
    signup_policy: SignupPolicy,
    clock: Clock,
) -> None:
    if callback_data.action == "areas_done":
        draft = (await dialog.expect(state, "areas"))["draft"]
        field, changes = "areas", {"areas": event_input.check_areas(draft.get("areas", []))}
    else:
        field = "capacity" if callback_data.action == "cap0" else "deadline"
        changes = {"capacity": None} if field == "capacity" else {"deadline": None}
    await dialog.apply(query, state, session, identity, signup_policy, field, changes, clock=clock)


async def scope_open(
    query: CallbackQuery, callback_data: EventScopeCb, state: FSMContext, session: AsyncSession, identity: Identity
) -> None:
    await dialog.expect(state, "scope")
    await ui.show(query, *await dialog.scope_screen(session, identity, callback_data.org_id, callback_data.page))


async def scope_pick(
    query: CallbackQuery,
    callback_data: EventScopeCb,
    state: FSMContext,
    session: AsyncSession,
    identity: Identity,
    signup_policy: SignupPolicy,
    clock: Clock,
) -> None:
    await dialog.expect(state, "scope")
    org = await identity.scope.org(session, callback_data.org_id)
    if await state.get_state() == NewEvent.scope.state:
        await state.update_data(zone=await events.author_zone(session, identity, org.id))
    await dialog.apply(query, state, session, identity, signup_policy, "scope", {"scope_org_id": org.id}, clock=clock)


async def publish(
    query: CallbackQuery,
    callback_data: NewEventCb,
    state: FSMContext,
    session: AsyncSession,
    identity: Identity,
    clock: Clock,
) -> None:
    data = await state.get_data()
    if callback_data.value != data.get("token"):
        raise AccessDenied(texts.STALE_BUTTON)
    event = await events.create(session, identity, data["draft"], clock())
    await state.clear()
    body, markup = await render_card(session, identity, event.id, clock=clock)
    await ui.show(query, f"✅ Мероприятие опубликовано: его видят педагоги выбранной зоны.\n\n{body}", markup)


async def preview_action(
    query: CallbackQuery, callback_data: NewEventCb, state: FSMContext, session: AsyncSession, identity: Identity
) -> None:
    data = await state.get_data()
    if callback_data.action == "drop":
        await state.clear()
        await ui.show(query, kit.DRAFT_DROPPED)
    elif callback_data.action == "edit":
        await ui.show(query, "Что изменить?", kit.draft_fields())
    elif callback_data.action == "back":
        await ui.show(query, *await dialog.preview_screen(data, session))
    elif 0 <= callback_data.value < len(FIELDS):
        field = FIELDS[callback_data.value]
        await state.set_state(getattr(NewEvent, field))
        await ui.show(query, *await dialog.ask(field, data, session, identity, step=False))


async def preview_typed(message: Message, state: FSMContext, session: AsyncSession) -> None:
    text, markup = await dialog.preview_screen(await state.get_data(), session)
    await message.answer(f"Нажмите «Опубликовать», «Изменить…» или «Отмена».\n\n{text}", reply_markup=markup)


def setup() -> Router:
    router = GatedRouter(name=__name__, who=Methodist())
    router.message.register(new_event, Command("new_event"))
    router.message.register(draft_typed, StateFilter(*DRAFT_STATES), TYPED)
    router.message.register(not_text, StateFilter(*DRAFT_STATES, EventEdit.value), NO_TEXT, flags=READ_ONLY)
    router.callback_query.register(chose_format, EDITABLE, NewEventCb.filter(F.action == "fmt"))
    router.callback_query.register(toggle_area, EDITABLE, NewEventCb.filter(F.action == "area"))
    router.callback_query.register(
        button_value, EDITABLE, NewEventCb.filter(F.action.in_({"areas_done", "cap0", "dl0"}))
    )
    router.callback_query.register(scope_open, SCOPE_STEP, EventScopeCb.filter(F.action == "open"))
    router.callback_query.register(scope_pick, SCOPE_STEP, EventScopeCb.filter(F.action == "pick"))
    router.callback_query.register(publish, StateFilter(NewEvent.preview), NewEventCb.filter(F.action == "pub"))
    router.callback_query.register(
        preview_action,
        StateFilter(NewEvent.preview),
        NewEventCb.filter(F.action.in_({"edit", "back", "field", "drop"})),
    )
    router.message.register(preview_typed, StateFilter(NewEvent.preview), TYPED)
    return router
