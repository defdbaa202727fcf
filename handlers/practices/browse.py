"""/practices for every registered person: the list (own deficits first, filters, search), a
practice's card and its material, taking it into the ИОМ, «применил(а)» with a reflection, and the
author's own practices with the reflections colleagues wrote."""

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.infra.clock import Clock
from bot.middlewares.db import READ_ONLY
from bot.services.practices import finding, publishing, using
from bot.services.practices.inputs import AREAS, LEVELS
from bot.services.route.inputs import evidence_kind
from bot.services.shared.errors import InvalidInput
from bot.services.shared.roles import Identity
from bot.services.shared.validation import clean_text
from handlers.practices import browse_ui as kit
from handlers.practices.ui import ListCb, PracticeCb, Practices
from handlers.shared import ui
from handlers.shared.access import GatedRouter, Registered
from handlers.shared.filters import NOT_COMMAND, TYPED, Has


async def _filters(state: FSMContext, cb: ListCb, identity: Identity) -> finding.Filters:
    area = cb.area if cb.area in AREAS else ""
    level = cb.level if cb.level in LEVELS else ""
    query = (await state.get_data()).get("practice_query", "") if cb.q else ""
    subjects = tuple(s.casefold() for s in identity.user.subjects or []) if cb.my else ()
    return finding.Filters(area, level, query, subjects)


async def practices_command(message: Message, state: FSMContext, session: AsyncSession, identity: Identity) -> None:
    await state.clear()
    filters = finding.Filters()
    found = await finding.search(session, identity.user, filters, 0)
    await message.answer(kit.listing(found, filters), reply_markup=kit.listing_kb(found, filters))


async def list_page(
    query: CallbackQuery, callback_data: ListCb, state: FSMContext, session: AsyncSession, identity: Identity
) -> None:
    filters = await _filters(state, callback_data, identity)
    found = await finding.search(session, identity.user, filters, callback_data.page)
    await ui.show(query, kit.listing(found, filters), kit.listing_kb(found, filters))


async def search_start(query: CallbackQuery, state: FSMContext) -> None:
    await state.set_state(Practices.search)
    await ui.answer(query)
    await query.bot.send_message(query.from_user.id, kit.ASK_SEARCH)


async def got_search(message: Message, state: FSMContext, session: AsyncSession, identity: Identity) -> None:
    text = " ".join(clean_text(message.text, finding.MAX_QUERY, "Поиск").split())
    await state.set_state(None)
    await state.update_data(practice_query=text)
    filters = finding.Filters(query=text)
    found = await finding.search(session, identity.user, filters, 0)
    await message.answer(kit.listing(found, filters), reply_markup=kit.listing_kb(found, filters))


async def open_card(query: CallbackQuery, callback_data: PracticeCb, session: AsyncSession, identity: Identity) -> None:
    c = await finding.card(session, identity.user, callback_data.practice_id)
    await ui.show(query, kit.card(c, identity.user.timezone), kit.card_kb(c))


async def material(query: CallbackQuery, callback_data: PracticeCb, session: AsyncSession, identity: Identity) -> None:
    practice = await finding.visible(session, identity.user, callback_data.practice_id)
    if practice.material_kind not in ("document", "photo"):
        raise InvalidInput("У этой практики нет файла.")
    await ui.answer(query)
    if practice.material_kind == "photo":
        await query.bot.send_photo(query.from_user.id, practice.material_ref)
    else:
        await query.bot.send_document(query.from_user.id, practice.material_ref)


async def add_ask(query: CallbackQuery, callback_data: PracticeCb, session: AsyncSession, identity: Identity) -> None:
    await finding.visible(session, identity.user, callback_data.practice_id)
    await ui.show(query, kit.ASK_DEADLINE, kit.deadline_kb(callback_data.practice_id))


