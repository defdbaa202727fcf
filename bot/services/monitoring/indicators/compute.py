"""The whole statistics of a scope and period, assembled from the indicator groups, and the gate
that lets only methodists of the scope (and admins) see it."""

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.communities import totals as community_totals
from bot.services.communities.totals import CommunityStats
from bot.services.monitoring.indicators.common import Group, Indicator, Ratio, Stats, scope_cte
from bot.services.monitoring.indicators.deficits import area_deficits
from bot.services.monitoring.indicators.definitions import DEFINITIONS
from bot.services.monitoring.indicators.events import event_totals
from bot.services.monitoring.indicators.period import Period, Window
from bot.services.monitoring.indicators.routes import route_level
from bot.services.monitoring.indicators.teachers import user_level
from bot.services.shared import roles
from bot.services.shared.roles import Identity
from models import Organization


async def _groups(session: AsyncSession, scope: Organization, seen: set[int]) -> list[Group]:
    children = await session.execute(
        select(Organization.id, Organization.name).where(Organization.parent_id == scope.id).order_by(Organization.name)
    )
    groups = [Group(org_id, name) for org_id, name in children]
    return ([Group(scope.id, scope.name)] if scope.id in seen else []) + groups


def _ratio(rows: dict[int, dict], num: str, den: str) -> dict[int, Ratio]:
    return {group: Ratio(row[num], row[den]) for group, row in rows.items()}


async def compute(session: AsyncSession, scope: Organization, period: Period, zone: str, today: date) -> Stats:
    window = Window.of(period, zone)
    ref_year = min(period.end, today).year
    users, areas = await user_level(session, scope.id, window, ref_year)
    routes = await route_level(session, scope.id, window)
    indicators = []
    for spec in DEFINITIONS:
        if spec.reason:
            indicators.append(Indicator(spec, None, {}))
            continue
        if spec.code == "3":
            by_group = {group: Ratio(num, den) for group, (num, den) in routes.items()}
        else:
            by_group = _ratio(users, *spec.columns)
        total = Ratio(sum(r.num for r in by_group.values()), sum(r.den for r in by_group.values()))
        indicators.append(Indicator(spec, total, by_group))
    return Stats(
        scope,
        period,
        sum(row["teachers"] for row in users.values()),
        await _groups(session, scope, set(users) | set(routes)),
        indicators,
        await area_deficits(session, areas),
        await event_totals(session, scope.id, window),
        await _communities(session, scope, window, users),
    )


async def _communities(session: AsyncSession, scope: Organization, window: Window, users: dict[int, dict]):
    """Issue 14: communities placed in the scope by kind, and teachers in at least one community."""
    kinds = await community_totals.by_kind(session, scope_cte(scope.id), window.start_at, window.end_at)
    members = sum(row["community"] for row in users.values())
    return CommunityStats(kinds, members, sum(row["teachers"] for row in users.values()))


async def require_scope(session: AsyncSession, identity: Identity, org_id: int) -> Organization:
    """Statistics are for methodists inside their scope and for admins anywhere; ids are re-checked."""
    roles.require_methodist(identity)
    return await identity.scope.org(session, org_id)
