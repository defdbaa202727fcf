"""Quiet hours as the author of a broadcast sees them before sending: how many recipients are in
their quiet hours right now. The delivery worker (bot.delivery) holds those messages until the
hours end in each recipient's zone; the progress (report.progress) counts them as held."""

from datetime import datetime, time

from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery.quiet import parse_quiet_hours, quiet_until
from bot.services.broadcasts import audience
from bot.services.shared.roles import Identity
from models import Broadcast


def hours(spec: str) -> tuple[time, time] | None:
    """The configured quiet hours (Settings.quiet_hours), None when they are off."""
    return parse_quiet_hours(spec)


async def recipients_in_quiet_hours(
    session: AsyncSession, identity: Identity, broadcast: Broadcast, now: datetime, quiet: tuple[time, time] | None
) -> int:
    if quiet is None:
        return 0
    recipients = await audience.resolve(session, identity, broadcast.audience, now.year)
    return sum(1 for r in recipients if quiet_until(now, r.timezone, quiet) is not None)
