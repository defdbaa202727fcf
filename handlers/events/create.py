"""/new_event: a step-by-step dialog with a preview, and edits of a published event's fields through
the same parsers (so the same checks). The draft lives in the FSM storage, so a restart resumes
the dialog. Publishing needs the preview state and the draft's token, and clears the state along
with writing the event; one user's updates run one at a time, so a double tap on «Опубликовать»
finds a stale button instead of making a second event."""

import secrets

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.infra.clock import Clock
from bot.middlewares.db import READ_ONLY
from bot.services import events
from bot.services.events import inputs as event_input
from bot.services.events.inputs import FIELDS, TEXT_FIELDS
from bot.services.events.signups import SignupPolicy
from bot.services.shared import orgs
from bot.services.shared.errors import AccessDenied, InvalidInput
from bot.services.shared.roles import Identity
from handlers.events import manage_ui as kit
from handlers.events.manage import render_card
from handlers.events.manage_ui import EventAdminCb, EventEdit, EventScopeCb, NewEvent, NewEventCb
from handlers.shared import texts, ui
from handlers.shared.access import GatedRouter, Methodist
from handlers.shared.filters import NO_TEXT, TYPED
from models import EventStatus

DRAFT_STATES = [getattr(NewEvent, field) for field in FIELDS]
EDITABLE = StateFilter(*DRAFT_STATES, EventEdit.value)
SCOPE_STEP = StateFilter(NewEvent.scope, EventEdit.value)
Target = Message | CallbackQuery
DRAFT_OPEN = (
    "Сначала закончите создание нового мероприятия (/new_event) или отмените его: /cancel. "
    "Потом измените это мероприятие."
)


