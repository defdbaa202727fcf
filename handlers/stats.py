"""/stats and /report for methodists (their scope) and admins (anywhere): choose the territory and
the period, read the indicators with their breakdown, get the charts and the XLSX workbook.
Every button carries an organization id and dates, i.e. user input: both are re-checked here."""

import asyncio

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, InputMediaPhoto, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.middlewares.db import READ_ONLY
from bot.render import report_xlsx, stats_charts
from bot.services import events, indicators, orgs, reports, roles
from bot.services.indicators import Period, Stats, Window
from bot.services.roles import Identity
from bot.services.timefmt import local
from handlers import stats_ui as sui
from handlers import ui
from handlers.filters import TYPED
from handlers.stats_ui import StatsCb, StatsFlow
from handlers.texts import esc
from models import Organization, OrgKind, Role, utcnow

router = Router(name=__name__)
TEXT_LIMIT = 4096
CAPTION_CHARS = 900  # escaping may lengthen it; Telegram allows 1024


def _many_scopes(identity: Identity) -> bool:
    return identity.is_admin or len(identity.scopes(Role.methodist)) > 1


async def _can_change_scope(session: AsyncSession, identity: Identity) -> bool:
    """Admins, methodists of several scopes, and those whose scope has territories inside it."""
    if _many_scopes(identity):
        return True
    scopes = [s for s in identity.scopes(Role.methodist) if s is not None]
    org = await session.get(Organization, scopes[0]) if scopes else None
    return org is not None and org.kind in (OrgKind.region, OrgKind.municipality)


async def _zone(session: AsyncSession, identity: Identity, org: Organization) -> str:
    return await events.author_zone(session, identity, org.id)


async def _stats(session: AsyncSession, identity: Identity, org_id: int, period: Period) -> tuple[Stats, str]:
    org = await indicators.require_scope(session, identity, org_id)
    zone = await _zone(session, identity, org)
    return await indicators.compute(session, org, period, zone, local(utcnow(), zone).date()), zone


async def scope_screen(session: AsyncSession, identity: Identity, org_id: int, page: int, mode: str):
    roles.require_methodist(identity)
    own = [s for s in identity.scopes(Role.methodist) if s is not None]
    if org_id == 0 and not identity.is_admin and len(own) == 1:
        org_id = own[0]  # a single scope: start inside it
    elif org_id == 0 and not identity.is_admin:
        page = orgs.Page([await orgs.get(session, s) for s in own], 0, 1)
        return sui.scope_prompt(None, mode), sui.scope_kb(page, None, mode, None)
    if org_id == 0:
        return sui.scope_prompt(None, mode), sui.scope_kb(await orgs.roots_page(session, page), None, mode, None)
    parent = await indicators.require_scope(session, identity, org_id)
    up = parent.parent_id if parent.parent_id and await roles.methodist_covers(session, identity, parent.parent_id) \
        else (0 if _many_scopes(identity) else None)
    return sui.scope_prompt(parent, mode), sui.scope_kb(await orgs.children_page(session, parent.id, page), parent,
                                                        mode, up)


async def period_screen(state: FSMContext, session: AsyncSession, identity: Identity, org_id: int, mode: str):
    org = await indicators.require_scope(session, identity, org_id)
    today = local(utcnow(), await _zone(session, identity, org)).date()
    await state.set_state(StatsFlow.period)
    await state.set_data({"org_id": org.id, "mode": mode})
    return (sui.period_prompt(org, mode, indicators.academic_year(today)),
            sui.period_kb(org.id, today, mode, await _can_change_scope(session, identity)))


async def _start(message: Message, state: FSMContext, session: AsyncSession, identity: Identity, mode: str) -> None:
    roles.require_methodist(identity)
    scopes = identity.scopes(Role.methodist)
    if not identity.is_admin and len(scopes) == 1 and scopes[0] is not None:
        text, markup = await period_screen(state, session, identity, scopes[0], mode)
    else:
        text, markup = await scope_screen(session, identity, 0, 0, mode)
    await message.answer(text, reply_markup=markup)


@router.message(Command("stats"))
async def stats_command(message: Message, state: FSMContext, session: AsyncSession, identity: Identity) -> None:
    await _start(message, state, session, identity, "s")


@router.message(Command("report"))
async def report_command(message: Message, state: FSMContext, session: AsyncSession, identity: Identity) -> None:
    await _start(message, state, session, identity, "r")


@router.callback_query(StatsCb.filter(F.action == "org"), flags=READ_ONLY)
async def open_scope(query: CallbackQuery, callback_data: StatsCb, session: AsyncSession, identity: Identity) -> None:
    await ui.show(query, *await scope_screen(session, identity, callback_data.org_id, callback_data.page,
                                             _mode(callback_data)))


@router.callback_query(StatsCb.filter(F.action == "per"))
async def choose_period(query: CallbackQuery, callback_data: StatsCb, state: FSMContext, session: AsyncSession,
                        identity: Identity) -> None:
    await ui.show(query, *await period_screen(state, session, identity, callback_data.org_id, _mode(callback_data)))


