"""What /stats and /report show beyond the §5 indicators, for the same scope and period: the exchange
of experience (issue 15) and the agreement of self-assessment and objective check (issue 16), as
text under the indicators and as sheets of the workbook."""

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.monitoring import exchange
from bot.services.monitoring.indicators import Stats, Window
from bot.services.objective_check.agreement import agreement
from handlers.monitoring import agreement_ui, exchange_ui
from handlers.monitoring import ui as sui


async def _exchange(session: AsyncSession, stats: Stats, window: Window) -> exchange.Exchange:
    return await exchange.exchange(session, stats.scope.id, window, stats.teachers, stats.deficits, sui.TOP_DEFICITS)


async def text(session: AsyncSession, stats: Stats, zone: str) -> str:
    window = Window.of(stats.period, zone)
    return exchange_ui.text(await _exchange(session, stats, window)) + agreement_ui.text(
        await agreement(session, stats.scope.id, window)
    )


async def sheets(session: AsyncSession, stats: Stats, zone: str) -> list[tuple[str, tuple[str, ...], list[tuple]]]:
    window = Window.of(stats.period, zone)
    return [
        exchange_ui.sheet(await _exchange(session, stats, window)),
        agreement_ui.sheet(await agreement(session, stats.scope.id, window)),
    ]