async def _reply(target: Target, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    if isinstance(target, CallbackQuery):
        await ui.show(target, text, markup)
    else:
        await target.answer(text, reply_markup=markup)


async def _scope_level(session: AsyncSession, identity: Identity, org_id: int, page: int):
    """One level of the scope chooser; a methodist never climbs above their own scopes."""
    level = await identity.scope.level(session, org_id, page)
    if level.parent is None:
        return "Выберите зону:", kit.scope_level(None, level.page, None)
    return (
        f"<b>{texts.esc(level.parent.name)}</b>: вся зона или уточните:",
        kit.scope_level(level.parent, level.page, level.up),
    )


async def _ask(field: str, data: dict, session: AsyncSession, identity: Identity, *, step: bool):
    text = kit.prompt(field, data["zone"], step=step)
    if field == "scope":
        level_text, markup = await _scope_level(session, identity, 0, 0)
        return f"{text}\n\n{level_text}", markup
    markups = {
        "format": kit.formats,
        "areas": lambda: kit.areas(data["draft"].get("areas", [])),
        "capacity": lambda: kit.single("Без ограничений", "cap0"),
        "deadline": lambda: kit.single("До начала", "dl0"),
    }
    return text, markups[field]() if field in markups else None


async def _ask_again(message: Message, exc: InvalidInput, field: str, data: dict, session, identity) -> None:
    """A refused answer: the reason, and the step's buttons again (the old ones scrolled away)."""
    _, markup = await _ask(field, data, session, identity, step=False)
    await message.answer(exc.user_message, reply_markup=markup)


async def _preview(data: dict, session: AsyncSession):
    scope_name = await orgs.display_name(session, data["draft"]["scope_org_id"])
    text = kit.describe(data["draft"], scope_name, data["zone"])
    return f"<b>Проверьте мероприятие перед публикацией</b>\n\n{text}", kit.preview(data["token"])


async def _expect(state: FSMContext, field: str) -> dict:
    """Buttons are user input: accept one only at the dialog step it belongs to."""
    current, data = await state.get_state(), await state.get_data()
    editing_event = current == EventEdit.value.state and data.get("field") == field
    if not editing_event and current != getattr(NewEvent, field).state:
        raise AccessDenied(texts.STALE_BUTTON)
    return data


async def _advance(target: Target, state: FSMContext, field: str, changes: dict, session, identity) -> None:
    data = await state.get_data()
    data["draft"] = event_input.merge(data["draft"], changes)
    if data.get("editing") or field == FIELDS[-1]:
        data["editing"] = True  # from now on every answer returns to the preview
        await state.set_state(NewEvent.preview)
        await state.set_data(data)
        await _reply(target, *await _preview(data, session))
        return
    following = FIELDS[FIELDS.index(field) + 1]
    await state.set_state(getattr(NewEvent, following))
    await state.set_data(data)
    await _reply(target, *await _ask(following, data, session, identity, step=True))


async def _saved(target: Target, state: FSMContext, session, identity, event_id: int, told: int, clock: Clock) -> None:
    await state.clear()
    note = "Сохранено." + (f" Участникам отправлено уведомление об изменениях: {told}." if told else "")
    body, markup = await render_card(session, identity, event_id, clock=clock)
    await _reply(target, f"{note}\n\n{body}", markup)


async def _apply(
    target: Target, state: FSMContext, session, identity, policy: SignupPolicy, field: str, changes: dict, clock: Clock
) -> None:
    data = await _expect(state, field)
    if await state.get_state() == EventEdit.value.state:
        told = await events.update(session, identity, data["event_id"], changes, policy, clock())
        await _saved(target, state, session, identity, data["event_id"], told, clock=clock)
    else:
        await _advance(target, state, field, changes, session, identity)


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
        text, markup = await _ask(field, data, session, identity, step=False)
        await message.answer(f"{kit.ASK_BUTTON}\n\n{text}", reply_markup=markup)
        return
    try:
        changes = event_input.parse_field(field, message.text, zone=data["zone"], now=clock(), draft=data["draft"])
    except InvalidInput as exc:
        await _ask_again(message, exc, field, data, session, identity)
        return
    await _advance(message, state, field, changes, session, identity)


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
        text, markup = await _ask(data["field"], data, session, identity, step=False)
        await message.answer(f"{kit.ASK_BUTTON}\n\n{text}", reply_markup=markup)
        return
    try:
        told = await events.edit_from_text(
            session, identity, data["event_id"], data["field"], message.text, signup_policy, clock()
        )
    except InvalidInput as exc:
        await _ask_again(message, exc, data["field"], data, session, identity)
        return
    await _saved(message, state, session, identity, data["event_id"], told, clock=clock)


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
    await _apply(
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
    data = await _expect(state, "areas")
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
        draft = (await _expect(state, "areas"))["draft"]
        field, changes = "areas", {"areas": event_input.check_areas(draft.get("areas", []))}
    else:
        field = "capacity" if callback_data.action == "cap0" else "deadline"
        changes = {"capacity": None} if field == "capacity" else {"deadline": None}
    await _apply(query, state, session, identity, signup_policy, field, changes, clock=clock)


async def scope_open(
    query: CallbackQuery, callback_data: EventScopeCb, state: FSMContext, session: AsyncSession, identity: Identity
) -> None:
    await _expect(state, "scope")
    await ui.show(query, *await _scope_level(session, identity, callback_data.org_id, callback_data.page))


async def scope_pick(
    query: CallbackQuery,
    callback_data: EventScopeCb,
    state: FSMContext,
    session: AsyncSession,
    identity: Identity,
    signup_policy: SignupPolicy,
    clock: Clock,
) -> None:
    await _expect(state, "scope")
    org = await identity.scope.org(session, callback_data.org_id)
    if await state.get_state() == NewEvent.scope.state:
        await state.update_data(zone=await events.author_zone(session, identity, org.id))
    await _apply(query, state, session, identity, signup_policy, "scope", {"scope_org_id": org.id}, clock=clock)


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
        await ui.show(query, *await _preview(data, session))
    elif 0 <= callback_data.value < len(FIELDS):
        field = FIELDS[callback_data.value]
        await state.set_state(getattr(NewEvent, field))
        await ui.show(query, *await _ask(field, data, session, identity, step=False))


async def preview_typed(message: Message, state: FSMContext, session: AsyncSession) -> None:
    text, markup = await _preview(await state.get_data(), session)
    await message.answer(f"Нажмите «Опубликовать», «Изменить…» или «Отмена».\n\n{text}", reply_markup=markup)


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
        "draft": event_input.draft_from_event(event),
        "zone": await events.author_zone(session, identity, event.scope_org_id),
    }
    await state.set_state(EventEdit.value)
    await state.set_data(data)
    text, markup = await _ask(field, data, session, identity, step=False)
    await ui.show(query, f"«{kit.cut(event.title, 200)}» — {kit.FIELD_LABELS[field].lower()}.\n{text}", markup)


def setup() -> Router:
    router = GatedRouter(name=__name__, who=Methodist())
    router.message.register(new_event, Command("new_event"))
    router.message.register(draft_typed, StateFilter(*DRAFT_STATES), TYPED)
    router.message.register(event_typed, StateFilter(EventEdit.value), TYPED)
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
    router.callback_query.register(edit_event_field, EventAdminCb.filter(F.action == "field"))
    return router