def _mode(data: StatsCb) -> str:
    return data.mode if data.mode in sui.WHAT else "s"


@router.message(StatsFlow.period, TYPED)
async def typed_period(message: Message, state: FSMContext, session: AsyncSession, identity: Identity,
                       bot: Bot) -> None:
    period = indicators.parse_period(message.text)
    data = await state.get_data()
    org_id, mode = int(data.get("org_id", 0)), data.get("mode", "s")
    if mode == "r":
        await send_report(bot, message.chat.id, session, identity, org_id, period)
    else:
        stats, _ = await _stats(session, identity, org_id, period)
        await _send_long(bot, message.chat.id, sui.stats_text(stats),
                         sui.stats_kb(stats, await _can_change_scope(session, identity)))
    await state.clear()


@router.callback_query(StatsCb.filter(F.action == "show"))
async def show_stats(query: CallbackQuery, callback_data: StatsCb, state: FSMContext, session: AsyncSession,
                     identity: Identity) -> None:
    period = indicators.period_from_key(callback_data.start, callback_data.end)
    stats, _ = await _stats(session, identity, callback_data.org_id, period)
    await _leave_period_prompt(state)
    text, markup = sui.stats_text(stats), sui.stats_kb(stats, await _can_change_scope(session, identity))
    if len(text) <= TEXT_LIMIT:
        await ui.show(query, text, markup)
    else:
        await query.answer()
        await _send_long(query.bot, query.from_user.id, text, markup)


@router.callback_query(StatsCb.filter(F.action == "brk"), flags=READ_ONLY)
async def breakdown(query: CallbackQuery, callback_data: StatsCb, session: AsyncSession, identity: Identity) -> None:
    period = indicators.period_from_key(callback_data.start, callback_data.end)
    stats, _ = await _stats(session, identity, callback_data.org_id, period)
    index = callback_data.ind if 0 <= callback_data.ind < len(stats.indicators) else 0
    if stats.indicators[index].total is None:
        index = 0
    page = min(max(callback_data.page, 0), sui.breakdown_pages(stats) - 1)
    await ui.show(query, sui.breakdown_text(stats, index, page), sui.breakdown_kb(stats, index, page))


@router.callback_query(StatsCb.filter(F.action == "png"), flags=READ_ONLY)
async def charts(query: CallbackQuery, callback_data: StatsCb, session: AsyncSession, identity: Identity,
                 bot: Bot) -> None:
    period = indicators.period_from_key(callback_data.start, callback_data.end)
    stats, _ = await _stats(session, identity, callback_data.org_id, period)
    await query.answer("Рисую графики…")
    where = f"{stats.scope.name}, {period.label}"
    coverage = [(g.name, stats.indicator("1").by_group.get(g.org_id, indicators.Ratio(0, 0))) for g in stats.groups]
    if not coverage:
        coverage = [(stats.scope.name, stats.indicator("1").total)]
    pictures = await asyncio.to_thread(lambda: [
        png for png in (stats_charts.deficits(stats.deficits, f"Дефициты по областям: {where}"),
                        stats_charts.coverage(coverage, f"Охват диагностикой: {where}")) if png])
    if not pictures:
        await bot.send_message(query.from_user.id, sui.NO_CHART_DATA)
        return
    files = [BufferedInputFile(png, filename=f"chart_{n}.png") for n, png in enumerate(pictures, start=1)]
    if len(files) == 1:
        await bot.send_photo(query.from_user.id, files[0])
    else:
        await bot.send_media_group(query.from_user.id, [InputMediaPhoto(media=f) for f in files])


@router.callback_query(StatsCb.filter(F.action == "xls"))
async def report_button(query: CallbackQuery, callback_data: StatsCb, state: FSMContext, session: AsyncSession,
                        identity: Identity, bot: Bot) -> None:
    period = indicators.period_from_key(callback_data.start, callback_data.end)
    await _leave_period_prompt(state)
    await query.answer("Собираю отчёт…")
    await send_report(bot, query.from_user.id, session, identity, callback_data.org_id, period)


async def send_report(bot: Bot, chat_id: int, session: AsyncSession, identity: Identity, org_id: int,
                      period: Period) -> None:
    stats, zone = await _stats(session, identity, org_id, period)
    window = Window.of(period, zone)
    teachers = await reports.teachers(session, org_id, window, zone)
    rows = (stats, await indicators.area_titles(session), teachers,
            await reports.events(session, org_id, window, zone), await reports.pairs(session, org_id, window))
    data = await asyncio.to_thread(report_xlsx.workbook, *rows)
    name = f"report_{stats.scope.id}_{period.start:%Y%m%d}_{period.end:%Y%m%d}.xlsx"
    caption = f"Отчёт: {stats.scope.name}, {period.label}. Педагогов: {len(teachers)}."
    await bot.send_document(chat_id, BufferedInputFile(data, filename=name), caption=esc(caption[:CAPTION_CHARS]))


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
