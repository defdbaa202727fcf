"""The dialog in which a teacher shares a practice (or fixes a returned one) and sends it to a
methodist: title, areas, questionnaire items, subject, level, description, material, preview."""

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.infra.clock import Clock
from bot.middlewares.db import READ_ONLY
from bot.services.practices import inputs, publishing
from bot.services.shared.errors import InvalidInput
from bot.services.shared.roles import Identity
from handlers.practices import publish_ui as kit
from handlers.practices.ui import PracticeCb, Practices, PubCb
from handlers.shared import ui
from handlers.shared.access import GatedRouter, Registered
from handlers.shared.filters import NOT_COMMAND, TYPED

# The order of the dialog; «Оставить как было» in a resubmission moves to the next step.
ORDER = [
    Practices.title,
    Practices.areas,
    Practices.items,
    Practices.subject,
    Practices.level,
    Practices.description,
    Practices.material,
    Practices.confirm,
]


async def ask(
    bot: Bot,
    chat_id: int,
    state: FSMContext,
    session: AsyncSession,
    identity: Identity,
    step: State,
    query: CallbackQuery | None = None,
) -> None:
    """Open `step` of the dialog and send its question. The state is written first: the press is
    answered (which commits the update) only after every write."""
    await state.set_state(step)
    text, markup = await _question(state, session, identity, step)
    if query is not None:
        await ui.answer(query)
    await bot.send_message(chat_id, text, reply_markup=markup)


async def _question(state: FSMContext, session: AsyncSession, identity: Identity, step: State):
    data = await state.get_data()
    if step == Practices.title:
        return kit.ASK_TITLE, kit.keep_kb(data, "title")
    if step == Practices.areas:
        return kit.ASK_AREAS, kit.areas_kb(data.get("areas", []))
    if step == Practices.items:
        items = await publishing.known_items(session)
        return kit.ASK_ITEMS, kit.items_kb(items, data.get("areas", []), data.get("items", []))
    if step == Practices.subject:
        return kit.ASK_SUBJECT, kit.subject_kb(list(identity.user.subjects or []), data)
    if step == Practices.level:
        return kit.ASK_LEVEL, kit.level_kb()
    if step == Practices.description:
        return kit.ASK_DESCRIPTION, kit.keep_kb(data, "description")
    if step == Practices.material:
        return kit.ASK_MATERIAL, kit.material_kb(data)
    return kit.preview(data), kit.preview_kb()


def after(step: str | None) -> State:
    index = next(i for i, s in enumerate(ORDER) if s.state == step)
    return ORDER[min(index + 1, len(ORDER) - 1)]


async def share_command(message: Message, state: FSMContext, session: AsyncSession, identity: Identity) -> None:
    await state.clear()
    await ask(message.bot, message.chat.id, state, session, identity, Practices.title)


async def share_button(query: CallbackQuery, state: FSMContext, session: AsyncSession, identity: Identity) -> None:
    await state.clear()
    await ask(query.bot, query.from_user.id, state, session, identity, Practices.title, query)


async def fix(
    query: CallbackQuery, callback_data: PracticeCb, state: FSMContext, session: AsyncSession, identity: Identity
) -> None:
    practice = await publishing.owned(session, identity.user, callback_data.practice_id)
    if practice.status.value == "approved":
        raise InvalidInput("Практика уже одобрена: исправлять нечего.")
    await state.clear()
    await state.set_data(
        {
            "practice_id": practice.id,
            **{k: getattr(practice, k) for k in ("title", "areas", "items", "subject", "level", "description")},
            "material_kind": practice.material_kind,
            "material_ref": practice.material_ref,
            "material_name": practice.material_name,
        }
    )
    await ask(query.bot, query.from_user.id, state, session, identity, Practices.title, query)


async def keep(query: CallbackQuery, state: FSMContext, session: AsyncSession, identity: Identity) -> None:
    await ask(query.bot, query.from_user.id, state, session, identity, after(await state.get_state()), query)


async def got_title(message: Message, state: FSMContext, session: AsyncSession, identity: Identity) -> None:
    await state.update_data(title=inputs.parse_title(message.text))
    await ask(message.bot, message.chat.id, state, session, identity, Practices.areas)


async def toggle_area(query: CallbackQuery, callback_data: PubCb, state: FSMContext) -> None:
    chosen = _toggled((await state.get_data()).get("areas", []), callback_data.value, inputs.AREAS)
    await state.update_data(
        areas=chosen, items=[i for i in (await state.get_data()).get("items", []) if i.split(".")[0] in chosen]
    )
    await ui.show(query, kit.ASK_AREAS, kit.areas_kb(chosen))


async def areas_done(query: CallbackQuery, state: FSMContext, session: AsyncSession, identity: Identity) -> None:
    inputs.parse_areas((await state.get_data()).get("areas"))
    await ask(query.bot, query.from_user.id, state, session, identity, Practices.items, query)


async def toggle_item(query: CallbackQuery, callback_data: PubCb, state: FSMContext, session: AsyncSession) -> None:
    data, items = await state.get_data(), await publishing.known_items(session)
    allowed = [code for code in items if code.split(".")[0] in data.get("areas", [])]
    chosen = _toggled(data.get("items", []), callback_data.value, allowed)
    inputs.parse_items(chosen, data.get("areas", []), set(items))
    await state.update_data(items=chosen)
    await ui.show(query, kit.ASK_ITEMS, kit.items_kb(items, data.get("areas", []), chosen))


