"""Bulk import of completed courses by a methodist: the preview names every row it cannot take and
why, nothing changes until the confirmation, malformed files are refused, and access holds."""

from io import BytesIO

from openpyxl import Workbook
from sqlalchemy import func, select

from models import CourseRecord, CourseStatus, OutboxMessage, Route, RouteStatus, StepStatus
from tests.support.courses import days_ago, upload
from tests.support.documents import serve_files
from tests.support.factories import built, make_methodist, registered, route_steps

HEADER = "ФИО;Организация;Программа;Кто проводил;Часы;Начало;Окончание;Форма;Номер в ФР ДПП"
TEACHERS = {801: "Иванова Мария Петровна", 802: "Петров Пётр Петрович", 803: "Сидорова Анна Ивановна"}


def line(name: str, title: str, hours="36", start=40, end=10, number="") -> str:
    return (
        f"{name};МБОУ СОШ № 1;{title};ЦНППМ;{hours};{days_ago(start):%d.%m.%Y};{days_ago(end):%d.%m.%Y};очно;{number}"
    )


def ten_rows() -> bytes:
    names = list(TEACHERS.values())
    rows = [line(names[i % 3], f"Программа {i}", number="777" if i % 2 else "") for i in range(8)]
    rows.insert(3, line("Неизвестный Иван Иванович", "Программа X"))  # line 5
    rows.insert(7, line(names[0], "Программа Y", end=-5))  # line 9: ends in the future
    return "\n".join([HEADER, *rows]).encode("cp1251")


async def count(sessionmaker, model=CourseRecord) -> int:
    async with sessionmaker() as session:
        return await session.scalar(select(func.count()).select_from(model))


async def setup_people(harness, sessionmaker):
    for telegram_id, name in TEACHERS.items():
        await registered(harness, telegram_id, name=name)
    return await make_methodist(harness, sessionmaker, 810, "Новочеркасск")


async def test_ten_row_csv_with_two_bad_rows(harness, sessionmaker, monkeypatch):
    files = serve_files(harness, monkeypatch)
    m = await setup_people(harness, sessionmaker)
    await m.send("/courses")
    await m.press("Импорт списка")
    preview = (await upload(m, files, "spisok.csv", ten_rows()))[-1]
    assert "можно добавить 8, не получится 2" in preview
    assert "стр. 5: Неизвестный Иван Иванович — не найден среди педагогов вашей зоны" in preview
    assert "стр. 9: Иванова Мария Петровна — Завершённый курс не может закончиться в будущем" in preview
    assert await count(sessionmaker) == 0  # nothing until the confirmation
    done = (await m.press("Добавить 8"))[-1]
    assert "Добавлено курсов: 8" in done
    async with sessionmaker() as session:
        records = list(await session.scalars(select(CourseRecord)))
        notices = await session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.purpose == "course_imported")
        )
    assert len(records) == 8 and {r.status for r in records} == {CourseStatus.verified}
    assert {r.source for r in records} == {"import"} and sum(r.frdpp for r in records) == 4
    assert notices == 8
    # The same list again: every row is already there.
    await m.send("/courses")
    await m.press("Импорт списка")
    again = (await upload(m, files, "spisok.csv", ten_rows()))[-1]
    assert "можно добавить 0" in again and "этот курс уже есть в боте" in again


