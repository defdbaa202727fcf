"""Importing the organization tree (regions, municipalities, schools) from a CSV, XLSX or YAML file
(read by `org_files`): the `orgs import` command and the demo seed call `import_file`, which
creates or updates nodes by name under their parent and never deletes anything (`org_removal`
removes an unused subtree). Browsing and scope checks live in `orgs`."""

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.shared.errors import InvalidInput
from bot.services.shared.org_files import OrgRow, read_rows
from models import Organization, OrgKind

__all__ = ["ImportReport", "OrgRow", "import_file", "import_rows"]


@dataclass
class ImportReport:
    """Each node named in the file counts once, however many rows repeat it."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def describe(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"


class _Importer:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.report = ImportReport()
        self.seen: dict[tuple[int | None, str], Organization] = {}

    async def upsert(
        self, parent_id: int | None, kind: OrgKind, name: str, zone: str, approval: bool | None = None
    ) -> Organization:
        key = (parent_id, name)
        if key in self.seen:  # the first row that names a node defines it
            return self.seen[key]
        parent_clause = Organization.parent_id.is_(None) if parent_id is None else Organization.parent_id == parent_id
        org = await self.session.scalar(select(Organization).where(parent_clause, Organization.name == name))
        if org is None:
            org = Organization(parent_id=parent_id, kind=kind, name=name, timezone=zone)
            if approval is not None:
                org.route_approval_required = approval
            self.session.add(org)
            await self.session.flush()
            self.report.created += 1
        else:
            wanted = {"timezone": zone, "kind": kind}
            if approval is not None:
                wanted["route_approval_required"] = approval
            changed = {field: value for field, value in wanted.items() if getattr(org, field) != value}
            for field, value in changed.items():
                setattr(org, field, value)
            if changed:
                self.report.updated += 1
            else:
                self.report.unchanged += 1
        self.seen[key] = org
        return org


async def import_rows(session: AsyncSession, rows: list[OrgRow]) -> ImportReport:
    importer = _Importer(session)
    for row in rows:
        region = await importer.upsert(None, OrgKind.region, row.region, row.region_zone)
        muni = await importer.upsert(region.id, OrgKind.municipality, row.municipality, row.municipality_zone)
        if row.organization:
            await importer.upsert(
                muni.id,
                row.kind,
                row.organization,
                row.organization_zone or row.municipality_zone,
                row.route_approval_required,
            )
    return importer.report


async def import_file(session: AsyncSession, path: Path) -> ImportReport:
    """Create or update every node named in the file; nothing is deleted."""
    if not path.is_file():
        raise InvalidInput(f"Файл {path} не найден")
    return await import_rows(session, read_rows(path))
