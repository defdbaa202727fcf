"""Courses in monitoring: /stats counts indicators 5, 6 and 11 from verified courses, /report has a
«Курсы ПК» sheet, the profile shows verified hours per year and the last course, and a methodist sees
who of their scope has had no verified course for three years."""

from datetime import timedelta
from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import select

from handlers.courses.review_ui import ReviewCb
from handlers.mentoring.ui import MenteeOpenCb
from models import CourseRecord, MentorPair, PairStatus, PairType, User
from tests.support.clock import moscow_today
from tests.support.courses import record_course
from tests.support.factories import make_methodist, registered
from tests.support.indicators_data import seed_dataset


async def test_stats_show_indicators_5_6_11_with_numbers(harness, sessionmaker):
    await seed_dataset(sessionmaker)
    m = await make_methodist(harness, sessionmaker, 711, "г. Новочеркасск")
    await m.send("/stats")
    text = "\n".join(await m.send("01.09.2025–31.05.2026"))
    assert "<b>5. Повышение квалификации</b> — 3 из 7" in text
    assert "<b>6. Обучение по программам ФР ДПП</b> — 1 из 3" in text
    assert "<b>11. Руководители в программах развития</b> — 1 из 2" in text


async def test_report_has_a_sheet_of_courses(harness, sessionmaker):
    await seed_dataset(sessionmaker)
    m = await make_methodist(harness, sessionmaker, 712, "г. Новочеркасск")
    await m.send("/report")
    await m.send("01.09.2025–31.05.2026")
    [sent] = harness.api.sent("SendDocument", 712)
    book = load_workbook(BytesIO(sent.document.data))
    sheet = book["Курсы ПК"]
    assert [c.value for c in sheet[1]][:5] == ["ФИО", "Организация", "Программа", "Кто проводил", "Часы"]
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == {"Педагог T1", "Педагог T2", "Педагог T4", "Педагог T6", "Педагог T7"}
    assert rows["Педагог T1"][8:] == ("12345", "подтверждён")
    assert rows["Педагог T2"][-1] == "на проверке" and rows["Педагог T6"][-1] == "возвращён на доработку"


async def test_profile_hours_and_the_three_year_flag(harness, sessionmaker):
    t = await registered(harness, 721)
    profile = (await t.send("/profile"))[-1]
    assert "подтверждённых курсов нет" in profile and "Больше трёх лет без курса ПК" in profile

    m = await make_methodist(harness, sessionmaker, 722, "Новочеркасск")
    await m.send("/courses")
    stale = (await m.press("Без курсов 3 года"))[-1]
    assert "Иванова Мария Петровна — курсов в боте нет" in stale

    await record_course(t, hours="72")
    async with sessionmaker() as session:
        record = await session.scalar(select(CourseRecord))
    await m.click(ReviewCb(action="approve", record_id=record.id))
    profile = (await t.send("/profile"))[-1]
    year = record.end_date.year
    assert f"{year} — 72 ч" in profile and f"последний окончен {record.end_date:%d.%m.%Y}" in profile
    assert "Больше трёх лет" not in profile
    assert moscow_today().year in (year, year + 1)
    await m.send("/courses")
    assert "Иванова Мария Петровна" not in (await m.press("Без курсов 3 года"))[-1]


async def test_teacher_cannot_open_the_methodist_lists(harness, sessionmaker):
    t = await registered(harness, 731)
    await t.send("/courses")
    assert "Проверка курсов" not in [text for text, _ in t.buttons()]
    assert "только методистам" in (await t.click("crs:stale:0"))[-1]
    assert "только методистам" in (await t.click("crs:review:0"))[-1]


async def test_mentor_card_shows_the_mentees_courses(harness, sessionmaker):
    mentee = await registered(harness, 741)
    mentor = await registered(harness, 742, name="Наставникова Ольга Сергеевна")
    await record_course(mentee, hours="16")
    m = await make_methodist(harness, sessionmaker, 743, "Новочеркасск")
    async with sessionmaker() as session, session.begin():
        record = await session.scalar(select(CourseRecord))
        users = {u.telegram_id: u.id for u in await session.scalars(select(User))}
        start = moscow_today()
        pair = MentorPair(
            mentor_id=users[742],
            mentee_id=users[741],
            type=PairType.subject,
            goal="Цель",
            starts_on=start,
            planned_end=start + timedelta(days=180),
            cadence_days=14,
            status=PairStatus.active,
            escalation_level=0,
        )
        session.add(pair)
    await m.click(ReviewCb(action="approve", record_id=record.id))
    card = (await mentor.click(MenteeOpenCb(pair_id=pair.id)))[-1]
    assert f"{record.end_date.year} — 16 ч" in card and "последний окончен" in card
