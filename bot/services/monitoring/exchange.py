"""Exchange of experience in the monitoring (issue 15): practices published and applied by area,
teachers who shared experience and their share of the scope's teachers, and for each frequent
deficit how many practices answer it (where the system lacks supply).

Kept apart from `indicators` (the §5 catalogue): these are activity counts, not §5 ratios. The
population is the indicators' one (`people`: the scope's users, not erased, registered before the
period ended); a practice belongs to the scope through its author."""

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.monitoring.indicators import AreaDeficit, Ratio, Window, people, scope_cte
from models import Practice, PracticeStatus, PracticeUse


@dataclass(frozen=True)
class Supply:
    area: str
    title: str
    teachers_with_deficit: int
    practices: int


@dataclass(frozen=True)
class Exchange:
    published: Counter  # area -> practices approved in the period
    applied: Counter  # area -> applications reported in the period
    sharers: Ratio  # teachers whose practice was approved in the period / all teachers
    supply: list[Supply]  # per frequent deficit

    @property
    def published_total(self) -> int:
        return self.published.total()

    @property
    def applied_total(self) -> int:
        return self.applied.total()


async def exchange(
    session: AsyncSession, root_id: int, window: Window, teachers: int, deficits: list[AreaDeficit], top: int = 6
) -> Exchange:
    population = people(scope_cte(root_id), window).subquery("population")
    approved = (
        select(Practice.id, Practice.author_id, Practice.areas, Practice.approved_at)
        .join(population, population.c.user_id == Practice.author_id)
        .where(Practice.status == PracticeStatus.approved, Practice.approved_at < window.end_at)
    )
    rows = (await session.execute(approved)).all()
    published = Counter(
        area for _, _, areas, approved_at in rows if approved_at >= window.start_at for area in areas or []
    )
    uses = await session.execute(
        select(Practice.areas)
        .join(PracticeUse, PracticeUse.practice_id == Practice.id)
        .join(population, population.c.user_id == PracticeUse.user_id)
        .where(PracticeUse.applied_at >= window.start_at, PracticeUse.applied_at < window.end_at)
    )
    applied = Counter(area for (areas,) in uses.all() for area in areas or [])
    available = Counter(area for _, _, areas, _ in rows for area in areas or [])
    supply = [Supply(d.area, d.title, d.total, available[d.area]) for d in deficits[:top] if d.total]
    shared = {author for _, author, _, approved_at in rows if approved_at >= window.start_at}
    return Exchange(published, applied, Ratio(len(shared), teachers), supply)