async def items_done(query: CallbackQuery, state: FSMContext, session: AsyncSession, identity: Identity) -> None:
    await ask(query.bot, query.from_user.id, state, session, identity, Practices.subject, query)


async def got_subject(message: Message, state: FSMContext, session: AsyncSession, identity: Identity) -> None:
    await state.update_data(subject=inputs.parse_subject(message.text))
    await ask(message.bot, message.chat.id, state, session, identity, Practices.level)


async def subject_button(
    query: CallbackQuery, callback_data: PubCb, state: FSMContext, session: AsyncSession, identity: Identity
) -> None:
    subjects = list(identity.user.subjects or [])
    index = int(callback_data.value) if callback_data.value.isdigit() else -1
    if not 0 <= index < len(subjects):
        raise InvalidInput("Напишите предмет текстом.")
    await state.update_data(subject=inputs.parse_subject(subjects[index]))
    await ask(query.bot, query.from_user.id, state, session, identity, Practices.level, query)


async def level_button(
    query: CallbackQuery, callback_data: PubCb, state: FSMContext, session: AsyncSession, identity: Identity
) -> None:
    await state.update_data(level=inputs.parse_level(callback_data.value))
    await ask(query.bot, query.from_user.id, state, session, identity, Practices.description, query)


async def got_description(message: Message, state: FSMContext, session: AsyncSession, identity: Identity) -> None:
    await state.update_data(description=inputs.parse_description(message.text))
    await ask(message.bot, message.chat.id, state, session, identity, Practices.material)


async def got_material(message: Message, state: FSMContext, session: AsyncSession, identity: Identity) -> None:
    if message.document is not None:
        d = message.document
        material = inputs.document(d.file_id, d.file_name, d.mime_type, d.file_size)
    elif message.photo:
        material = inputs.photo(message.photo[-1].file_id, message.photo[-1].file_size)
    elif message.text:
        material = inputs.Material("link", inputs.parse_link(message.text))
    else:
        raise InvalidInput(kit.MATERIAL_KIND)
    await state.update_data(material_kind=material.kind, material_ref=material.ref, material_name=material.name)
    await ask(message.bot, message.chat.id, state, session, identity, Practices.confirm)


async def no_material(query: CallbackQuery, state: FSMContext, session: AsyncSession, identity: Identity) -> None:
    await state.update_data(material_kind=None, material_ref=None, material_name=None)
    await ask(query.bot, query.from_user.id, state, session, identity, Practices.confirm, query)


async def send(query: CallbackQuery, state: FSMContext, session: AsyncSession, identity: Identity, clock: Clock):
    data = await state.get_data()
    await publishing.submit(session, identity.user, data, clock(), data.get("practice_id"))
    await state.clear()
    await ui.show(query, kit.SENT)


async def use_buttons(message: Message) -> None:
    await message.answer(kit.USE_BUTTONS)


async def need_text(message: Message) -> None:
    await message.answer(kit.NEED_TEXT)


def _toggled(chosen: list[str], code: str, allowed) -> list[str]:
    if code not in allowed:
        raise InvalidInput("Выберите кнопкой из списка.")
    return sorted(set(chosen) ^ {code})


def setup() -> Router:
    router = GatedRouter(name=__name__, who=Registered())
    router.message.register(share_command, Command("share_practice"))
    router.callback_query.register(share_button, PracticeCb.filter(F.action == "share"))
    router.callback_query.register(fix, PracticeCb.filter(F.action == "fix"))
    router.callback_query.register(keep, StateFilter(*ORDER[:-1]), PubCb.filter(F.action == "keep"))
    router.message.register(got_title, StateFilter(Practices.title), TYPED)
    router.callback_query.register(toggle_area, StateFilter(Practices.areas), PubCb.filter(F.action == "area"))
    router.callback_query.register(areas_done, StateFilter(Practices.areas), PubCb.filter(F.action == "areas_done"))
    router.callback_query.register(toggle_item, StateFilter(Practices.items), PubCb.filter(F.action == "item"))
    router.callback_query.register(items_done, StateFilter(Practices.items), PubCb.filter(F.action == "items_done"))
    router.message.register(got_subject, StateFilter(Practices.subject), TYPED)
    router.callback_query.register(subject_button, StateFilter(Practices.subject), PubCb.filter(F.action == "subject"))
    router.callback_query.register(level_button, StateFilter(Practices.level), PubCb.filter(F.action == "level"))
    router.message.register(got_description, StateFilter(Practices.description), TYPED)
    router.message.register(got_material, StateFilter(Practices.material), NOT_COMMAND)
    router.callback_query.register(
        no_material, StateFilter(Practices.material), PubCb.filter(F.action == "no_material")
    )
    router.callback_query.register(send, StateFilter(Practices.confirm), PubCb.filter(F.action == "send"))
    buttons_only = (Practices.areas, Practices.items, Practices.level, Practices.confirm)
    router.message.register(use_buttons, StateFilter(*buttons_only), NOT_COMMAND, flags=READ_ONLY)
    typed_only = (Practices.title, Practices.subject, Practices.description)
    router.message.register(need_text, StateFilter(*typed_only), NOT_COMMAND, flags=READ_ONLY)
    return router
