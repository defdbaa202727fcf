"""The organization tree: browsing, scope checks and import from CSV or YAML."""

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.shared import timefmt
from bot.services.shared.errors import AccessDenied, InvalidInput, NotFound
from bot.services.shared.paging import window
from models import Organization, OrgKind

PAGE_SIZE = 8
OUT_OF_SCOPE = "Эта организация вне вашей зоны ответственности."


@dataclass(frozen=True)
class Page:
    items: list[Organization]
    page: int
    pages: int


async def get(session: AsyncSession, org_id: int) -> Organization:
    org = await session.get(Organization, org_id)
    if org is None:
        raise NotFound("Организация не найдена.")
    return org


async def _page(session: AsyncSession, where: list, page: int) -> Page:
    total = await session.scalar(select(func.count()).select_from(Organization).where(*where)) or 0
    at = window(total, page, PAGE_SIZE)
    page, pages = at.page, at.pages
    rows = await session.scalars(
        select(Organization)
        .where(*where)
        .order_by(Organization.name, Organization.id)
        .offset(at.offset)
        .limit(at.limit)
    )
    return Page(list(rows), page, pages)


async def children_page(session: AsyncSession, parent_id: int, page: int) -> Page:
    return await _page(session, [Organization.parent_id == parent_id], page)


async def roots_page(session: AsyncSession, page: int) -> Page:
    return await _page(session, [Organization.parent_id.is_(None)], page)


async def municipalities_page(session: AsyncSession, page: int) -> Page:
    return await _page(session, [Organization.kind == OrgKind.municipality], page)


async def lineage(session: AsyncSession, org_id: int) -> list[Organization]:
    """The organization and its ancestors, nearest first."""
    chain: list[Organization] = []
    current: int | None = org_id
    while current is not None and len(chain) < 10:
        org = await session.get(Organization, current)
        if org is None:
            break
        chain.append(org)
        current = org.parent_id
    return chain


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


# --- import --------------------------------------------------------------------------------


@dataclass
class ImportReport:
    created: int = 0
    existing: int = 0


def _check_zone(zone: str, where: str) -> str:
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(f"{where}: неизвестный часовой пояс {zone!r}") from None
    return zone


@dataclass(frozen=True)
class OrgRow:
    region: str
    region_zone: str
    municipality: str
    municipality_zone: str
    organization: str | None = None
    organization_zone: str | None = None
    kind: OrgKind = OrgKind.school


async def _upsert(
    session: AsyncSession, parent_id: int | None, kind: OrgKind, name: str, zone: str, report: ImportReport
) -> Organization:
    parent_clause = Organization.parent_id.is_(None) if parent_id is None else Organization.parent_id == parent_id
    org = await session.scalar(select(Organization).where(parent_clause, Organization.name == name))
    if org is not None:
        org.timezone, org.kind = zone, kind
        report.existing += 1
        return org
    org = Organization(parent_id=parent_id, kind=kind, name=name, timezone=zone)
    session.add(org)
    await session.flush()
    report.created += 1
    return org


def _rows_from_yaml(path: Path) -> list[OrgRow]:
    import yaml  # the `orgs import` command's, not the bot's

    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise InvalidInput(f"{path.name}: не разобрать YAML: {exc}") from None
    regions = doc.get("regions") if isinstance(doc, dict) and "regions" in doc else [doc]
    rows: list[OrgRow] = []
    for r_index, region in enumerate(regions or []):
        where = f"{path.name}: регион №{r_index + 1}"
        if not isinstance(region, dict) or not region.get("name"):
            raise InvalidInput(f"{where}: нужно поле name")
        r_zone = _check_zone(str(region.get("timezone", timefmt.MOSCOW)), where)
        for m_index, muni in enumerate(region.get("municipalities") or []):
            m_where = f"{where}, муниципалитет №{m_index + 1}"
            if not isinstance(muni, dict) or not muni.get("name"):
                raise InvalidInput(f"{m_where}: нужно поле name")
            m_zone = _check_zone(str(muni.get("timezone", r_zone)), m_where)
            base = dict(
                region=str(region["name"]), region_zone=r_zone, municipality=str(muni["name"]), municipality_zone=m_zone
            )
            rows.append(OrgRow(**base))
            for o_index, org in enumerate(muni.get("organizations") or []):
                o_where = f"{m_where}, организация №{o_index + 1}"
                entry = {"name": org} if isinstance(org, str) else org
                if not isinstance(entry, dict) or not entry.get("name"):
                    raise InvalidInput(f"{o_where}: нужно поле name")
                rows.append(
                    OrgRow(
                        **base,
                        organization=str(entry["name"]),
                        organization_zone=_check_zone(str(entry.get("timezone", m_zone)), o_where),
                        kind=_parse_kind(entry.get("kind", "school"), o_where),
                    )
                )
    return rows


def _parse_kind(value: object, where: str) -> OrgKind:
    if str(value) not in (OrgKind.school.value, OrgKind.other.value):
        raise InvalidInput(f"{where}: тип должен быть school или other, а не {value!r}")
    return OrgKind(str(value))


def _rows_from_csv(path: Path) -> list[OrgRow]:
    """Columns: region, municipality, organization (optional), timezone, kind (optional)."""
    rows: list[OrgRow] = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = {"region", "municipality", "timezone"} - set(reader.fieldnames or [])
        if missing:
            raise InvalidInput(f"{path.name}: нет столбцов {', '.join(sorted(missing))}")
        for line, row in enumerate(reader, start=2):
            where = f"{path.name}, строка {line}"
            region, muni = (row.get("region") or "").strip(), (row.get("municipality") or "").strip()
            if not region or not muni:
                raise InvalidInput(f"{where}: пустой регион или муниципалитет")
            zone = _check_zone((row.get("timezone") or "").strip(), where)
            rows.append(
                OrgRow(
                    region=region,
                    region_zone=zone,
                    municipality=muni,
                    municipality_zone=zone,
                    organization=(row.get("organization") or "").strip() or None,
                    organization_zone=zone,
                    kind=_parse_kind((row.get("kind") or "school").strip(), where),
                )
            )
    return rows


async def import_file(session: AsyncSession, path: Path) -> ImportReport:
    """Create or update every node named in the file; nothing is deleted."""
    if not path.is_file():
        raise InvalidInput(f"Файл {path} не найден")
    rows = _rows_from_csv(path) if path.suffix.lower() == ".csv" else _rows_from_yaml(path)
    report = ImportReport()
    for row in rows:
        region = await _upsert(session, None, OrgKind.region, row.region, row.region_zone, report)
        muni = await _upsert(session, region.id, OrgKind.municipality, row.municipality, row.municipality_zone, report)
        if row.organization:
            await _upsert(
                session, muni.id, row.kind, row.organization, row.organization_zone or row.municipality_zone, report
            )
    return report
