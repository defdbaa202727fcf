"""/profile: show and edit one field at a time, with the same checks as registration."""

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.middlewares.db import READ_ONLY
from bot.services import orgs, users, validation
from bot.services.errors import InvalidInput, NotRegistered
from bot.services.roles import Identity
from handlers import keyboards, texts, ui
from handlers.callbacks import OrgPickCb, PositionCb, ProfileCb, SubjectCb, TimezoneCb
from handlers.filters import IS_COMMAND, NOT_COMMAND, TYPED
from handlers.org_picker import check_access, render_level
from handlers.registration import parse_position, toggle_subject
from handlers.states import ProfileEdit
from models import OrgKind, User

router = Router(name=__name__)
SAVED = "Сохранено."


def _require_user(identity: Identity) -> User:
    if identity.user is None:
        raise NotRegistered()
    return identity.user


async def _profile_text(session: AsyncSession, identity: Identity) -> str:
    user = _require_user(identity)
    org_name = await orgs.display_name(session, user.organization_id)
    return texts.profile(user, org_name, sorted(identity.roles, key=lambda r: r.value))


@router.message(Command("profile"))
async def show_profile(message: Message, state: FSMContext, session: AsyncSession, identity: Identity) -> None:
    await state.clear()
    await message.answer(await _profile_text(session, identity), reply_markup=keyboards.profile_menu())


@router.callback_query(ProfileCb.filter())
async def edit_field(
    query: CallbackQuery, callback_data: ProfileCb, state: FSMContext, session: AsyncSession, identity: Identity
) -> None:
    user = _require_user(identity)
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


async def _saved(target: Message, state: FSMContext, session: AsyncSession, identity: Identity, **changes) -> None:
    await users.update_profile(session, _require_user(identity), **changes)
    await state.clear()
    await target.answer(f"{SAVED}\n\n{await _profile_text(session, identity)}", reply_markup=keyboards.profile_menu())


@router.message(ProfileEdit.full_name, TYPED)
async def new_name(message: Message, state: FSMContext, session: AsyncSession, identity: Identity) -> None:
    await _saved(message, state, session, identity, full_name=validation.parse_full_name(message.text))


@router.message(ProfileEdit.experience, TYPED)
async def new_experience(message: Message, state: FSMContext, session: AsyncSession, identity: Identity) -> None:
    await _saved(message, state, session, identity, experience_years=validation.parse_experience(message.text))


@router.message(ProfileEdit.birth_year, TYPED)
async def new_birth_year(message: Message, state: FSMContext, session: AsyncSession, identity: Identity) -> None:
    year = validation.parse_birth_year(message.text, message.date.year)
    await _saved(message, state, session, identity, birth_year=year)


@router.callback_query(ProfileEdit.position, PositionCb.filter())
async def new_position(
    query: CallbackQuery, callback_data: PositionCb, state: FSMContext, session: AsyncSession, identity: Identity
) -> None:
    await query.answer()
    await _saved(query.message, state, session, identity, position=parse_position(callback_data.value))


@router.callback_query(ProfileEdit.subjects, SubjectCb.filter())
async def new_subjects(
    query: CallbackQuery, callback_data: SubjectCb, state: FSMContext, session: AsyncSession, identity: Identity
) -> None:
    if await toggle_subject(query, callback_data, state) is None:
        await query.answer()
        await _saved(query.message, state, session, identity, subjects=(await state.get_data()).get("subjects", []))


@router.callback_query(ProfileEdit.timezone, TimezoneCb.filter())
async def new_timezone(
    query: CallbackQuery, callback_data: TimezoneCb, state: FSMContext, session: AsyncSession, identity: Identity
) -> None:
    if callback_data.zone not in dict(keyboards.RUSSIAN_ZONES):
        raise InvalidInput("Выберите часовой пояс кнопкой из списка.")
    await query.answer()
    await _saved(query.message, state, session, identity, timezone=callback_data.zone)


@router.callback_query(OrgPickCb.filter((F.action == "choose") & (F.purpose == "edit")))
async def new_organization(
    query: CallbackQuery, callback_data: OrgPickCb, state: FSMContext, session: AsyncSession, identity: Identity
) -> None:
    await check_access("edit", state, session, identity, callback_data.org_id)
    org = await orgs.get(session, callback_data.org_id)
    if org.kind not in (OrgKind.school, OrgKind.other):
        raise InvalidInput("Выберите конкретную организацию, а не муниципалитет.")
    await query.answer()
    await _saved(query.message, state, session, identity, organization_id=org.id, timezone=org.timezone)


# Another command abandons the edit and runs as usual: otherwise "/route" would be saved as the
# name, or the next message typed anywhere would be.
router.message(StateFilter(ProfileEdit), IS_COMMAND)(ui.leave_dialog_for_command)


@router.message(ProfileEdit.full_name, NOT_COMMAND, flags=READ_ONLY)
@router.message(ProfileEdit.experience, NOT_COMMAND, flags=READ_ONLY)
@router.message(ProfileEdit.birth_year, NOT_COMMAND, flags=READ_ONLY)
async def not_text(message: Message) -> None:
    await message.answer(texts.NEED_TEXT)


@router.message(ProfileEdit.organization, NOT_COMMAND, flags=READ_ONLY)
@router.message(ProfileEdit.position, NOT_COMMAND, flags=READ_ONLY)
@router.message(ProfileEdit.subjects, NOT_COMMAND, flags=READ_ONLY)
@router.message(ProfileEdit.timezone, NOT_COMMAND, flags=READ_ONLY)
async def use_buttons(message: Message) -> None:
    await message.answer("Выберите вариант кнопкой в сообщении выше. /cancel — отменить изменение.")
