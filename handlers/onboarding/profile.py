"""/profile: show and edit one field at a time, with the same checks as registration."""

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.infra.clock import Clock
from bot.middlewares.db import READ_ONLY
from bot.services.onboarding import users
from bot.services.practices.standing import standing
from bot.services.shared import orgs, timefmt, validation
from bot.services.shared.errors import InvalidInput
from bot.services.shared.roles import Identity
from handlers.communities import welcome as communities_welcome
from handlers.courses.ui import course_line
from handlers.onboarding.registration import parse_position, toggle_subject
from handlers.practices import embeds as practices_embeds
from handlers.shared import keyboards, texts, ui
from handlers.shared.access import GatedRouter, Registered
from handlers.shared.callbacks import OrgPickCb, PositionCb, ProfileCb, SubjectCb, TimezoneCb
from handlers.shared.filters import IS_COMMAND, NOT_COMMAND, TYPED
from handlers.shared.org_picker import render_level
from handlers.shared.states import ProfileEdit
from models import OrgKind

SAVED = "Сохранено."


async def _profile_text(session: AsyncSession, identity: Identity, clock: Clock | None = None) -> str:
    user = identity.user
    org_name = await orgs.display_name(session, user.organization_id)
    shared = practices_embeds.line(await standing(session, user.id))  # «транслирует опыт»
    text = texts.profile(user, org_name, sorted(identity.roles, key=lambda r: r.value)) + shared
    if clock is None:  # the short confirmation after an edit
        return text
    return f"{text}\n{await course_line(session, user, clock())}"  # courses of ПК


