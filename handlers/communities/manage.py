"""The methodist's side of /communities: the communities of their zone, creating one (kind, school
or territory inside their scope, title, description, subjects, the auto option), editing,
archiving and appointing a leader. Ids in buttons and remembered in the dialog are re-checked."""

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.infra.clock import Clock
from bot.middlewares.db import READ_ONLY
from bot.services.communities import common, manage, people
from bot.services.communities.manage import AUTO_KINDS, Draft
from bot.services.onboarding.users import SUBJECTS
from bot.services.shared.errors import AccessDenied
from bot.services.shared.labels import AREA_TITLES
from bot.services.shared.roles import Identity
from handlers.communities import manage_ui
from handlers.communities.browse import render_card, show_candidates
from handlers.communities.callbacks import CommCb, CommunityFlow
from handlers.shared import texts, ui
from handlers.shared.access import GatedRouter, Methodist
from handlers.shared.filters import TYPED


async def scope_list(query: CallbackQuery, callback_data: CommCb, session: AsyncSession, identity: Identity) -> None:
    items, page, pages = await manage.in_scope(session, identity, callback_data.page)
    await ui.show(query, manage_ui.scope_text(items), manage_ui.scope_kb(items, page, pages))


async def new(query: CallbackQuery, state: FSMContext) -> None:
    await state.clear()
    await ui.show(query, manage_ui.ASK_KIND, manage_ui.kind_kb())


async def kind(
    query: CallbackQuery, callback_data: CommCb, state: FSMContext, session: AsyncSession, identity: Identity
) -> None:
    chosen = common.parse_kind(callback_data.value)
    level = await identity.scope.level(session, 0, 0)
    await state.clear()
    await state.set_data({"kind": chosen.value})
    await ui.show(query, manage_ui.org_text(chosen, level), manage_ui.org_kb(level))


async def _draft_kind(state: FSMContext):
    data = await state.get_data()
    if "kind" not in data:
        raise AccessDenied(texts.STALE_BUTTON)
    return common.parse_kind(data["kind"]), data


async def org_level(
    query: CallbackQuery, callback_data: CommCb, state: FSMContext, session: AsyncSession, identity: Identity
) -> None:
    chosen, _ = await _draft_kind(state)
    level = await identity.scope.level(session, callback_data.id, callback_data.page)
    await ui.show(query, manage_ui.org_text(chosen, level), manage_ui.org_kb(level))


async def org_pick(
    query: CallbackQuery, callback_data: CommCb, state: FSMContext, session: AsyncSession, identity: Identity
) -> None:
    chosen, data = await _draft_kind(state)
    await manage.check_scope(session, identity, chosen, callback_data.id)
    await state.set_state(CommunityFlow.title)
    await state.set_data({**data, "org": callback_data.id})
    await ui.show(query, manage_ui.ASK_TITLE)


async def got_title(message: Message, state: FSMContext) -> None:
    title = manage.check_title(message.text)
    await state.update_data(title=title)
    await state.set_state(CommunityFlow.description)
    await message.answer(manage_ui.ASK_DESCRIPTION)


async def got_description(message: Message, state: FSMContext) -> None:
    description = manage.check_description(message.text)
    await state.update_data(description=description, subjects=[])
    await state.set_state(CommunityFlow.subjects)
    await message.answer(manage_ui.ASK_SUBJECTS, reply_markup=manage_ui.subjects_kb([]))


async def toggle_subject(query: CallbackQuery, callback_data: CommCb, state: FSMContext) -> None:
    if not 0 <= callback_data.page < len(SUBJECTS):
        raise AccessDenied(texts.STALE_BUTTON)
    subject = SUBJECTS[callback_data.page]
    chosen = list((await state.get_data()).get("subjects", []))
    chosen = [s for s in chosen if s != subject] if subject in chosen else [*chosen, subject]
    await state.update_data(subjects=chosen)
    await ui.show(query, manage_ui.subjects_text(chosen), manage_ui.subjects_kb(chosen))


async def subjects_done(query: CallbackQuery, state: FSMContext) -> None:
    await _draft_kind(state)
    await state.update_data(areas=[])
    await ui.show(query, manage_ui.areas_text([]), manage_ui.areas_kb([]))


async def toggle_area(query: CallbackQuery, callback_data: CommCb, state: FSMContext) -> None:
    codes = list(AREA_TITLES)
    if not 0 <= callback_data.page < len(codes):
        raise AccessDenied(texts.STALE_BUTTON)
    code = codes[callback_data.page]
    chosen = list((await state.get_data()).get("areas", []))
    chosen = [a for a in chosen if a != code] if code in chosen else [*chosen, code]
    await state.update_data(areas=chosen)
    await ui.show(query, manage_ui.areas_text(chosen), manage_ui.areas_kb(chosen))


