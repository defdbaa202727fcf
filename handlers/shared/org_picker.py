"""Browsing the organization tree with inline buttons, shared by registration, profile, grants
and invites. Choosing is handled by each feature; opening a level is handled here. Grants and
invites browse within a scope (orgs.Scope): the whole tree for an admin, the methodist's own
subtrees for an invite."""

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.shared import orgs
from bot.services.shared.errors import AccessDenied
from bot.services.shared.roles import Identity
from handlers.shared import keyboards, texts, ui
from handlers.shared.callbacks import OrgPickCb
from handlers.shared.states import Grant, InviteFlow, ProfileEdit, Registration
from models import OrgKind

PURPOSE_STATES = {
    "reg": Registration.organization.state,
    "edit": ProfileEdit.organization.state,
    "grant": Grant.scope.state,
    "invite": InviteFlow.organization.state,
}


def _scope(identity: Identity, purpose: str) -> orgs.Scope:
    """Methodists are appointed by admins anywhere; invitations go into the inviter's own scope."""
    if purpose == "grant":
        return orgs.Scope.EVERYWHERE if identity.is_admin else orgs.Scope(())
    return identity.scope


async def render_level(
    session: AsyncSession, identity: Identity, purpose: str, org_id: int, page: int
) -> tuple[str, InlineKeyboardMarkup]:
    if purpose not in ("reg", "edit"):
        return await _render_in_scope(session, _scope(identity, purpose), purpose, org_id, page)
    if org_id == 0:
        return await _render_root(session, purpose, page)
    parent = await orgs.get(session, org_id)
    if parent.kind == OrgKind.region:
        return await _render_root(session, purpose, page)
    children = await orgs.children_page(session, parent.id, page)
    prompt = texts.ASK_ORGANIZATION if parent.kind == OrgKind.municipality else texts.ASK_MUNICIPALITY
    markup = keyboards.org_page(purpose, children, parent, choose_parent=False, up_to=0)
    return f"<b>{texts.esc(parent.name)}</b>\n{prompt}", markup


async def _render_root(session: AsyncSession, purpose: str, page: int) -> tuple[str, InlineKeyboardMarkup]:
    level = await orgs.municipalities_page(session, page)
    text = texts.ASK_MUNICIPALITY if level.items else texts.NO_ORGANIZATIONS
    return text, keyboards.org_page(purpose, level, None, choose_parent=False, up_to=None)


async def _render_in_scope(
    session: AsyncSession, scope: orgs.Scope, purpose: str, org_id: int, page: int
) -> tuple[str, InlineKeyboardMarkup]:
    level = await scope.level(session, org_id, page)
    markup = keyboards.org_page(purpose, level.page, level.parent, choose_parent=purpose == "grant", up_to=level.up)
    if level.parent is None:
        prompt = "Выберите регион:" if scope.everywhere else "Выберите организацию:"
        return (prompt if level.page.items else texts.NO_ORGANIZATIONS), markup
    prompt = texts.ASK_ORGANIZATION if level.parent.kind == OrgKind.municipality else texts.ASK_MUNICIPALITY
    return f"<b>{texts.esc(level.parent.name)}</b>\n{prompt}", markup


async def open_level(
    query: CallbackQuery, callback_data: OrgPickCb, state: FSMContext, session: AsyncSession, identity: Identity
) -> None:
    purpose = callback_data.purpose
    # The picker's buttons are user input: a level opens only at the dialog step it belongs to.
    if purpose not in PURPOSE_STATES or await state.get_state() != PURPOSE_STATES[purpose]:
        raise AccessDenied(texts.STALE_BUTTON)
    text, markup = await render_level(session, identity, purpose, callback_data.org_id, callback_data.page)
    await ui.show(query, text, markup)


def setup() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(open_level, OrgPickCb.filter(F.action == "open"))
    return router
