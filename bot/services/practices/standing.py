"""How much a teacher shares («транслирует опыт»): approved practices and how often colleagues
applied them. Shown in the author's profile and counted in mentor suggestions."""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Practice, PracticeStatus, PracticeUse


@dataclass(frozen=True)
class Standing:
    practices: int = 0
    applied: int = 0


async def standings(session: AsyncSession, user_ids: list[int]) -> dict[int, Standing]:
    if not user_ids:
        return {}
    rows = await session.execute(
        select(Practice.author_id, func.count(func.distinct(Practice.id)), func.count(PracticeUse.applied_at))
        .outerjoin(PracticeUse, PracticeUse.practice_id == Practice.id)
        .where(Practice.author_id.in_(user_ids), Practice.status == PracticeStatus.approved)
        .group_by(Practice.author_id)
    )
    return {author: Standing(practices, applied) for author, practices, applied in rows.all()}


async def standing(session: AsyncSession, user_id: int) -> Standing:
    return (await standings(session, [user_id])).get(user_id, Standing())