async def areas_done(
    query: CallbackQuery, state: FSMContext, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    chosen, data = await _draft_kind(state)
    if chosen in AUTO_KINDS and data.get("subjects"):
        await ui.show(query, manage_ui.ASK_AUTO, manage_ui.auto_kb())
        return
    await _create(query, state, session, identity, clock, auto=False)


async def auto(
    query: CallbackQuery,
    callback_data: CommCb,
    state: FSMContext,
    session: AsyncSession,
    identity: Identity,
    clock: Clock,
) -> None:
    await _create(query, state, session, identity, clock, auto=callback_data.value == "1")


async def _create(
    query: CallbackQuery, state: FSMContext, session: AsyncSession, identity: Identity, clock: Clock, *, auto: bool
) -> None:
    chosen, data = await _draft_kind(state)
    draft = Draft(
        chosen,
        int(data.get("org") or 0),
        data.get("title", ""),
        data.get("description", ""),
        tuple(data.get("subjects", [])),
        auto,
        tuple(data.get("areas", [])),
    )
    community, added = await manage.create(session, identity, draft, clock())
    await state.clear()
    await render_card(query, session, identity, community.id, manage_ui.created(community, added))


async def lead_list(query: CallbackQuery, callback_data: CommCb, session: AsyncSession, identity: Identity) -> None:
    await show_candidates(query, callback_data, session, identity, for_leader=True)


async def lead_pick(
    query: CallbackQuery, callback_data: CommCb, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    done = await people.appoint_leader(session, identity, callback_data.id, callback_data.user, clock())
    notice = "✅ Руководитель назначен, ему придёт сообщение." if done else "Этот педагог уже руководит сообществом."
    await render_card(query, session, identity, callback_data.id, notice)


async def ask_edit(
    query: CallbackQuery, callback_data: CommCb, state: FSMContext, session: AsyncSession, identity: Identity
) -> None:
    if callback_data.value not in manage_ui.EDIT_PROMPTS:
        raise AccessDenied(texts.STALE_BUTTON)
    community = await common.require_methodist(session, identity, callback_data.id)
    await state.set_state(CommunityFlow.edit)
    await state.set_data({"id": community.id, "field": callback_data.value})
    await ui.show(query, manage_ui.EDIT_PROMPTS[callback_data.value])


async def got_edit(message: Message, state: FSMContext, session: AsyncSession, identity: Identity) -> None:
    data = await state.get_data()
    community = await manage.edit(session, identity, int(data.get("id") or 0), data.get("field", ""), message.text)
    await state.clear()
    await message.answer(f"Сохранено. Карточка сообщества «{texts.esc(community.title)}» — в /communities.")


async def archive(
    query: CallbackQuery, callback_data: CommCb, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    archived = callback_data.action == "archive"
    await manage.set_archived(session, identity, callback_data.id, archived, clock())
    notice = "Сообщество перенесено в архив." if archived else "Сообщество снова открыто."
    await render_card(query, session, identity, callback_data.id, notice)


def setup() -> Router:
    router = GatedRouter(name=__name__, who=Methodist())
    router.callback_query.register(scope_list, CommCb.filter(F.action == "scope"), flags=READ_ONLY)
    router.callback_query.register(new, CommCb.filter(F.action == "new"))
    router.callback_query.register(kind, CommCb.filter(F.action == "kind"))
    router.callback_query.register(org_level, CommCb.filter(F.action == "org"), flags=READ_ONLY)
    router.callback_query.register(org_pick, CommCb.filter(F.action == "orgpick"))
    router.message.register(got_title, StateFilter(CommunityFlow.title), TYPED)
    router.message.register(got_description, StateFilter(CommunityFlow.description), TYPED)
    router.callback_query.register(
        toggle_subject, StateFilter(CommunityFlow.subjects), CommCb.filter(F.action == "subj")
    )
    router.callback_query.register(
        subjects_done, StateFilter(CommunityFlow.subjects), CommCb.filter(F.action == "subjdone")
    )
    router.callback_query.register(toggle_area, StateFilter(CommunityFlow.subjects), CommCb.filter(F.action == "area"))
    router.callback_query.register(
        areas_done, StateFilter(CommunityFlow.subjects), CommCb.filter(F.action == "areadone")
    )
    router.callback_query.register(auto, StateFilter(CommunityFlow.subjects), CommCb.filter(F.action == "auto"))
    router.callback_query.register(lead_list, CommCb.filter(F.action == "lead"), flags=READ_ONLY)
    router.callback_query.register(lead_pick, CommCb.filter(F.action == "leadpick"))
    router.callback_query.register(ask_edit, CommCb.filter(F.action == "edit"))
    router.message.register(got_edit, StateFilter(CommunityFlow.edit), TYPED)
    router.callback_query.register(archive, CommCb.filter(F.action.in_({"archive", "restore"})))
    return router
