"""For methodists (/stats, the /report workbook): how often the self-assessment and the objective
check agree, by area, within a scope and a period.

Counted: completed checks of the period that had a self-assessment to compare with, the latest per
teacher and area (a teacher who retook an area counts once, with the latest result), of the
indicators' population (monitoring.indicators.people: pedagogical workers of the scope, not erased,
registered before the period ended). Agreement is the divergence rule's: the same zone."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.monitoring.indicators import Ratio, Window, people, scope_cte
from bot.services.objective_check import scoring
from models import AttemptStatus, ObjectiveCheck


@dataclass(frozen=True)
class Agreement:
    by_area: dict[str, tuple[int, int]]  # area -> (agreed, compared)

    @property
    def agreed(self) -> Ratio:
        return Ratio(sum(a for a, _ in self.by_area.values()), sum(n for _, n in self.by_area.values()))

    def disagreed(self, area: str | None = None) -> Ratio:
        """The share of comparisons where the two differ by a zone or more (all areas: None)."""
        agreed, total = self.by_area.get(area, (0, 0)) if area else (self.agreed.num, self.agreed.den)
        return Ratio(total - agreed, total)


async def agreement(session: AsyncSession, root_id: int, window: Window) -> Agreement:
    population = people(scope_cte(root_id), window).subquery("population")
    rows = await session.execute(
        select(ObjectiveCheck.user_id, ObjectiveCheck.area, ObjectiveCheck.self_zone, ObjectiveCheck.zone)
        .join(population, population.c.user_id == ObjectiveCheck.user_id)
        .where(
            ObjectiveCheck.status == AttemptStatus.completed,
            ObjectiveCheck.self_zone.is_not(None),
            ObjectiveCheck.zone.is_not(None),
            ObjectiveCheck.completed_at >= window.start_at,
            ObjectiveCheck.completed_at < window.end_at,
        )
        .order_by(ObjectiveCheck.completed_at, ObjectiveCheck.id)
    )
    latest = {(user_id, area): (self_zone, zone) for user_id, area, self_zone, zone in rows}
    comparisons = [scoring.Comparison(area, own, checked) for (_, area), (own, checked) in latest.items()]
    return Agreement(scoring.agreement_by_area(comparisons))
