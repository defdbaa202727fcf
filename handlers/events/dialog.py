"""The steps shared by the /new_event dialog (handlers.events.create) and editing one field of a
published event (handlers.events.edit): asking for a field with its buttons, asking again after a
refused answer, accepting a button only at its own step, moving the draft on to the next field or
the preview, and saving an edit. The draft and its dialog state live in the FSM storage."""

from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.infra.clock import Clock
from bot.services import events
from bot.services.events import draft as event_draft
from bot.services.events.draft import FIELDS
from bot.services.events.seats import SignupPolicy
from bot.services.shared import orgs
from bot.services.shared.errors import AccessDenied, InvalidInput
from bot.services.shared.roles import Identity
from handlers.events import create_ui as kit
from handlers.events.callbacks import EventEdit, NewEvent
from handlers.events.manage import render_card
from handlers.shared import texts, ui

DRAFT_STATES = [getattr(NewEvent, field) for field in FIELDS]
EDITABLE = StateFilter(*DRAFT_STATES, EventEdit.value)
SCOPE_STEP = StateFilter(NewEvent.scope, EventEdit.value)
Target = Message | CallbackQuery


async def reply(target: Target, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    if isinstance(target, CallbackQuery):
        await ui.show(target, text, markup)
    else:
        await target.answer(text, reply_markup=markup)


async def scope_screen(session: AsyncSession, identity: Identity, org_id: int, page: int):
    """One level of the scope chooser; a methodist never climbs above their own scopes."""
    level = await identity.scope.level(session, org_id, page)
    if level.parent is None:
        return "Выберите зону:", kit.scope_level(None, level.page, None)
    return (
        f"<b>{texts.esc(level.parent.name)}</b>: вся зона или уточните:",
        kit.scope_level(level.parent, level.page, level.up),
    )


async def ask(field: str, data: dict, session: AsyncSession, identity: Identity, *, step: bool):
    text = kit.prompt(field, data["zone"], step=step)
    if field == "scope":
        level_text, markup = await scope_screen(session, identity, 0, 0)
        return f"{text}\n\n{level_text}", markup
    markups = {
        "format": kit.formats,
        "areas": lambda: kit.areas(data["draft"].get("areas", [])),
        "capacity": lambda: kit.single("Без ограничений", "cap0"),
        "deadline": lambda: kit.single("До начала", "dl0"),
    }
    return text, markups[field]() if field in markups else None


async def ask_again(message: Message, exc: InvalidInput, field: str, data: dict, session, identity) -> None:
    """A refused answer: the reason, and the step's buttons again (the old ones scrolled away)."""
    _, markup = await ask(field, data, session, identity, step=False)
    await message.answer(exc.user_message, reply_markup=markup)


async def preview_screen(data: dict, session: AsyncSession):
    scope_name = await orgs.display_name(session, data["draft"]["scope_org_id"])
    text = kit.describe(data["draft"], scope_name, data["zone"])
    return f"<b>Проверьте мероприятие перед публикацией</b>\n\n{text}", kit.preview(data["token"])


async def expect(state: FSMContext, field: str) -> dict:
    """Buttons are user input: accept one only at the dialog step it belongs to."""
    current, data = await state.get_state(), await state.get_data()
    editing_event = current == EventEdit.value.state and data.get("field") == field
    if not editing_event and current != getattr(NewEvent, field).state:
        raise AccessDenied(texts.STALE_BUTTON)
    return data


async def advance(target: Target, state: FSMContext, field: str, changes: dict, session, identity) -> None:
    data = await state.get_data()
    data["draft"] = event_draft.merge(data["draft"], changes)
    if data.get("editing") or field == FIELDS[-1]:
        data["editing"] = True  # from now on every answer returns to the preview
        await state.set_state(NewEvent.preview)
        await state.set_data(data)
        await reply(target, *await preview_screen(data, session))
        return
    following = FIELDS[FIELDS.index(field) + 1]
    await state.set_state(getattr(NewEvent, following))
    await state.set_data(data)
    await reply(target, *await ask(following, data, session, identity, step=True))


async def saved(target: Target, state: FSMContext, session, identity, event_id: int, told: int, clock: Clock) -> None:
    await state.clear()
    note = "Сохранено." + (f" Участникам отправлено уведомление об изменениях: {told}." if told else "")
    body, markup = await render_card(session, identity, event_id, clock=clock)
    await reply(target, f"{note}\n\n{body}", markup)


async def apply(
    target: Target, state: FSMContext, session, identity, policy: SignupPolicy, field: str, changes: dict, clock: Clock
) -> None:
    data = await expect(state, field)
    if await state.get_state() == EventEdit.value.state:
        told = await events.update(session, identity, data["event_id"], changes, policy, clock())
        await saved(target, state, session, identity, data["event_id"], told, clock=clock)
    else:
        await advance(target, state, field, changes, session, identity)
