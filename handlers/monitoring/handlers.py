"""/stats and /report for methodists (their scope) and admins (anywhere): choose the territory and
the period, read the indicators with their breakdown, get the charts and the XLSX workbook.
Every button carries an organization id and dates, i.e. user input: both are re-checked here."""

import asyncio
import logging
from collections.abc import Awaitable

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError, TelegramForbiddenError
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, InputMediaPhoto, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.infra.clock import Clock
from bot.middlewares.db import READ_ONLY
from bot.render import report_xlsx, stats_charts
from bot.services import events
from bot.services.communities import totals as community_totals
from bot.services.courses import report as course_report
from bot.services.monitoring import indicators, reports
from bot.services.monitoring.indicators import Period, Stats, Window, scope_cte
from bot.services.shared.roles import Identity
from bot.services.shared.timefmt import local
from handlers.monitoring import sections
from handlers.monitoring import ui as sui
from handlers.monitoring.ui import StatsCb, StatsFlow
from handlers.shared import ui
from handlers.shared.access import GatedRouter, Methodist
from handlers.shared.filters import TYPED
from handlers.shared.texts import esc
from models import Organization, OrgKind

log = logging.getLogger(__name__)
TEXT_LIMIT = 4096
CAPTION_CHARS = 900  # escaping may lengthen it; Telegram allows 1024


async def _can_change_scope(session: AsyncSession, identity: Identity) -> bool:
    """Admins, methodists of several scopes, and those whose scope has territories inside it."""
    scope = identity.scope
    if scope.everywhere or len(scope.roots) > 1:
        return True
    org = await session.get(Organization, scope.roots[0]) if scope.roots else None
    return org is not None and org.kind in (OrgKind.region, OrgKind.municipality)


async def _zone(session: AsyncSession, identity: Identity, org: Organization) -> str:
    return await events.author_zone(session, identity, org.id)


async def _stats(
    session: AsyncSession, identity: Identity, org_id: int, period: Period, clock: Clock
) -> tuple[Stats, str]:
    org = await indicators.require_scope(session, identity, org_id)
    zone = await _zone(session, identity, org)
    return await indicators.compute(session, org, period, zone, local(clock(), zone).date()), zone


async def _stats_text(session: AsyncSession, stats: Stats, zone: str) -> str:
    return sui.stats_text(stats) + await sections.text(session, stats, zone)


async def scope_screen(session: AsyncSession, identity: Identity, org_id: int, page: int, mode: str):
    level = await identity.scope.level(session, org_id, page)
    return sui.scope_prompt(level.parent, mode), sui.scope_kb(level.page, level.parent, mode, level.up)


