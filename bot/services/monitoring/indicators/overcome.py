"""Indicator 4, overcoming deficits: the rule read from the content, and the SQL test that the
priority area of the previous attempt rose in the new one."""

from dataclasses import dataclass

from sqlalchemy import and_, case, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import content
from bot.services.shared.errors import DomainError
from models import AreaResult

ZONE_RANK = {"severe": 0, "partial": 1, "norm": 2, "resource": 3}


@dataclass(frozen=True)
class Overcome:
    """domain.md §2: the priority area rose by a zone or by 3 points; equal zones and scores are
    broken by the priority list. Read from the current teacher questionnaire's scoring."""

    zones_up: int = 1
    points_up: int = 3
    priority: tuple[str, ...] = ("3", "2", "1")


async def overcome_rule(session: AsyncSession) -> Overcome:
    try:
        scoring = (await content.current_questionnaire(session, "teacher")).scoring
    except DomainError:
        return Overcome()
    return Overcome(scoring.overcome_zones, scoring.overcome_points, scoring.priority)


def _zone_rank(column):
    return case(ZONE_RANK, value=column, else_=len(ZONE_RANK))


def overcame(old_id, new_id, rule: Overcome):
    """The priority (lowest zone, then lowest score) area of the old attempt rose in the new one."""
    old, new, pick = (AreaResult.__table__.alias(n) for n in ("ar_old", "ar_new", "ar_pick"))
    order = {area: n for n, area in enumerate(rule.priority)}
    priority = case(order, value=pick.c.area, else_=len(order)) if order else pick.c.area
    priority_area = (
        select(pick.c.area)
        .where(pick.c.attempt_id == old_id)
        .order_by(_zone_rank(pick.c.zone), pick.c.score, priority, pick.c.area)
        .limit(1)
        .correlate_except(pick)
        .scalar_subquery()
    )  # nested two deep: correlate explicitly
    return (
        select(old.c.id)
        .join(new, and_(new.c.attempt_id == new_id, new.c.area == old.c.area))
        .where(
            old.c.attempt_id == old_id,
            old.c.area == priority_area,
            or_(
                _zone_rank(new.c.zone) - _zone_rank(old.c.zone) >= rule.zones_up,
                new.c.score - old.c.score >= rule.points_up,
            ),
        )
        .exists()
    )
