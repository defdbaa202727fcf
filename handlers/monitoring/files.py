"""The files of /stats and /report: the charts (PNG) and the XLSX workbook. Both are rendered in a
worker thread, and a file that Telegram refuses is followed by a message saying so."""

import asyncio
import logging
from collections.abc import Awaitable

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramForbiddenError
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, InputMediaPhoto
from sqlalchemy.ext.asyncio import AsyncSession

from bot.infra.clock import Clock
from bot.render import report_xlsx, stats_charts
from bot.services.communities import totals as community_totals
from bot.services.courses import report as course_report
from bot.services.monitoring import indicators, reports
from bot.services.monitoring.indicators import Period, Window, scope_cte
from bot.services.shared.roles import Identity
from handlers.monitoring import sections
from handlers.monitoring import ui as sui
from handlers.monitoring.common import stats_for
from handlers.monitoring.ui import StatsCb, StatsFlow
from handlers.shared import ui
from handlers.shared.texts import esc

log = logging.getLogger(__name__)
CAPTION_CHARS = 900  # escaping may lengthen it; Telegram allows 1024


async def charts(
    query: CallbackQuery, callback_data: StatsCb, session: AsyncSession, identity: Identity, bot: Bot, clock: Clock
) -> None:
    period = indicators.period_from_key(callback_data.start, callback_data.end)
    stats, _ = await stats_for(session, identity, callback_data.org_id, period, clock=clock)
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
    await leave_period_prompt(state)
    # The scope is checked before the press is answered: a refusal must be the one answer.
    await indicators.require_scope(session, identity, callback_data.org_id)
    await ui.answer(query, "Собираю отчёт…")
    await send_report(bot, query.from_user.id, session, identity, callback_data.org_id, period, clock=clock)


async def send_report(
    bot: Bot, chat_id: int, session: AsyncSession, identity: Identity, org_id: int, period: Period, clock: Clock
) -> None:
    stats, zone = await stats_for(session, identity, org_id, period, clock=clock)
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


async def leave_period_prompt(state: FSMContext) -> None:
    if await state.get_state() == StatsFlow.period.state:
        await state.clear()


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
