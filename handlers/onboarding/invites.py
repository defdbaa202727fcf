"""/invite: a methodist makes a deep link that registers teachers or a mentor into an organization."""

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.infra.clock import Clock
from bot.services.onboarding import invites
from bot.services.shared import orgs
from bot.services.shared.errors import InvalidInput
from bot.services.shared.roles import Identity
from handlers.shared import keyboards, texts, ui
from handlers.shared.access import GatedRouter, Methodist
from handlers.shared.callbacks import InviteRoleCb, InviteTermsCb, OrgPickCb
from handlers.shared.org_picker import render_level
from handlers.shared.states import InviteFlow
from models import OrgKind, Role


async def invite_start(message: Message, state: FSMContext) -> None:
    await state.clear()
    await message.answer("Кого пригласить?", reply_markup=keyboards.invite_roles())


async def invite_role(
    query: CallbackQuery, callback_data: InviteRoleCb, state: FSMContext, session: AsyncSession, identity: Identity
) -> None:
    if callback_data.role not in (Role.teacher.value, Role.mentor.value):
        raise InvalidInput("Пригласить можно только педагога или наставника.")
    await state.set_state(InviteFlow.organization)
    await state.set_data({"role": callback_data.role})
    roots = identity.scope.roots
    if len(roots) == 1 and roots[0] is not None:  # one school: no tree to browse
        scope = await orgs.get(session, roots[0])
        if scope.kind in (OrgKind.school, OrgKind.other):
            await ui.show(query, _terms_prompt(scope.name), keyboards.invite_terms(scope.id))
            return
    text, markup = await render_level(session, identity, "invite", 0, 0)
    await ui.show(query, text, markup)


async def invite_org(
    query: CallbackQuery, callback_data: OrgPickCb, state: FSMContext, session: AsyncSession, identity: Identity
) -> None:
    org = await identity.scope.org(session, callback_data.org_id)
    await ui.show(query, _terms_prompt(org.name), keyboards.invite_terms(org.id))


async def invite_terms(
    query: CallbackQuery,
    callback_data: InviteTermsCb,
    state: FSMContext,
    session: AsyncSession,
    identity: Identity,
    bot: Bot,
    clock: Clock,
) -> None:
    role = Role((await state.get_data()).get("role", Role.teacher.value))
    invite = await invites.create(
        session, identity, role, callback_data.org_id, callback_data.days, callback_data.uses, clock()
    )
    await state.clear()
    me = await bot.me()
    link = f"https://t.me/{me.username}?start=inv_{invite.code}"
    who = "педагогов" if role == Role.teacher else "наставника"
    org_name = await invites.describe_org(session, invite)
    await ui.show(
        query,
        (
            f"Ссылка-приглашение для {who} ({texts.esc(org_name)}):\n{link}\n\n"
            f"Действует {callback_data.days} дн., использований: {callback_data.uses}. Перешлите её адресатам."
        ),
    )


def _terms_prompt(org_name: str) -> str:
    return f"Организация: <b>{texts.esc(org_name)}</b>\nСрок и число использований приглашения:"


def setup() -> Router:
    router = GatedRouter(name=__name__, who=Methodist())
    router.message.register(invite_start, Command("invite"))
    router.callback_query.register(invite_role, InviteRoleCb.filter())
    router.callback_query.register(
        invite_org,
        StateFilter(InviteFlow.organization),
        OrgPickCb.filter((F.action == "choose") & (F.purpose == "invite")),
    )
    router.callback_query.register(invite_terms, StateFilter(InviteFlow.organization), InviteTermsCb.filter())
    return router
