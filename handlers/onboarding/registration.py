"""The registration dialog. Every step is saved in the FSM storage (the database by default), so
a restart or a pause resumes at the same step; the user row appears only at the very end."""

from datetime import datetime

from aiogram import Bot, F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.infra.clock import Clock
from bot.middlewares.db import READ_ONLY
from bot.services.onboarding import invites, users
from bot.services.shared import orgs, validation
from bot.services.shared.errors import DomainError, InvalidInput
from bot.services.shared.roles import Identity
from handlers.communities import welcome as communities_welcome
from handlers.shared import keyboards, texts, ui
from handlers.shared.callbacks import OrgPickCb, PositionCb, SubjectCb
from handlers.shared.commands import publish_menu
from handlers.shared.filters import NOT_COMMAND, TYPED
from handlers.shared.org_picker import render_level
from handlers.shared.states import Registration
from models import OrgKind, Position, Role

USE_BUTTONS = "На этом шаге выберите вариант кнопкой. /cancel — прервать регистрацию."


async def prompt_for(
    state_name: str, data: dict, session: AsyncSession, identity: Identity
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The question of a step, used both to move forward and to resume after a pause."""
    if state_name == Registration.organization.state:
        return await render_level(session, identity, "reg", 0, 0)
    if state_name == Registration.position.state:
        return texts.ASK_POSITION, keyboards.positions()
    if state_name == Registration.subjects.state:
        return texts.ASK_SUBJECTS, keyboards.subjects(data.get("subjects", []))
    if state_name == Registration.experience.state:
        return texts.ASK_EXPERIENCE, None
    if state_name == Registration.birth_year.state:
        return texts.ASK_BIRTH_YEAR, None
    return texts.ASK_NAME, None


async def got_name(
    message: Message, state: FSMContext, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    name = validation.parse_full_name(message.text)
    data = await state.update_data(full_name=name)
    if data.get("invite"):
        try:
            invite = await invites.find_valid(session, data["invite"], clock())
            await state.update_data(organization_id=invite.organization_id)
            await _ask(message, state, Registration.position, session, identity)
            return
        except DomainError as exc:
            await state.update_data(invite="")
            await message.answer(f"{exc.user_message}\nВыберите организацию сами.")
    await _ask(message, state, Registration.organization, session, identity)


async def got_organization(
    query: CallbackQuery, callback_data: OrgPickCb, state: FSMContext, session: AsyncSession, identity: Identity
) -> None:
    org = await orgs.get(session, callback_data.org_id)
    if org.kind not in (OrgKind.school, OrgKind.other):
        raise InvalidInput("Выберите конкретную организацию, а не муниципалитет.")
    await state.update_data(organization_id=org.id)
    await state.set_state(Registration.position)
    await ui.show(query, f"Организация: <b>{texts.esc(org.name)}</b>\n\n{texts.ASK_POSITION}", keyboards.positions())


async def got_position(query: CallbackQuery, callback_data: PositionCb, state: FSMContext) -> None:
    position = parse_position(callback_data.value)
    await state.update_data(position=position.value, subjects=[])
    await state.set_state(Registration.subjects)
    await ui.show(
        query, f"Должность: {texts.POSITION_LABELS[position]}\n\n{texts.ASK_SUBJECTS}", keyboards.subjects([])
    )


async def got_subject(query: CallbackQuery, callback_data: SubjectCb, state: FSMContext) -> None:
    chosen = await toggle_subject(query, callback_data, state)
    if chosen is None:
        await state.set_state(Registration.experience)
        picked = ", ".join((await state.get_data()).get("subjects", [])) or "не выбраны"
        await ui.show(query, f"Предметы: {texts.esc(picked)}\n\n{texts.ASK_EXPERIENCE}")


def parse_position(value: str) -> Position:
    try:
        return Position(value)
    except ValueError:
        raise InvalidInput("Выберите должность кнопкой из списка.") from None


async def toggle_subject(query: CallbackQuery, callback_data: SubjectCb, state: FSMContext) -> list[str] | None:
    """Toggle one subject and redraw; None when the user pressed "done"."""
    if callback_data.index == -1:
        return None
    if not 0 <= callback_data.index < len(users.SUBJECTS):
        raise InvalidInput("Неизвестный предмет, выберите из списка.")
    subject = users.SUBJECTS[callback_data.index]
    chosen = list((await state.get_data()).get("subjects", []))
    if subject in chosen:
        chosen.remove(subject)
    else:
        chosen = users.check_subjects(chosen + [subject])
    await state.update_data(subjects=chosen)
    await ui.show(query, texts.ASK_SUBJECTS, keyboards.subjects(chosen))
    return chosen


async def got_experience(message: Message, state: FSMContext, session: AsyncSession, identity: Identity) -> None:
    await state.update_data(experience_years=validation.parse_experience(message.text))
    await _ask(message, state, Registration.birth_year, session, identity)


async def got_birth_year(
    message: Message, state: FSMContext, session: AsyncSession, identity: Identity, bot: Bot, clock: Clock
) -> None:
    year = validation.parse_birth_year(message.text, message.date.year)
    data = await state.get_data()
    user = await users.register(
        session,
        identity.telegram_id,
        users.RegistrationData(
            full_name=data["full_name"],
            organization_id=data["organization_id"],
            position=Position(data["position"]),
            subjects=data.get("subjects", []),
            experience_years=data["experience_years"],
            birth_year=year,
            consent_at=datetime.fromisoformat(data["consent_at"]),
        ),
    )
    await state.clear()
    notes = []
    if data.get("invite"):
        try:
            invite = await invites.redeem(session, data["invite"], identity.telegram_id, clock())
            if invite.role == Role.mentor:
                notes.append("По приглашению вам выдана роль наставника.")
                await publish_menu(bot, message.chat.id, identity.roles | {Role.mentor, Role.teacher})
        except DomainError as exc:
            notes.append(exc.user_message)
    org_name = await orgs.display_name(session, user.organization_id)
    community_welcome = await communities_welcome.arrange(session, user, clock())  # issue 14
    await message.answer("\n".join([texts.registered(user, org_name), *notes]))
    await communities_welcome.send(message, community_welcome)  # issue 14


async def not_text(message: Message) -> None:
    await message.answer(texts.NEED_TEXT)


async def use_buttons(message: Message, state: FSMContext, session: AsyncSession, identity: Identity) -> None:
    """Typed text at a step answered with buttons: ask the same question again, keyboard included
    (the old one may have scrolled out of sight)."""
    text, markup = await prompt_for(await state.get_state(), await state.get_data(), session, identity)
    await message.answer(f"{USE_BUTTONS}\n\n{text}", reply_markup=markup)


async def _ask(message: Message, state: FSMContext, step, session: AsyncSession, identity: Identity) -> None:
    await state.set_state(step)
    text, markup = await prompt_for(step.state, await state.get_data(), session, identity)
    await message.answer(text, reply_markup=markup)


def setup() -> Router:
    router = Router(name=__name__)
    router.message.register(got_name, StateFilter(Registration.full_name), TYPED)
    router.callback_query.register(
        got_organization,
        StateFilter(Registration.organization),
        OrgPickCb.filter((F.action == "choose") & (F.purpose == "reg")),
    )
    router.callback_query.register(got_position, StateFilter(Registration.position), PositionCb.filter())
    router.callback_query.register(got_subject, StateFilter(Registration.subjects), SubjectCb.filter())
    router.message.register(got_experience, StateFilter(Registration.experience), TYPED)
    router.message.register(got_birth_year, StateFilter(Registration.birth_year), TYPED)
    router.message.register(
        not_text,
        StateFilter(Registration.full_name, Registration.experience, Registration.birth_year),
        NOT_COMMAND,
        flags=READ_ONLY,
    )
    router.message.register(
        use_buttons,
        StateFilter(Registration.organization, Registration.position, Registration.subjects),
        NOT_COMMAND,
        flags=READ_ONLY,
    )
    return router
