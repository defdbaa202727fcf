"""The course import's table reader: encodings, delimiters, XLSX cells, refusals."""

from datetime import date, datetime
from io import BytesIO

import pytest
from openpyxl import Workbook

from bot.services.courses import bulk_import, tabular
from bot.services.shared.errors import InvalidInput


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1251"])
@pytest.mark.parametrize("sep", [";", ",", "\t"])
def test_csv_encodings_and_delimiters(encoding, sep):
    data = (sep.join(["ФИО", "Часы"]) + "\r\n" + sep.join(["Пётр", "36"])).encode(encoding)
    assert tabular.read("csv", data) == (["ФИО", "Часы"], [["Пётр", "36"]])


def test_xlsx_cells_become_strings():
    book = Workbook()
    book.active.append(["ФИО", "Часы", "Окончание", "Начало"])
    book.active.append(["Анна", 72.0, datetime(2026, 5, 1), date(2026, 4, 1)])
    buffer = BytesIO()
    book.save(buffer)
    assert tabular.read("xlsx", buffer.getvalue())[1] == [["Анна", "72", "2026-05-01", "2026-04-01"]]


def test_file_checks():
    assert tabular.check_file("Список.XLSX", 100) == "xlsx"
    with pytest.raises(InvalidInput):
        tabular.check_file("list.xls", 100)
    with pytest.raises(InvalidInput):
        tabular.check_file("list.csv", 3 * 1024 * 1024)
    with pytest.raises(InvalidInput):
        tabular.read("csv", b"a;b\n" + b"1;2\n" * (tabular.MAX_ROWS + 1))


def test_columns_by_header_words():
    header = [
        "№ программы в ФР ДПП",
        "ФИО слушателя",
        "Наименование программы",
        "Объём, часов",
        "Дата начала",
        "Дата окончания",
        "Образовательная организация",
        "Кто проводил",
    ]
    col = bulk_import.columns(header)
    assert (col["frdpp"], col["name"], col["title"], col["hours"], col["org"], col["provider"]) == (0, 1, 2, 3, 6, 7)
    with pytest.raises(InvalidInput, match="«Программа»"):
        bulk_import.columns(["ФИО", "Часы", "Начало", "Окончание"])
