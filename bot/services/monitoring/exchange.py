"""Exchange of experience in the monitoring (issue 15): practices published and applied by area,
open lessons held and visits made, teachers who shared experience (a practice approved or an open
lesson held in the period) and their share of the scope's teachers, and for each frequent deficit
how many practices and open lessons answer it (where the system lacks supply).

Kept apart from `indicators` (the §5 catalogue): these are activity counts, not §5 ratios. The
population is the indicators' one (`people`: the scope's users, not erased, registered before the
period ended); a practice belongs to the scope through its author."""

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.monitoring.indicators import AreaDeficit, Ratio, Window, people, scope_cte
from models import LessonStatus, LessonVisit, OpenLesson, Practice, PracticeStatus, PracticeUse, VisitStatus


@dataclass(frozen=True)
class Supply:
    area: str
    title: str
    teachers_with_deficit: int
    practices: int
    lessons: int


@dataclass(frozen=True)
class Exchange:
    published: Counter  # area -> practices approved in the period
    applied: Counter  # area -> applications reported in the period
    sharers: Ratio  # teachers whose practice was approved or open lesson held in the period / all teachers
    lessons_held: int
    visits: int  # visitors of the lessons held
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
    lessons = (
        await session.execute(
            select(OpenLesson.id, OpenLesson.host_id, OpenLesson.areas, OpenLesson.status, OpenLesson.starts_at)
            .join(population, population.c.user_id == OpenLesson.host_id)
            .where(OpenLesson.status != LessonStatus.cancelled, OpenLesson.starts_at < window.end_at)
        )
    ).all()
    held = [row for row in lessons if row.status == LessonStatus.held and row.starts_at >= window.start_at]
    visits = await session.scalar(
        select(func.count())
        .select_from(LessonVisit)
        .where(LessonVisit.lesson_id.in_([row.id for row in held]), LessonVisit.status == VisitStatus.booked)
    )
    offered = Counter(area for row in lessons for area in row.areas or [])
    supply = [Supply(d.area, d.title, d.total, available[d.area], offered[d.area]) for d in deficits[:top] if d.total]
    shared = {author for _, author, _, approved_at in rows if approved_at >= window.start_at}
    shared |= {row.host_id for row in held}
    return Exchange(
        published=published,
        applied=applied,
        sharers=Ratio(len(shared), teachers),
        lessons_held=len(held),
        visits=int(visits or 0),
        supply=supply,
    )
