"""Importing the organization tree (regions, municipalities, schools) from a CSV or YAML file: the
`orgs import` command and the seed call `import_file`, which creates or updates nodes by name under
their parent and never deletes anything. Browsing and scope checks live in `orgs`."""

import csv
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.shared import timefmt
from bot.services.shared.errors import InvalidInput
from models import Organization, OrgKind


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
