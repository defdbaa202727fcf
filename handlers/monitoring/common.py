"""What every /stats and /report screen computes first: the indicators of a territory the person
may see, in the time zone they read them in."""

from sqlalchemy.ext.asyncio import AsyncSession

from bot.infra.clock import Clock
from bot.services import events
from bot.services.monitoring import indicators
from bot.services.monitoring.indicators import Period, Stats
from bot.services.shared.roles import Identity
from bot.services.shared.timefmt import local
from models import Organization, OrgKind


async def can_change_scope(session: AsyncSession, identity: Identity) -> bool:
    """Admins, methodists of several scopes, and those whose scope has territories inside it."""
    scope = identity.scope
    if scope.everywhere or len(scope.roots) > 1:
        return True
    org = await session.get(Organization, scope.roots[0]) if scope.roots else None
    return org is not None and org.kind in (OrgKind.region, OrgKind.municipality)


async def zone_of(session: AsyncSession, identity: Identity, org: Organization) -> str:
    return await events.author_zone(session, identity, org.id)


async def stats_for(
    session: AsyncSession, identity: Identity, org_id: int, period: Period, clock: Clock
) -> tuple[Stats, str]:
    """The indicators of `org_id` (re-checked against the scope: ids come from buttons) and the zone."""
    org = await indicators.require_scope(session, identity, org_id)
    zone = await zone_of(session, identity, org)
    return await indicators.compute(session, org, period, zone, local(clock(), zone).date()), zone