async def add_to_route(
    query: CallbackQuery, callback_data: PracticeCb, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    step = await using.add_to_route(session, identity.user, callback_data.practice_id, callback_data.value, clock())
    await ui.show(query, kit.added(step.title, step.deadline))


async def applied_start(
    query: CallbackQuery, callback_data: PracticeCb, state: FSMContext, session: AsyncSession, identity: Identity
) -> None:
    c = await finding.card(session, identity.user, callback_data.practice_id)
    if c.use is None or c.use.applied_at is not None:
        raise InvalidInput("Отметить применение можно у практики из вашего ИОМ, и только один раз.")
    await state.set_state(Practices.reflection)
    await state.update_data(practice_id=c.practice.id)
    await ui.answer(query)
    await query.bot.send_message(query.from_user.id, kit.ASK_REFLECTION)


async def got_reflection(
    message: Message, state: FSMContext, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    practice_id = (await state.get_data()).get("practice_id", 0)
    await using.mark_applied(session, identity.user, practice_id, message.text, clock())
    await state.clear()
    await message.answer(kit.APPLIED)


async def got_evidence(
    message: Message, state: FSMContext, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    """A photo or PDF with the reflection as its caption: the evidence goes with the ИОМ step."""
    if not message.caption:
        raise InvalidInput("Добавьте к файлу подпись — короткую рефлексию — или напишите её текстом.")
    document = message.document
    try:
        kind = evidence_kind(
            photo=bool(message.photo),
            mime_type=document.mime_type if document else None,
            file_name=document.file_name if document else None,
        )
    except InvalidInput:
        raise InvalidInput("Приложить можно фото или PDF-документ.") from None
    file_id = message.photo[-1].file_id if message.photo else document.file_id
    practice_id = (await state.get_data()).get("practice_id", 0)
    await using.mark_applied(
        session, identity.user, practice_id, message.caption, clock(), file_id=file_id, file_kind=kind
    )
    await state.clear()
    await message.answer(kit.APPLIED)


async def mine(query: CallbackQuery, session: AsyncSession, identity: Identity) -> None:
    found = await publishing.mine(session, identity.user)
    await ui.show(query, kit.mine(found), kit.mine_kb(found))


async def mine_open(query: CallbackQuery, callback_data: PracticeCb, session: AsyncSession, identity: Identity) -> None:
    await publishing.owned(session, identity.user, callback_data.practice_id)
    await open_card(query, callback_data, session, identity)


async def reflections(
    query: CallbackQuery, callback_data: PracticeCb, session: AsyncSession, identity: Identity
) -> None:
    practice, found = await using.reflections(session, identity.user, callback_data.practice_id)
    await ui.show(query, kit.reflections(practice.title, found, identity.user.timezone))


async def need_text(message: Message) -> None:
    await message.answer("Пожалуйста, ответьте текстом. /cancel — отмена.")


def setup() -> Router:
    router = GatedRouter(name=__name__, who=Registered())
    router.message.register(practices_command, Command("practices"))
    router.callback_query.register(list_page, ListCb.filter(), flags=READ_ONLY)
    router.callback_query.register(search_start, PracticeCb.filter(F.action == "search"))
    router.message.register(got_search, StateFilter(Practices.search), TYPED)
    router.callback_query.register(open_card, PracticeCb.filter(F.action == "open"), flags=READ_ONLY)
    router.callback_query.register(mine_open, PracticeCb.filter(F.action == "mine_open"), flags=READ_ONLY)
    router.callback_query.register(material, PracticeCb.filter(F.action == "material"), flags=READ_ONLY)
    router.callback_query.register(add_ask, PracticeCb.filter(F.action == "add"), flags=READ_ONLY)
    router.callback_query.register(add_to_route, PracticeCb.filter(F.action == "deadline"))
    router.callback_query.register(applied_start, PracticeCb.filter(F.action == "applied"))
    router.message.register(got_reflection, StateFilter(Practices.reflection), TYPED)
    router.message.register(got_evidence, StateFilter(Practices.reflection), Has("photo", "document"))
    router.callback_query.register(mine, PracticeCb.filter(F.action == "mine"), flags=READ_ONLY)
    router.callback_query.register(reflections, PracticeCb.filter(F.action == "reflections"), flags=READ_ONLY)
    router.message.register(
        need_text, StateFilter(Practices.search, Practices.reflection), NOT_COMMAND, flags=READ_ONLY
    )
    return router
