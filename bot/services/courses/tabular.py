"""A small reader of tables people export from spreadsheets: CSV (UTF-8 or Windows-1251, comma,
semicolon or tab) or XLSX (the first sheet). Returns the header and the rows as trimmed strings;
dates of an XLSX come as ISO dates. A file it cannot read is refused with a Russian reason."""

import csv
import io
from datetime import date, datetime

from bot.services.shared.errors import InvalidInput

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 1000
DELIMITERS = ";,\t"


def check_file(file_name: str | None, size: int | None) -> str:
    """The kind of the file by its name (csv | xlsx), before it is downloaded."""
    name = (file_name or "").lower()
    if size is not None and size > MAX_BYTES:
        raise InvalidInput("Файл больше 2 МБ: разделите список на части.")
    if name.endswith(".csv"):
        return "csv"
    if name.endswith(".xlsx"):
        return "xlsx"
    raise InvalidInput("Пришлите таблицу в формате CSV или XLSX (файл .csv или .xlsx).")


def read(kind: str, data: bytes) -> tuple[list[str], list[list[str]]]:
    rows = _csv(data) if kind == "csv" else _xlsx(data)
    rows = [row for row in rows if any(cell for cell in row)]
    if not rows:
        raise InvalidInput("В файле нет ни одной строки.")
    if len(rows) - 1 > MAX_ROWS:
        raise InvalidInput(f"В файле больше {MAX_ROWS} строк: разделите список на части.")
    return rows[0], rows[1:]


def _csv(data: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # cp1251 decodes almost anything; this is for the few bytes it does not
        raise InvalidInput("Не удалось прочитать файл: сохраните CSV в кодировке UTF-8 или Windows-1251.")
    if "\x00" in text:
        raise InvalidInput("Это не текстовый CSV: сохраните таблицу как CSV или XLSX.")
    first = text.split("\n", 1)[0]
    delimiter = max(DELIMITERS, key=first.count)
    return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises zipfile, KeyError and its own errors for a broken file
        raise InvalidInput("Не удалось открыть XLSX: файл повреждён или это не таблица Excel.") from None
    try:
        sheet = book.worksheets[0]
        return [[_cell(value) for value in row] for row in sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 2)]
    finally:
        book.close()


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
