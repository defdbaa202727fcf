"""The organization tree: browsing it page by page, the `Scope` a person acts in and the checks that
an organization lies inside it. Importing the tree from a file lives in `org_import`."""

from dataclasses import dataclass
from typing import ClassVar

from sqlalchemy import bindparam, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.shared.errors import AccessDenied, NotFound
from bot.services.shared.paging import Page, paged
from models import Organization, OrgKind

PAGE_SIZE = 8
OUT_OF_SCOPE = "Эта организация вне вашей зоны ответственности."


async def get(session: AsyncSession, org_id: int) -> Organization:
    org = await session.get(Organization, org_id)
    if org is None:
        raise NotFound("Организация не найдена.")
    return org


async def _page(session: AsyncSession, where: list, page: int) -> Page:
    query = select(Organization).where(*where).order_by(Organization.name, Organization.id)
    return await paged(session, query, page, PAGE_SIZE)


async def children_page(session: AsyncSession, parent_id: int, page: int) -> Page:
    return await _page(session, [Organization.parent_id == parent_id], page)


async def roots_page(session: AsyncSession, page: int) -> Page:
    return await _page(session, [Organization.parent_id.is_(None)], page)


async def municipalities_page(session: AsyncSession, page: int) -> Page:
    return await _page(session, [Organization.kind == OrgKind.municipality], page)


MAX_DEPTH = 10  # region > municipality > school is 3; a cycle in bad data stops here


def _lineage():
    """The organization with id :org_id and its ancestors with their distance: a recursive CTE
    instead of a round trip per level."""
    step = select(Organization.id, Organization.parent_id, literal(0).label("depth"))
    chain = step.where(Organization.id == bindparam("org_id")).cte("lineage", recursive=True)
    parent = select(Organization.id, Organization.parent_id, (chain.c.depth + 1).label("depth"))
    return chain.union_all(
        parent.join(chain, Organization.id == chain.c.parent_id).where(chain.c.depth < MAX_DEPTH - 1)
    )


_LINEAGE = _lineage()
LINEAGE_QUERY = select(Organization).join(_LINEAGE, Organization.id == _LINEAGE.c.id).order_by(_LINEAGE.c.depth)
# The ids alone, to put inside another statement (`scope_org_id.in_(LINEAGE_IDS)`, with org_id bound).
LINEAGE_IDS = select(_LINEAGE.c.id)


async def lineage(session: AsyncSession, org_id: int) -> list[Organization]:
    """The organization and its ancestors, nearest first."""
    return list(await session.scalars(LINEAGE_QUERY, {"org_id": org_id}))


async def is_within(session: AsyncSession, org_id: int | None, scope_id: int | None) -> bool:
    """True when org_id lies in the subtree rooted at scope_id (None scope = everywhere)."""
    if scope_id is None:
        return True
    if org_id is None:
        return False
    return any(org.id == scope_id for org in await lineage(session, org_id))


async def subtree_ids(session: AsyncSession, root_id: int) -> set[int]:
    found, frontier = {root_id}, {root_id}
    while frontier:
        rows = await session.scalars(select(Organization.id).where(Organization.parent_id.in_(frontier)))
        frontier = set(rows) - found
        found |= frontier
    return found


@dataclass(frozen=True)
class Level:
    """One screen of the tree: `parent` (None at the top), a page of what lies under it, and where
    «up» leads: an organization id, 0 for the top, None when there is nowhere to go."""

    parent: Organization | None
    page: Page
    up: int | None


@dataclass(frozen=True)
class Scope:
    """The part of the tree a person acts in: the subtrees under `roots` (a methodist's grants); a
    None root is the whole tree (admins). Every screen that lists organizations or acts on one goes
    through here; an id from a button is user input and passes `org` before anything is shown."""

    roots: tuple[int | None, ...]
    EVERYWHERE: ClassVar["Scope"]

    @property
    def everywhere(self) -> bool:
        return None in self.roots

    async def covers(self, session: AsyncSession, org_id: int | None) -> bool:
        if self.everywhere:
            return True
        if org_id is None or not self.roots:
            return False
        chain = {org.id for org in await lineage(session, org_id)}
        return any(root in chain for root in self.roots)

    async def org(self, session: AsyncSession, org_id: int) -> Organization:
        """The organization, if it lies inside the scope."""
        if not await self.covers(session, org_id):
            raise AccessDenied(OUT_OF_SCOPE)
        return await get(session, org_id)

    async def org_ids(self, session: AsyncSession) -> set[int] | None:
        """Every organization inside the scope; None means everywhere."""
        if self.everywhere:
            return None
        found: set[int] = set()
        for root in self.roots:
            found |= await subtree_ids(session, root)
        return found

    async def level(self, session: AsyncSession, org_id: int, page: int, *, enter_single_root: bool = True) -> Level:
        """One level of the tree as this scope sees it. org_id 0 is the top: the regions for the
        whole tree, else the scope's roots (a single root is entered at once when the screen lets
        its parent be chosen, `enter_single_root`). «Up» never leads above the scope."""
        if org_id == 0 and enter_single_root and not self.everywhere and len(self.roots) == 1:
            org_id = self.roots[0]
        if org_id == 0:
            if self.everywhere:
                return Level(None, await roots_page(session, page), None)
            return Level(None, Page([await get(session, root) for root in self.roots], 0, 1), None)
        parent = await self.org(session, org_id)
        if parent.parent_id and await self.covers(session, parent.parent_id):
            up: int | None = parent.parent_id
        else:  # at a root: back to the list of roots, if the top is one
            up = 0 if self.everywhere or len(self.roots) > 1 or not enter_single_root else None
        return Level(parent, await children_page(session, parent.id, page), up)


Scope.EVERYWHERE = Scope((None,))


async def display_name(session: AsyncSession, org_id: int | None) -> str:
    if org_id is None:
        return "не указана"
    chain = await lineage(session, org_id)
    return ", ".join(org.name for org in reversed(chain[:2]))