async def show_profile(
    message: Message, state: FSMContext, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    await state.clear()
    await message.answer(await _profile_text(session, identity, clock), reply_markup=keyboards.profile_menu())


async def edit_field(
    query: CallbackQuery, callback_data: ProfileCb, state: FSMContext, session: AsyncSession, identity: Identity
) -> None:
    user = identity.user
    prompts = {
        "full_name": (ProfileEdit.full_name, texts.ASK_NAME.replace("Спасибо! ", ""), None),
        "position": (ProfileEdit.position, texts.ASK_POSITION, keyboards.positions()),
        "subjects": (ProfileEdit.subjects, texts.ASK_SUBJECTS, keyboards.subjects(user.subjects)),
        "experience": (ProfileEdit.experience, texts.ASK_EXPERIENCE, None),
        "birth_year": (ProfileEdit.birth_year, texts.ASK_BIRTH_YEAR, None),
        "timezone": (ProfileEdit.timezone, "Выберите часовой пояс:", keyboards.timezones()),
    }
    if callback_data.field == "organization":
        await state.set_state(ProfileEdit.organization)
        text, markup = await render_level(session, identity, "edit", 0, 0)
        await ui.show(query, text, markup)
        return
    if callback_data.field not in prompts:
        raise InvalidInput("Это поле нельзя изменить.")
    step, prompt, markup = prompts[callback_data.field]
    await state.set_state(step)
    await state.set_data({"subjects": list(user.subjects)})
    await ui.show(query, f"{prompt}\n(/cancel — отменить)", markup)


async def _saved_in_place(
    query: CallbackQuery,
    state: FSMContext,
    session: AsyncSession,
    identity: Identity,
    clock: Clock | None = None,
    **changes,
) -> None:
    """A choice made with buttons: the picker turns into the saved profile, no buttons left behind.
    With `clock` (new subjects or organization) an auto МО that now matches takes the teacher in."""
    await users.update_profile(session, identity.user, **changes)
    joined = await communities_welcome.after_profile(session, identity.user, clock()) if clock else ""
    await state.clear()
    await ui.show(query, f"{SAVED}\n\n{await _profile_text(session, identity)}{joined}", keyboards.profile_menu())


async def _saved(target: Message, state: FSMContext, session: AsyncSession, identity: Identity, **changes) -> None:
    await users.update_profile(session, identity.user, **changes)
    await state.clear()
    await target.answer(f"{SAVED}\n\n{await _profile_text(session, identity)}", reply_markup=keyboards.profile_menu())


async def new_name(message: Message, state: FSMContext, session: AsyncSession, identity: Identity) -> None:
    await _saved(message, state, session, identity, full_name=validation.parse_full_name(message.text))


async def new_experience(message: Message, state: FSMContext, session: AsyncSession, identity: Identity) -> None:
    await _saved(message, state, session, identity, experience_years=validation.parse_experience(message.text))


async def new_birth_year(message: Message, state: FSMContext, session: AsyncSession, identity: Identity) -> None:
    year = validation.parse_birth_year(message.text, message.date.year)
    await _saved(message, state, session, identity, birth_year=year)


async def new_position(
    query: CallbackQuery, callback_data: PositionCb, state: FSMContext, session: AsyncSession, identity: Identity
) -> None:
    await _saved_in_place(query, state, session, identity, position=parse_position(callback_data.value))


async def new_subjects(
    query: CallbackQuery,
    callback_data: SubjectCb,
    state: FSMContext,
    session: AsyncSession,
    identity: Identity,
    clock: Clock,
) -> None:
    if await toggle_subject(query, callback_data, state) is None:
        subjects = (await state.get_data()).get("subjects", [])
        await _saved_in_place(query, state, session, identity, clock, subjects=subjects)


async def new_timezone(
    query: CallbackQuery, callback_data: TimezoneCb, state: FSMContext, session: AsyncSession, identity: Identity
) -> None:
    if not timefmt.is_listed(callback_data.zone):
        raise InvalidInput("Выберите часовой пояс кнопкой из списка.")
    await _saved_in_place(query, state, session, identity, timezone=callback_data.zone)


async def new_organization(
    query: CallbackQuery,
    callback_data: OrgPickCb,
    state: FSMContext,
    session: AsyncSession,
    identity: Identity,
    clock: Clock,
) -> None:
    org = await orgs.get(session, callback_data.org_id)
    if org.kind not in (OrgKind.school, OrgKind.other):
        raise InvalidInput("Выберите конкретную организацию, а не муниципалитет.")
    await _saved_in_place(query, state, session, identity, clock, organization_id=org.id, timezone=org.timezone)


async def not_text(message: Message) -> None:
    await message.answer(texts.NEED_TEXT)


async def use_buttons(message: Message) -> None:
    await message.answer("Выберите вариант кнопкой в сообщении выше. /cancel — отменить изменение.")


def setup() -> Router:
    router = GatedRouter(name=__name__, who=Registered())
    router.message.register(show_profile, Command("profile"))
    router.callback_query.register(edit_field, ProfileCb.filter())
    router.message.register(new_name, StateFilter(ProfileEdit.full_name), TYPED)
    router.message.register(new_experience, StateFilter(ProfileEdit.experience), TYPED)
    router.message.register(new_birth_year, StateFilter(ProfileEdit.birth_year), TYPED)
    router.callback_query.register(new_position, StateFilter(ProfileEdit.position), PositionCb.filter())
    router.callback_query.register(new_subjects, StateFilter(ProfileEdit.subjects), SubjectCb.filter())
    router.callback_query.register(new_timezone, StateFilter(ProfileEdit.timezone), TimezoneCb.filter())
    router.callback_query.register(
        new_organization,
        StateFilter(ProfileEdit.organization),
        OrgPickCb.filter((F.action == "choose") & (F.purpose == "edit")),
    )
    # Another command abandons the edit and runs as usual: otherwise "/route" would be saved as the
    # name, or the next message typed anywhere would be.
    router.message.register(ui.leave_dialog_for_command, StateFilter(ProfileEdit), IS_COMMAND)
    router.message.register(
        not_text,
        StateFilter(ProfileEdit.full_name, ProfileEdit.experience, ProfileEdit.birth_year),
        NOT_COMMAND,
        flags=READ_ONLY,
    )
    router.message.register(
        use_buttons,
        StateFilter(ProfileEdit.organization, ProfileEdit.position, ProfileEdit.subjects, ProfileEdit.timezone),
        NOT_COMMAND,
        flags=READ_ONLY,
    )
    return router
