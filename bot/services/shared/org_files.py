"""Reading an organization directory file into rows, for `org_import`: CSV as Excel saves it (UTF-8
with or without BOM, or Windows-1251; comma, semicolon or tab between cells), XLSX (the first
sheet), or YAML shaped like bot/content/organizations.yaml. Errors name the file, the row and the
problem, in Russian like every other message of the import."""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.services.shared import timefmt
from bot.services.shared.errors import InvalidInput
from models import OrgKind

# Header cell (any case, English or Russian) → field. The first row of a CSV or XLSX is the header.
COLUMNS = {
    "region": "region",
    "регион": "region",
    "municipality": "municipality",
    "муниципалитет": "municipality",
    "organization": "organization",
    "организация": "organization",
    "timezone": "timezone",
    "часовой пояс": "timezone",
    "kind": "kind",
    "тип": "kind",
    "route_approval_required": "route_approval_required",
    "согласование иом": "route_approval_required",
}
REQUIRED = ("region", "municipality", "timezone")
HEADER_HINT = "region, municipality, timezone (по желанию organization, kind, route_approval_required)"
KINDS = {"school": OrgKind.school, "школа": OrgKind.school, "other": OrgKind.other, "другая": OrgKind.other}
YES_NO = {"yes": True, "да": True, "true": True, "1": True, "no": False, "нет": False, "false": False, "0": False}


@dataclass(frozen=True)
class OrgRow:
    region: str
    region_zone: str
    municipality: str
    municipality_zone: str
    organization: str | None = None
    organization_zone: str | None = None
    kind: OrgKind = OrgKind.school
    # Whether the organization's ИОМ wait for approval; None: the file does not say (left as it is).
    route_approval_required: bool | None = None


def read_rows(path: Path) -> list[OrgRow]:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _rows_from_table(path.name, _csv_cells(path))
    if suffix in (".xlsx", ".xlsm"):
        return _rows_from_table(path.name, _xlsx_cells(path))
    if suffix in (".yaml", ".yml"):
        return _rows_from_yaml(path)
    raise InvalidInput(f"{path.name}: ожидается файл .csv, .xlsx или .yaml")


def check_zone(zone: str, where: str) -> str:
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(f"{where}: неизвестный часовой пояс {zone!r} (нужно имя вроде Europe/Moscow)") from None
    return zone


def parse_kind(value: object, where: str) -> OrgKind:
    kind = KINDS.get(str(value).strip().lower())
    if kind is None:
        raise InvalidInput(f"{where}: тип должен быть school или other (школа или другая), а не {value!r}")
    return kind


def parse_yes_no(value: object, where: str) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if not text:
        return None
    if text not in YES_NO:
        raise InvalidInput(f"{where}: согласование ИОМ — да или нет (yes или no), а не {value!r}")
    return YES_NO[text]


def _csv_cells(path: Path) -> Iterator[tuple[int, list[str]]]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:  # Russian Excel's "CSV" is Windows-1251
        text = data.decode("cp1251", errors="replace")
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(",;\t", key=first.count)
    for index, cells in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1):
        yield index, cells


def _xlsx_cells(path: Path) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # a damaged or mislabelled file: openpyxl raises several kinds
        raise InvalidInput(f"{path.name}: не открыть как XLSX ({exc})") from None
    try:
        for index, values in enumerate(book.worksheets[0].iter_rows(values_only=True), start=1):
            yield index, ["" if value is None else str(value) for value in values]
    finally:
        book.close()


def _rows_from_table(name: str, cells: Iterator[tuple[int, list[str]]]) -> list[OrgRow]:
    header_line, header = next(((i, c) for i, c in cells if any(x.strip() for x in c)), (0, []))
    if not header:
        raise InvalidInput(f"{name}: файл пуст; первая строка — заголовок со столбцами {HEADER_HINT}")
    fields = [COLUMNS.get(cell.strip().lstrip("\ufeff").lower()) for cell in header]
    missing = [column for column in REQUIRED if column not in fields]
    if missing and not any(fields):
        shown = "; ".join(cell.strip() for cell in header if cell.strip())[:120]
        raise InvalidInput(
            f"{name}, строка {header_line or 1}: первая строка — заголовок со столбцами {HEADER_HINT}; "
            f"в файле там «{shown}»"
        )
    if missing:
        raise InvalidInput(f"{name}: нет столбцов {', '.join(missing)}")
    rows: list[OrgRow] = []
    for line, values in cells:
        row = {field: value.strip() for field, value in zip(fields, values, strict=False) if field}
        if not any(row.values()):
            continue  # Excel leaves empty rows behind
        where = f"{name}, строка {line}"
        region, muni = row.get("region", ""), row.get("municipality", "")
        if not region or not muni:
            raise InvalidInput(f"{where}: пустой регион или муниципалитет")
        if not row.get("timezone"):
            raise InvalidInput(f"{where}: не указан часовой пояс (например, Europe/Moscow)")
        zone = check_zone(row["timezone"], where)
        organization = row.get("organization") or None
        approval = parse_yes_no(row.get("route_approval_required"), where)
        if approval is not None and organization is None:
            raise InvalidInput(f"{where}: согласование ИОМ задаётся для организации, а она в строке не указана")
        rows.append(
            OrgRow(
                region=region,
                region_zone=zone,
                municipality=muni,
                municipality_zone=zone,
                organization=organization,
                organization_zone=zone,
                kind=parse_kind(row.get("kind") or "school", where),
                route_approval_required=approval,
            )
        )
    if not rows:
        raise InvalidInput(f"{name}: после заголовка нет ни одной строки")
    return rows


def _rows_from_yaml(path: Path) -> list[OrgRow]:
    import yaml  # the `orgs import` command's, not the bot's

    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"{path.name}: не разобрать YAML: {exc}") from None
    regions = doc.get("regions") if isinstance(doc, dict) and "regions" in doc else [doc]
    rows: list[OrgRow] = []
    for r_index, region in enumerate(regions or []):
        where = f"{path.name}: регион №{r_index + 1}"
        if not isinstance(region, dict) or not region.get("name"):
            raise InvalidInput(f"{where}: нужно поле name")
        r_zone = check_zone(str(region.get("timezone", timefmt.MOSCOW)), where)
        for m_index, muni in enumerate(region.get("municipalities") or []):
            m_where = f"{where}, муниципалитет №{m_index + 1}"
            if not isinstance(muni, dict) or not muni.get("name"):
                raise InvalidInput(f"{m_where}: нужно поле name")
            m_zone = check_zone(str(muni.get("timezone", r_zone)), m_where)
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
                        organization_zone=check_zone(str(entry.get("timezone", m_zone)), o_where),
                        kind=parse_kind(entry.get("kind", "school"), o_where),
                        route_approval_required=parse_yes_no(entry.get("route_approval_required"), o_where),
                    )
                )
    return rows
