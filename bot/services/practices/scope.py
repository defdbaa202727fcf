"""Where a practice is seen: the organization whose subtree sees it (the author's school, its
municipality or its region) and the organizations whose approved practices a teacher sees."""

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.shared import orgs
from bot.services.shared.errors import InvalidInput
from models import OrgKind, User

VISIBILITY = {"school": "школа", "municipality": "муниципалитет", "region": "регион"}


async def visibility_org(session: AsyncSession, org_id: int | None, visibility: str) -> int:
    """The organization that stands for `visibility` above the author's organization."""
    if visibility not in VISIBILITY:
        raise InvalidInput("Выберите, где будет видна практика: школа, муниципалитет или регион.")
    chain = await orgs.lineage(session, org_id) if org_id is not None else []
    if not chain:
        raise InvalidInput("У автора не указана организация: попросите его заполнить профиль.")
    if visibility == "school":
        return chain[0].id
    kind = OrgKind.municipality if visibility == "municipality" else OrgKind.region
    for org in chain:
        if org.kind == kind:
            return org.id
    raise InvalidInput(f"Над организацией автора нет уровня «{VISIBILITY[visibility]}»: выберите другой.")


async def seen_from(session: AsyncSession, user: User) -> list[int]:
    """The teacher's organization and everything above it: a practice visible at any of them is seen."""
    if user.organization_id is None:
        return []
    return [org.id for org in await orgs.lineage(session, user.organization_id)]
