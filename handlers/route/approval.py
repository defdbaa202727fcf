"""/approval for methodists: the ИОМ of teachers in scope that wait for approval (each with its
steps and «✅ Согласовать ИОМ»), and where approval is required: organizations in scope switched
one by one or a whole municipality at once. The services re-check the scope on every press."""

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.infra.clock import Clock
from bot.middlewares.db import READ_ONLY
from bot.services import route as routes
from bot.services.route import approval
from bot.services.shared.roles import Identity
from handlers.shared import ui
from handlers.shared.access import GatedRouter, Methodist
from handlers.shared.callbacks import Int64
from handlers.shared.keyboard_builder import KeyboardBuilder
from handlers.shared.texts import esc
from models import OrgKind, RouteStatus

MAX_STEPS_SHOWN = 15
EXPLAIN = (
    "Там, где согласование включено, новый ИОМ педагога начинает действовать после согласования "
    "наставником или методистом; до того педагог видит его как черновик."
)


class ApprovalCb(CallbackData, prefix="apr"):
    action: str  # menu | list | card | ok | orgs (a level of the tree) | org (switch one) | on | off (a subtree)
    id: Int64 = 0  # a route for card/ok, an organization for orgs/org/on/off
    page: Int64 = 0
    parent: Int64 = 0  # org: the level to show again


async def _menu() -> tuple[str, InlineKeyboardMarkup]:
    kb = KeyboardBuilder()
    kb.button(text="📋 ИОМ, ждущие согласования", callback_data=ApprovalCb(action="list"))
    kb.button(text="⚙️ Где требовать согласование", callback_data=ApprovalCb(action="orgs"))
    return f"<b>Согласование ИОМ</b>\n{EXPLAIN}", kb.adjust(1).as_markup()


async def approval_command(message: Message) -> None:
    text, markup = await _menu()
    await message.answer(text, reply_markup=markup)


async def menu(query: CallbackQuery) -> None:
    await ui.show(query, *await _menu())


async def _list(session: AsyncSession, identity: Identity, page: int) -> tuple[str, InlineKeyboardMarkup]:
    items, page, pages = await approval.waiting(session, identity, page)
    lines = ["<b>ИОМ, ждущие согласования</b>"]
    if not items:
        lines.append("\nСейчас ни один ИОМ в вашей зоне не ждёт согласования.")
    kb = KeyboardBuilder()
    for item in items:
        lines.append(f"\n• <b>{esc(item.teacher.full_name)}</b> — {esc(item.organization)}")
        kb.button(
            text=f"Открыть: {(item.teacher.full_name or '')[:40]}",
            callback_data=ApprovalCb(action="card", id=item.route.id),
        )
    nav = kb.page_nav(page, pages, lambda p: ApprovalCb(action="list", page=p))
    kb.button(text="« Назад", callback_data=ApprovalCb(action="menu"))
    return "\n".join(lines), kb.adjust(*[1] * len(items), *([nav] if nav else []), 1).as_markup()


async def waiting_list(
    query: CallbackQuery, callback_data: ApprovalCb, session: AsyncSession, identity: Identity
) -> None:
    await ui.show(query, *await _list(session, identity, callback_data.page))


async def card(query: CallbackQuery, callback_data: ApprovalCb, session: AsyncSession, identity: Identity) -> None:
    item = await approval.for_methodist(session, identity, callback_data.id)
    steps = await routes.steps_of(session, item.route.id)
    lines = [
        "<b>ИОМ педагога</b>",
        f"Педагог: <b>{esc(item.teacher.full_name)}</b> ({esc(item.organization)})",
        f"Период: {item.route.period_start:%d.%m.%Y} — {item.route.period_end:%d.%m.%Y}",
        f"Шагов: {len(steps)}",
    ]
    lines += [f"{n}. {esc(s.title[:120])} — до {s.deadline:%d.%m.%Y}" for n, s in enumerate(steps[:MAX_STEPS_SHOWN], 1)]
    if len(steps) > MAX_STEPS_SHOWN:
        lines.append(f"… и ещё {len(steps) - MAX_STEPS_SHOWN}")
    kb = KeyboardBuilder()
    if item.route.status == RouteStatus.draft:
        kb.button(text="✅ Согласовать ИОМ", callback_data=ApprovalCb(action="ok", id=item.route.id))
    else:
        lines.append("\nЭтот ИОМ уже согласован или не требует согласования.")
    kb.button(text="« К списку", callback_data=ApprovalCb(action="list"))
    await ui.show(query, "\n".join(lines), kb.adjust(1).as_markup())


