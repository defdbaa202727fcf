"""Browsing the organization tree with inline buttons, shared by registration, profile, grants
and invites. Choosing is handled by each feature; opening a level is handled here."""

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import orgs, roles
from bot.services.errors import AccessDenied
from bot.services.roles import Identity
from handlers import keyboards, texts, ui
from handlers.callbacks import OrgPickCb
from handlers.states import Grant, InviteFlow, ProfileEdit, Registration
from models import OrgKind, Role

router = Router(name=__name__)

PURPOSE_STATES = {
    "reg": Registration.organization.state,
    "edit": ProfileEdit.organization.state,
    "grant": Grant.scope.state,
    "invite": InviteFlow.organization.state,
}


async def check_access(
    purpose: str, state: FSMContext, session: AsyncSession, identity: Identity, org_id: int
) -> None:
    """The picker's buttons are user input: re-check the dialog step and the actor's rights."""
    if purpose not in PURPOSE_STATES or await state.get_state() != PURPOSE_STATES[purpose]:
        raise AccessDenied(texts.STALE_BUTTON)
    if purpose == "grant":
        roles.require_admin(identity)
    elif purpose == "invite" and org_id:
        await roles.require_methodist_for(session, identity, org_id)


async def render_level(
    session: AsyncSession, identity: Identity, purpose: str, org_id: int, page: int
) -> tuple[str, InlineKeyboardMarkup]:
    if org_id == 0:
        return await _render_root(session, identity, purpose, page)
    parent = await orgs.get(session, org_id)
    if parent.kind == OrgKind.region and purpose in ("reg", "edit"):
        return await _render_root(session, identity, purpose, page)
    children = await orgs.children_page(session, parent.id, page)
    up_to = await _up_target(session, identity, purpose, parent)
    prompt = texts.ASK_ORGANIZATION if parent.kind == OrgKind.municipality else texts.ASK_MUNICIPALITY
    markup = keyboards.org_page(purpose, children, parent, choose_parent=purpose in ("grant",), up_to=up_to)
    return f"<b>{texts.esc(parent.name)}</b>\n{prompt}", markup


async def _render_root(
    session: AsyncSession, identity: Identity, purpose: str, page: int
) -> tuple[str, InlineKeyboardMarkup]:
    if purpose in ("reg", "edit"):
        level = await orgs.municipalities_page(session, page)
        prompt = texts.ASK_MUNICIPALITY
    elif purpose == "invite" and not identity.is_admin:
        scopes = [s for s in identity.scopes(Role.methodist) if s is not None]
        if len(scopes) == 1:
            return await render_level(session, identity, purpose, scopes[0], page)
        level = orgs.Page([await orgs.get(session, s) for s in scopes], 0, 1)
        prompt = "Выберите организацию:"
    else:
        level = await orgs.roots_page(session, page)
        prompt = "Выберите регион:"
    if not level.items:
        return texts.NO_ORGANIZATIONS, keyboards.org_page(purpose, level, None, choose_parent=False, up_to=None)
    return prompt, keyboards.org_page(purpose, level, None, choose_parent=False, up_to=None)


async def _up_target(session: AsyncSession, identity: Identity, purpose: str, parent) -> int | None:
    if purpose in ("reg", "edit"):
        return 0
    if purpose == "invite" and not identity.is_admin:
        # A methodist never climbs above their own scope.
        scopes = identity.scopes(Role.methodist)
        return None if parent.id in scopes or parent.parent_id is None else parent.parent_id
    return parent.parent_id or 0


@router.callback_query(OrgPickCb.filter(F.action == "open"))
async def open_level(
    query: CallbackQuery, callback_data: OrgPickCb, state: FSMContext, session: AsyncSession, identity: Identity
) -> None:
    await check_access(callback_data.purpose, state, session, identity, callback_data.org_id)
    text, markup = await render_level(session, identity, callback_data.purpose, callback_data.org_id,
                                      callback_data.page)
    await ui.show(query, text, markup)