async def test_malformed_files_are_refused_and_change_nothing(harness, sessionmaker, monkeypatch):
    files = serve_files(harness, monkeypatch)
    m = await setup_people(harness, sessionmaker)
    await m.send("/courses")
    await m.press("Импорт списка")
    no_hours = "ФИО;Программа;Начало;Окончание\nИванова Мария Петровна;Курс;01.10.2026;10.10.2026".encode()
    assert "Строка 1: нет столбцов «Часы»" in (await upload(m, files, "a.csv", no_hours))[-1]
    assert "CSV или XLSX" in (await upload(m, files, "a.docx", b"whatever"))[-1]
    assert "Не удалось открыть XLSX" in (await upload(m, files, "a.xlsx", b"not a zip"))[-1]
    assert "нет ни одной строки" in (await upload(m, files, "a.csv", b"\n\n"))[-1]
    bad_hours = f"{HEADER}\n{line(TEACHERS[801], 'Курс', hours='0')}".encode()
    answer = (await upload(m, files, "a.csv", bad_hours))[-1]
    assert "стр. 2" in answer and "больше нуля" in answer and "Добавлять нечего" in answer
    assert await count(sessionmaker) == 0
    # Still waiting for a file: a good one goes through.
    good = f"{HEADER}\n{line(TEACHERS[801], 'Курс')}".encode()
    assert "можно добавить 1" in (await upload(m, files, "a.csv", good))[-1]
    await m.press("Отмена")
    assert await count(sessionmaker) == 0


async def test_xlsx_with_date_cells_namesakes_and_own_row(harness, sessionmaker, monkeypatch):
    files = serve_files(harness, monkeypatch)
    m = await setup_people(harness, sessionmaker)
    await registered(harness, 804, name="Иванова Мария Петровна")  # a namesake in the same school
    book = Workbook()
    sheet = book.active
    sheet.append(["ФИО", "Программа", "Часы", "Начало", "Окончание"])
    sheet.append([TEACHERS[802], "Цифровая среда", 72, days_ago(60), days_ago(20)])
    sheet.append([TEACHERS[801], "Оценивание", 36, days_ago(60), days_ago(20)])
    sheet.append(["Методист Ольга", "Свой курс", 36, days_ago(60), days_ago(20)])
    buffer = BytesIO()
    book.save(buffer)
    await m.send("/courses")
    await m.press("Импорт списка")
    preview = (await upload(m, files, "list.xlsx", buffer.getvalue()))[-1]
    assert "можно добавить 1, не получится 2" in preview
    assert "несколько педагогов с таким ФИО" in preview
    assert "свою запись о курсе подтверждает другой методист" in preview
    await m.press("Добавить 1")
    async with sessionmaker() as session:
        record = await session.scalar(select(CourseRecord))
    assert (record.title, record.hours, record.end_date) == ("Цифровая среда", 72, days_ago(20))


async def test_only_methodists_import_and_a_stale_confirm_writes_nothing(harness, sessionmaker, monkeypatch):
    files = serve_files(harness, monkeypatch)
    t = await registered(harness, 820)
    assert "только методистам" in (await t.click("crs:import:0"))[-1]
    assert "устарела" in (await t.click("crsi:confirm"))[-1]
    m = await make_methodist(harness, sessionmaker, 821, "Новочеркасск")
    assert "устарела" in (await m.click("crsi:confirm"))[-1]  # no preview open
    assert await count(sessionmaker) == 0
    assert files == {}


async def test_imported_course_with_an_area_completes_the_formal_iom_step(harness, sessionmaker, monkeypatch):
    files = serve_files(harness, monkeypatch)
    await built(harness, sessionmaker, 830)
    async with sessionmaker() as session, session.begin():
        route = await session.scalar(select(Route))
        route.status = RouteStatus.approved
    m = await make_methodist(harness, sessionmaker, 831, "Новочеркасск")
    data = (
        "ФИО;Программа;Часы;Начало;Окончание;Область\n"
        f"Иванова Мария Петровна;Формирующее оценивание;36;{days_ago(40):%d.%m.%Y};{days_ago(10):%d.%m.%Y};3\n"
        f"Иванова Мария Петровна;Другое;36;{days_ago(40):%d.%m.%Y};{days_ago(10):%d.%m.%Y};девятая\n"
    ).encode()
    await m.send("/courses")
    await m.press("Импорт списка")
    preview = (await upload(m, files, "list.csv", data))[-1]
    assert "стр. 3" in preview and "номер от 1 до 8" in preview
    await m.press("Добавить 1")
    done = [s for s in await route_steps(sessionmaker, 830) if s.status == StepStatus.done]
    assert [(s.area, s.form) for s in done] == [("3", "formal")]
    assert "подтверждён методистом" in done[0].reflection
