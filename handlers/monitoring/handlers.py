"""/stats and /report for methodists (their scope) and admins (anywhere): choose the territory and
the period, read the indicators with their breakdown; the charts and the XLSX workbook are in
`files`. Every button carries an organization id and dates, i.e. user input: both are re-checked."""

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.infra.clock import Clock
from bot.middlewares.db import READ_ONLY
from bot.services.monitoring import indicators
from bot.services.monitoring.indicators import Stats
from bot.services.shared.roles import Identity
from bot.services.shared.timefmt import local
from handlers.monitoring import files, sections
from handlers.monitoring import ui as sui
from handlers.monitoring.common import can_change_scope, stats_for, zone_of
from handlers.monitoring.files import leave_period_prompt
from handlers.monitoring.ui import StatsCb, StatsFlow
from handlers.shared import ui
from handlers.shared.access import GatedRouter, Methodist
from handlers.shared.filters import TYPED

TEXT_LIMIT = 4096


async def _stats_text(session: AsyncSession, stats: Stats, zone: str) -> str:
    return sui.stats_text(stats) + await sections.text(session, stats, zone)


async def scope_screen(session: AsyncSession, identity: Identity, org_id: int, page: int, mode: str):
    level = await identity.scope.level(session, org_id, page)
    return sui.scope_prompt(level.parent, mode), sui.scope_kb(level.page, level.parent, mode, level.up)


async def period_screen(
    state: FSMContext, session: AsyncSession, identity: Identity, org_id: int, mode: str, clock: Clock
):
    org = await indicators.require_scope(session, identity, org_id)
    today = local(clock(), await zone_of(session, identity, org)).date()
    await state.set_state(StatsFlow.period)
    await state.set_data({"org_id": org.id, "mode": mode})
    return (
        sui.period_prompt(org, mode, indicators.academic_year(today)),
        sui.period_kb(org.id, today, mode, await can_change_scope(session, identity)),
    )


async def _start(
    message: Message, state: FSMContext, session: AsyncSession, identity: Identity, mode: str, clock: Clock
) -> None:
    roots = identity.scope.roots
    if len(roots) == 1 and roots[0] is not None:  # a single scope: no territory to choose
        text, markup = await period_screen(state, session, identity, roots[0], mode, clock=clock)
    else:
        text, markup = await scope_screen(session, identity, 0, 0, mode)
    await message.answer(text, reply_markup=markup)


async def stats_command(
    message: Message, state: FSMContext, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    await _start(message, state, session, identity, "s", clock=clock)


async def report_command(
    message: Message, state: FSMContext, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    await _start(message, state, session, identity, "r", clock=clock)


async def open_scope(query: CallbackQuery, callback_data: StatsCb, session: AsyncSession, identity: Identity) -> None:
    await ui.show(
        query, *await scope_screen(session, identity, callback_data.org_id, callback_data.page, _mode(callback_data))
    )


async def choose_period(
    query: CallbackQuery,
    callback_data: StatsCb,
    state: FSMContext,
    session: AsyncSession,
    identity: Identity,
    clock: Clock,
) -> None:
    await ui.show(
        query, *await period_screen(state, session, identity, callback_data.org_id, _mode(callback_data), clock=clock)
    )


def _mode(data: StatsCb) -> str:
    return data.mode if data.mode in sui.WHAT else "s"


async def typed_period(
    message: Message, state: FSMContext, session: AsyncSession, identity: Identity, bot: Bot, clock: Clock
) -> None:
    period = indicators.parse_period(message.text)
    data = await state.get_data()
    org_id, mode = int(data.get("org_id", 0)), data.get("mode", "s")
    if mode == "r":
        await files.send_report(bot, message.chat.id, session, identity, org_id, period, clock=clock)
    else:
        stats, zone = await stats_for(session, identity, org_id, period, clock=clock)
        text = await _stats_text(session, stats, zone)
        await _send_long(bot, message.chat.id, text, sui.stats_kb(stats, await can_change_scope(session, identity)))
    await state.clear()


async def show_stats(
    query: CallbackQuery,
    callback_data: StatsCb,
    state: FSMContext,
    session: AsyncSession,
    identity: Identity,
    clock: Clock,
) -> None:
    period = indicators.period_from_key(callback_data.start, callback_data.end)
    stats, zone = await stats_for(session, identity, callback_data.org_id, period, clock=clock)
    await leave_period_prompt(state)
    text = await _stats_text(session, stats, zone)
    markup = sui.stats_kb(stats, await can_change_scope(session, identity))
    if len(text) <= TEXT_LIMIT:
        await ui.show(query, text, markup)
    else:
        await ui.answer(query)
        await _send_long(query.bot, query.from_user.id, text, markup)


async def breakdown(
    query: CallbackQuery, callback_data: StatsCb, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    period = indicators.period_from_key(callback_data.start, callback_data.end)
    stats, _ = await stats_for(session, identity, callback_data.org_id, period, clock=clock)
    index = callback_data.ind if 0 <= callback_data.ind < len(stats.indicators) else 0
    if stats.indicators[index].total is None:
        index = 0
    page = sui.breakdown_page(stats, callback_data.page)
    await ui.show(query, sui.breakdown_text(stats, index, page), sui.breakdown_kb(stats, index, page))


async def _send_long(bot: Bot, chat_id: int, text: str, markup) -> None:
    """Split at line breaks under Telegram's 4096 characters; the keyboard goes under the last part."""
    parts, current = [], ""
    for line in text.split("\n"):
        if current and len(current) + len(line) + 1 > TEXT_LIMIT:
            parts.append(current)
            current = ""
        current = f"{current}\n{line}" if current else line
    parts.append(current)
    for n, part in enumerate(parts):
        await bot.send_message(chat_id, part, reply_markup=markup if n == len(parts) - 1 else None)


def setup() -> Router:
    router = GatedRouter(name=__name__, who=Methodist())
    router.message.register(stats_command, Command("stats"))
    router.message.register(report_command, Command("report"))
    router.callback_query.register(open_scope, StatsCb.filter(F.action == "org"), flags=READ_ONLY)
    router.callback_query.register(choose_period, StatsCb.filter(F.action == "per"))
    router.message.register(typed_period, StateFilter(StatsFlow.period), TYPED)
    router.callback_query.register(show_stats, StatsCb.filter(F.action == "show"))
    router.callback_query.register(breakdown, StatsCb.filter(F.action == "brk"), flags=READ_ONLY)
    router.callback_query.register(files.charts, StatsCb.filter(F.action == "png"), flags=READ_ONLY)
    router.callback_query.register(files.report_button, StatsCb.filter(F.action == "xls"))
    return router
