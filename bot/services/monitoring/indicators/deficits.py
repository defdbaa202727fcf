"""Deficits of a diagnosis: an attempt's severe and partial areas packed into one number per
teacher, and the per-area deficit table with the titles the content gives the areas."""

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import content
from bot.services.diagnosis.scoring import DEFICIT_ZONES
from bot.services.monitoring.indicators.common import AreaDeficit
from bot.services.shared.errors import DomainError
from models import AreaResult

AREAS = content.AREA_CODES["questionnaire_teacher"] + content.AREA_CODES["questionnaire_leader"]


def zones_code(attempt_id):
    """The attempt's deficits in one walk over its areas, as a base-3 number: digit k (area AREAS[k])
    is 2 for a severe deficit, 1 for a partial one, 0 otherwise. Flags and per-area counts then
    come from arithmetic instead of a second join on the largest table."""
    digit = case({"severe": 2, "partial": 1}, value=AreaResult.zone, else_=0)
    weight = case({area: 3**k for k, area in enumerate(AREAS)}, value=AreaResult.area, else_=0)
    return (
        select(func.sum(digit * weight))
        .where(AreaResult.attempt_id == attempt_id, AreaResult.zone.in_(DEFICIT_ZONES))
        .scalar_subquery()
    )


def digit(code, k: int):
    return code // 3**k % 3


async def area_titles(session: AsyncSession) -> dict[str, str]:
    """Area code -> title from the current questionnaires (the content names the areas)."""
    titles: dict[str, str] = {}
    for variant in ("teacher", "leader"):
        try:
            titles |= {a.code: a.title for a in (await content.current_questionnaire(session, variant)).areas}
        except DomainError:
            continue
    return titles


async def area_deficits(session: AsyncSession, areas: list[tuple[str, int, int]]) -> list[AreaDeficit]:
    """(area, severe, partial) counts as titled rows, most frequent first."""
    titles = await area_titles(session)
    rows = [AreaDeficit(area, titles.get(area, area), severe, partial) for area, severe, partial in areas]
    return sorted(rows, key=lambda d: (-d.total, -d.severe, d.area))
