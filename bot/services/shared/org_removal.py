"""Removing an organization with everything under it (`python -m bot orgs remove ID`), for a
directory entry nobody uses: a demo organization, a typo, a closed school. Anything that points at
one of the nodes (a user, a role's scope, an invite, an event, or whatever table another feature
adds with a foreign key to organizations) makes it refuse, saying what is in the way."""

from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.shared.errors import InvalidInput
from bot.services.shared.orgs import subtree_ids
from models import Base, Organization


@dataclass(frozen=True)
class Removed:
    root: str
    count: int


async def references(session: AsyncSession, org_ids: set[int]) -> dict[str, int]:
    """`table.column` → how many rows point into `org_ids` (the tree's own parent links excluded)."""
    organizations = Organization.__table__
    found: dict[str, int] = {}
    for table in Base.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table is not organizations or table is organizations:
                continue
            count = await session.scalar(select(func.count()).select_from(table).where(fk.parent.in_(org_ids)))
            if count:
                found[f"{table.name}.{fk.parent.name}"] = count
    return found


async def remove_subtree(session: AsyncSession, org_id: int) -> Removed:
    org = await session.get(Organization, org_id)
    if org is None:
        raise InvalidInput(f"no organization with id {org_id} (see `python -m bot orgs list`)")
    ids = await subtree_ids(session, org_id)
    if in_use := await references(session, ids):
        listed = ", ".join(f"{where}: {count}" for where, count in sorted(in_use.items()))
        raise InvalidInput(
            f"not removed: «{org.name}» and the {len(ids) - 1} organization(s) under it are in use ({listed}); "
            "move those people and records elsewhere first"
        )
    name = org.name
    # Deepest first: parent_id is ON DELETE RESTRICT, checked row by row.
    remaining = set(ids)
    while remaining:
        parents = set(await session.scalars(select(Organization.parent_id).where(Organization.id.in_(remaining))))
        leaves = remaining - parents
        await session.execute(delete(Organization).where(Organization.id.in_(leaves)))
        remaining -= leaves
    return Removed(name, len(ids))
