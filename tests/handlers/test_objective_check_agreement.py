"""/stats and /report show the methodist how often self-assessment and objective check agree, by
area: completed checks with a self-assessment, the latest per teacher and area, of the indicators'
population (no methodists), inside the methodist's scope and the period."""

from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import update

from models import User
from tests.support.factories import diagnosed, make_methodist, org_id, registered, result
from tests.support.objective import take

PERIOD = "01.09.2026–31.05.2027"  # holds TEST_NOW (07.12.2026)
BEFORE = "01.09.2025–31.05.2026"


async def move_to(sessionmaker, telegram_id: int, organization: str) -> None:
    where = await org_id(sessionmaker, organization)
    async with sessionmaker() as session, session.begin():
        await session.execute(update(User).where(User.telegram_id == telegram_id).values(organization_id=where))


async def test_agreement_by_area_in_stats_and_report(routed, sessionmaker):
    methodist = await make_methodist(routed, sessionmaker, 1001, "г. Новочеркасск")
    # Rated 3 severe: checked right (resource, differs), then again wrong (severe): the latest agrees.
    first = await registered(routed, 1002, "Первая Анна Ивановна")
    await diagnosed(sessionmaker, 1002)
    await take(first, "3", right=True)
    await take(first, "3", right=False)
    # Rated 3 severe and 2 partial: 3 agrees (severe), 2 differs (resource).
    second = await registered(routed, 1003, "Вторая Вера Павловна")
    await diagnosed(sessionmaker, 1003)
    await take(second, "3", right=False)
    await take(second, "2", right=True)
    # Not counted: a check with no self-assessment; a teacher of another municipality; the methodist.
    await take(await registered(routed, 1004, "Третья Галина Петровна"), "5", right=True)
    elsewhere = await registered(routed, 1005, "Четвёртая Дина Юрьевна")
    await move_to(sessionmaker, 1005, "г. Волгодонск")
    await diagnosed(sessionmaker, 1005, [result("3", 5, "severe")])
    await take(elsewhere, "3", right=True)
    await diagnosed(sessionmaker, 1001, [result("2", 9, "partial")])
    await take(methodist, "2", right=True)

    await methodist.send("/stats")
    text = (await methodist.send(PERIOD))[-1]
    assert "<b>Самооценка и объективная проверка</b>" in text
    assert "• 2. Методическая: совпало 0 из 1, расхождений 100%" in text
    assert "• 3. Оценочная: совпало 2 из 2, расхождений 0%" in text
    assert "• 5. " not in text.split("Самооценка и объективная проверка")[1]
    assert "Всего: совпало 2 из 3, расхождений 33,3%." in text

    await methodist.send("/report")
    await methodist.send(PERIOD)
    book = load_workbook(BytesIO(routed.api.sent("SendDocument", 1001)[-1].document.data))
    sheet = book["Самооценка и проверка"]
    assert next(sheet.iter_rows(max_row=1, values_only=True))[:4] == (
        "Область",
        "Сравнений (педагог × область)",
        "Совпало",
        "Разошлось",
    )
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 9 and rows[0] == ("1. Предметная", 0, 0, 0, None)
    assert rows[1] == ("2. Методическая", 1, 0, 1, 1)
    assert rows[2] == ("3. Оценочная", 2, 2, 0, 0)
    assert rows[-1][:4] == ("Всего", 3, 2, 1) and abs(rows[-1][4] - 1 / 3) < 1e-9
    assert sheet.cell(row=3, column=5).number_format == "0.0%"

    # Another period: nothing to compare.
    await methodist.send("/stats")
    text = (await methodist.send(BEFORE))[-1]
    assert "За период нет проверок самооценки, которые можно сравнить с самодиагностикой." in text


async def test_a_methodist_of_another_scope_sees_only_theirs(routed, sessionmaker):
    teacher = await registered(routed, 1011, "Первая Анна Ивановна")
    await diagnosed(sessionmaker, 1011)
    await take(teacher, "3", right=True)
    other = await make_methodist(routed, sessionmaker, 1012, "г. Волгодонск")
    await other.send("/stats")
    text = (await other.send(PERIOD))[-1]
    assert "За период нет проверок самооценки" in text
    regional = await make_methodist(routed, sessionmaker, 1013, "Ростовская область")
    await regional.send("/stats")
    text = (await regional.send(PERIOD))[-1]
    assert "• 3. Оценочная: совпало 0 из 1, расхождений 100%" in text