async def approve(
    query: CallbackQuery,
    callback_data: ApprovalCb,
    session: AsyncSession,
    identity: Identity,
    settings: Settings,
    clock: Clock,
) -> None:
    item = await approval.for_methodist(session, identity, callback_data.id)
    await approval.approve(session, item.route.id, identity.telegram_id, clock(), settings.admin_ids)
    kb = KeyboardBuilder().button(text="« К списку", callback_data=ApprovalCb(action="list"))
    await ui.show(
        query, f"✅ ИОМ согласован: {esc(item.teacher.full_name)}. Педагог получит уведомление.", kb.as_markup()
    )


async def _orgs(
    session: AsyncSession, identity: Identity, parent_id: int, page: int
) -> tuple[str, InlineKeyboardMarkup]:
    level = await identity.scope.level(session, parent_id, page)
    where = f" — {esc(level.parent.name)}" if level.parent else ""
    text = (
        f"<b>Где требовать согласование ИОМ{where}</b>\n☑️ — согласование включено. Нажмите на организацию, "
        "чтобы переключить; «›» открывает вложенные."
    )
    kb, sizes = KeyboardBuilder(), []
    for org in level.page.items:
        if org.kind in (OrgKind.school, OrgKind.other):
            mark = "☑️ " if org.route_approval_required else "▫️ "
            kb.button(
                text=mark + org.name[:50],
                callback_data=ApprovalCb(action="org", id=org.id, parent=parent_id, page=level.page.page),
            )
        else:
            kb.button(text=f"{org.name[:50]} ›", callback_data=ApprovalCb(action="orgs", id=org.id))
        sizes.append(1)
    nav = kb.page_nav(level.page.page, level.page.pages, lambda p: ApprovalCb(action="orgs", id=parent_id, page=p))
    if level.parent is not None:
        kb.button(text="Включить во всех", callback_data=ApprovalCb(action="on", id=level.parent.id))
        kb.button(text="Выключить во всех", callback_data=ApprovalCb(action="off", id=level.parent.id))
    if level.up is not None:
        kb.button(text="↑ Выше", callback_data=ApprovalCb(action="orgs", id=level.up))
    kb.button(text="« Назад", callback_data=ApprovalCb(action="menu"))
    rows = [*sizes, *([nav] if nav else []), *([2] if level.parent is not None else []), 1]
    return text, kb.adjust(*rows).as_markup()


async def org_level(query: CallbackQuery, callback_data: ApprovalCb, session: AsyncSession, identity: Identity) -> None:
    await ui.show(query, *await _orgs(session, identity, callback_data.id, callback_data.page))


async def switch(query: CallbackQuery, callback_data: ApprovalCb, session: AsyncSession, identity: Identity) -> None:
    """One organization, or (on/off) everything under the level on screen."""
    if callback_data.action == "org":
        org = await identity.scope.org(session, callback_data.id)
        await approval.set_required(session, identity, org.id, not org.route_approval_required)
        shown = callback_data.parent
    else:
        await approval.set_required(session, identity, callback_data.id, callback_data.action == "on")
        shown = callback_data.id
    await session.flush()
    await ui.show(query, *await _orgs(session, identity, shown, callback_data.page))


def setup() -> Router:
    router = GatedRouter(name=__name__, who=Methodist())
    router.message.register(approval_command, Command("approval"), flags=READ_ONLY)
    router.callback_query.register(menu, ApprovalCb.filter(F.action == "menu"), flags=READ_ONLY)
    router.callback_query.register(waiting_list, ApprovalCb.filter(F.action == "list"), flags=READ_ONLY)
    router.callback_query.register(card, ApprovalCb.filter(F.action == "card"), flags=READ_ONLY)
    router.callback_query.register(approve, ApprovalCb.filter(F.action == "ok"))
    router.callback_query.register(org_level, ApprovalCb.filter(F.action == "orgs"), flags=READ_ONLY)
    router.callback_query.register(switch, ApprovalCb.filter(F.action.in_(("org", "on", "off"))))
    return router
