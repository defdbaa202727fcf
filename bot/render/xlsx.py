"""Spreadsheets (XLSX) with openpyxl: a bold frozen header row with a filter, real date cells and
column widths that fit the content. Text never turns into a formula (a name typed as "=..." stays
text), and characters XLSX cannot hold are dropped.

openpyxl (~15 MB resident) is imported on the first workbook, not with this module: handlers
import it at startup and most processes never export a spreadsheet."""

from collections.abc import Sequence
from dataclasses import astuple, dataclass
from datetime import date, datetime
from io import BytesIO

DATETIME_FORMAT = "DD.MM.YYYY HH:MM"
DATE_FORMAT = "DD.MM.YYYY"
MIN_WIDTH, MAX_WIDTH = 8, 60
REGISTRANT_HEADERS = ("ФИО", "Организация", "Должность", "Статус", "Посещение", "Дата записи")

Value = str | int | float | datetime | date | None


@dataclass(frozen=True)
class RegistrantRow:
    full_name: str
    organization: str
    position: str
    status: str
    attendance: str
    registered_at: datetime  # naive, already in the reader's zone: XLSX cells have no time zones


def table(sheet_title: str, headers: Sequence[str], rows: Sequence[Sequence[Value]], doc_title: str = "") -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = ILLEGAL_CHARACTERS_RE.sub("", sheet_title).translate(str.maketrans("", "", "[]:*?/\\"))[:31]
    widths = [len(header) for header in headers]
    for column, header in enumerate(headers, start=1):
        cell = sheet.cell(row=1, column=column, value=header)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    for row_index, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(row=row_index, column=column)
            if isinstance(value, datetime):
                cell.value, cell.number_format = value.replace(tzinfo=None), DATETIME_FORMAT
                shown = 16
            elif isinstance(value, date):
                cell.value, cell.number_format = value, DATE_FORMAT
                shown = 10
            elif isinstance(value, str):
                cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
                cell.data_type = "s"  # never a formula, whatever the person typed
                shown = len(value)
            else:
                cell.value = value
                shown = len(str(value)) if value is not None else 0
            widths[column - 1] = max(widths[column - 1], shown)
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = min(max(width + 2, MIN_WIDTH), MAX_WIDTH)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(1, len(rows) + 1)}"
    workbook.properties.title = ILLEGAL_CHARACTERS_RE.sub("", doc_title)[:200] or None
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def registrants(rows: Sequence[RegistrantRow], event_title: str = "") -> bytes:
    return table("Записавшиеся", REGISTRANT_HEADERS, [astuple(row) for row in rows], event_title)