async def period_screen(
    state: FSMContext, session: AsyncSession, identity: Identity, org_id: int, mode: str, clock: Clock
):
    org = await indicators.require_scope(session, identity, org_id)
    today = local(clock(), await _zone(session, identity, org)).date()
    await state.set_state(StatsFlow.period)
    await state.set_data({"org_id": org.id, "mode": mode})
    return (
        sui.period_prompt(org, mode, indicators.academic_year(today)),
        sui.period_kb(org.id, today, mode, await _can_change_scope(session, identity)),
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
        await send_report(bot, message.chat.id, session, identity, org_id, period, clock=clock)
    else:
        stats, zone = await _stats(session, identity, org_id, period, clock=clock)
        text = await _stats_text(session, stats, zone)
        await _send_long(bot, message.chat.id, text, sui.stats_kb(stats, await _can_change_scope(session, identity)))
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
    stats, zone = await _stats(session, identity, callback_data.org_id, period, clock=clock)
    await _leave_period_prompt(state)
    text = await _stats_text(session, stats, zone)
    markup = sui.stats_kb(stats, await _can_change_scope(session, identity))
    if len(text) <= TEXT_LIMIT:
        await ui.show(query, text, markup)
    else:
        await ui.answer(query)
        await _send_long(query.bot, query.from_user.id, text, markup)


async def breakdown(
    query: CallbackQuery, callback_data: StatsCb, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    period = indicators.period_from_key(callback_data.start, callback_data.end)
    stats, _ = await _stats(session, identity, callback_data.org_id, period, clock=clock)
    index = callback_data.ind if 0 <= callback_data.ind < len(stats.indicators) else 0
    if stats.indicators[index].total is None:
        index = 0
    page = sui.breakdown_page(stats, callback_data.page)
    await ui.show(query, sui.breakdown_text(stats, index, page), sui.breakdown_kb(stats, index, page))


async def charts(
    query: CallbackQuery, callback_data: StatsCb, session: AsyncSession, identity: Identity, bot: Bot, clock: Clock
) -> None:
    period = indicators.period_from_key(callback_data.start, callback_data.end)
    stats, _ = await _stats(session, identity, callback_data.org_id, period, clock=clock)
    await ui.answer(query, "Рисую графики…")
    where = f"{stats.scope.name}, {period.label}"
    coverage = [(g.name, stats.indicator("1").by_group.get(g.org_id, indicators.Ratio(0, 0))) for g in stats.groups]
    if not coverage:
        coverage = [(stats.scope.name, stats.indicator("1").total)]
    pictures = await asyncio.to_thread(
        lambda: [
            png
            for png in (
                stats_charts.deficits(stats.deficits, f"Дефициты по областям: {where}"),
                stats_charts.coverage(coverage, f"Охват диагностикой: {where}"),
            )
            if png
        ]
    )
    if not pictures:
        await bot.send_message(query.from_user.id, sui.NO_CHART_DATA)
        return
    files = [BufferedInputFile(png, filename=f"chart_{n}.png") for n, png in enumerate(pictures, start=1)]
    if len(files) == 1:
        sending = bot.send_photo(query.from_user.id, files[0])
    else:
        sending = bot.send_media_group(query.from_user.id, [InputMediaPhoto(media=f) for f in files])
    await _send_or_say(bot, query.from_user.id, sending, sui.CHARTS_FAILED)


async def report_button(
    query: CallbackQuery,
    callback_data: StatsCb,
    state: FSMContext,
    session: AsyncSession,
    identity: Identity,
    bot: Bot,
    clock: Clock,
) -> None:
    period = indicators.period_from_key(callback_data.start, callback_data.end)
    await _leave_period_prompt(state)
    # The scope is checked before the press is answered: a refusal must be the one answer.
    await indicators.require_scope(session, identity, callback_data.org_id)
    await ui.answer(query, "Собираю отчёт…")
    await send_report(bot, query.from_user.id, session, identity, callback_data.org_id, period, clock=clock)


async def send_report(
    bot: Bot, chat_id: int, session: AsyncSession, identity: Identity, org_id: int, period: Period, clock: Clock
) -> None:
    stats, zone = await _stats(session, identity, org_id, period, clock=clock)
    window = Window.of(period, zone)
    teachers = await reports.teachers(session, org_id, window, zone)
    rows = (
        stats,
        await indicators.area_titles(session),
        teachers,
        await reports.events(session, org_id, window, zone),
        await reports.pairs(session, org_id, window),
        await course_report.course_rows(session, org_id, window),
        await community_totals.rows(session, scope_cte(org_id), window.start_at, window.end_at),
    )
    extra = await sections.sheets(session, stats, zone)
    data = await asyncio.to_thread(report_xlsx.workbook, *rows, extra=extra)
    name = f"report_{stats.scope.id}_{period.start:%Y%m%d}_{period.end:%Y%m%d}.xlsx"
    caption = f"Отчёт: {stats.scope.name}, {period.label}. Педагогов: {len(teachers)}."
    document = BufferedInputFile(data, filename=name)
    await _send_or_say(
        bot, chat_id, bot.send_document(chat_id, document, caption=esc(caption[:CAPTION_CHARS])), sui.REPORT_FAILED
    )


async def _send_or_say(bot: Bot, chat_id: int, sending: Awaitable[object], failed: str) -> None:
    """The press was answered «Рисую графики…» / «Собираю отчёт…»: if the file does not go out,
    say so in the chat rather than leave the promise hanging. A blocked bot is the error handler's."""
    try:
        await sending
    except TelegramForbiddenError:
        raise
    except TelegramAPIError as exc:
        log.warning("could not send a file to %s: %s", chat_id, exc)
        await bot.send_message(chat_id, failed)


async def _leave_period_prompt(state: FSMContext) -> None:
    if await state.get_state() == StatsFlow.period.state:
        await state.clear()


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
    router.callback_query.register(charts, StatsCb.filter(F.action == "png"), flags=READ_ONLY)
    router.callback_query.register(report_button, StatsCb.filter(F.action == "xls"))
    return router
