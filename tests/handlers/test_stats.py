"""/stats and /report through the dispatcher over the data set of tests/unit/test_indicators.py:
the numbers shown, scope enforcement, the breakdown, charts as photos and the XLSX workbook."""

import asyncio
import re
import shutil
from datetime import datetime
from io import BytesIO

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlalchemy import select, update

from bot.services.shared import roles
from handlers.monitoring.ui import StatsCb
from models import Organization, Role, User
from tests.support.factories import make_methodist, org_id, register
from tests.support.harness import ADMIN_ID, harness_on
from tests.support.indicators_data import NOVOCHERKASSK, PERIOD, REGION, seed_dataset
from tests.support.telegram_html import play_and_check

TYPED = "01.09.2025–31.05.2026"
START, END = PERIOD.key
LINE = re.compile(r"<b>(\S+)\. [^<]*</b> — (?:(\d+) из (\d+)|(нет данных в боте))")


def shown(text: str) -> dict[str, tuple[int, int] | None]:
    return {code: None if missing else (int(num), int(den)) for code, num, den, missing in LINE.findall(text)}


def documents(harness, chat_id: int):
    return [r for r in harness.api.sent("SendDocument", chat_id)]


async def test_municipal_methodist_sees_their_numbers(routed, sessionmaker):
    await seed_dataset(sessionmaker)
    methodist = await make_methodist(routed, sessionmaker, 700, "г. Новочеркасск")
    replies = await methodist.send("/stats")
    assert "За какой период" in replies[-1] and "г. Новочеркасск" in replies[-1]
    assert any("Текущий учебный год" in label for label, _ in methodist.buttons())
    text = (await methodist.send(TYPED))[-1]
    assert "Педагогов в зоне: 7" in text and "01.09.2025–31.05.2026" in text
    assert shown(text) == NOVOCHERKASSK
    assert "71,4%" in text  # coverage 5 of 7
    assert (
        "• Методическая: 2 (выраженный 1, частичный 1)\n• Предметная: 1 (выраженный 1, частичный 0)\n"
        "• Оценочная: 1 (выраженный 0, частичный 1)"
    ) in text
    assert "<b>Молодые специалисты</b>: 2; с наставником — 1 (50%)" in text
    assert "записей — 4; посещаемость завершённых — 2 из 3 (66,7%); средняя оценка — 4,5 (2 оценки)" in text


async def test_breakdown_by_school_and_by_indicator(routed, sessionmaker):
    await seed_dataset(sessionmaker)
    methodist = await make_methodist(routed, sessionmaker, 701, "г. Новочеркасск")
    await methodist.send("/stats")
    await methodist.send(TYPED)
    text = (await methodist.press("Разбивка"))[-1]
    assert "1. Охват диагностикой" in text
    assert "• МБОУ СОШ № 1: 4 из 4 (100%)" in text and "• МБОУ СОШ № 3: 1 из 3 (33,3%)" in text
    assert "• МБОУ лицей № 7: 0 из 0 (—)" in text and "<b>Всего</b>: 5 из 7" in text
    text = (await methodist.press("2а"))[-1]
    assert "• МБОУ СОШ № 1: 3 из 3 (100%)" in text and "• МБОУ СОШ № 3: 0 из 1 (0%)" in text
    text = (await methodist.press("К показателям"))[-1]
    assert shown(text) == NOVOCHERKASSK


async def test_admin_picks_the_region_and_sees_municipalities(routed, sessionmaker):
    await seed_dataset(sessionmaker)
    admin = routed.user(ADMIN_ID)
    replies = await admin.send("/stats")
    assert "Выберите регион" in replies[-1]
    await admin.press("Ростовская область")
    await admin.press("целиком")
    text = (await admin.send(TYPED))[-1]
    assert shown(text) == REGION and "Педагогов в зоне: 10" in text
    text = (await admin.press("Разбивка"))[-1]
    assert "• г. Волгодонск: 1 из 2 (50%)" in text and "• г. Новочеркасск: 5 из 7" in text
    assert "• г. Новошахтинск: 1 из 1 (100%)" in text
    # A municipality picked from the same tree.
    await admin.send("/stats")
    await admin.press("Ростовская область")
    text = (await admin.press("г. Волгодонск"))[-1]
    assert "МБОУ СШ № 5" in str(admin.buttons())  # a municipality opens to its schools
    await admin.press("целиком")
    text = (await admin.send(TYPED))[-1]
    assert "Педагогов в зоне: 2" in text and shown(text)["1"] == (1, 2)


async def test_period_buttons_and_typos(routed, sessionmaker):
    await seed_dataset(sessionmaker)
    methodist = await make_methodist(routed, sessionmaker, 702, "г. Новочеркасск")
    await methodist.send("/stats")
    choices = dict(methodist.buttons())
    assert "Не понял период" in (await methodist.send("прошлый год"))[-1]
    assert "позже его конца" in (await methodist.send("31.05.2026–01.09.2025"))[-1]
    current = next(data for label, data in choices.items() if label.startswith("Текущий учебный год"))
    text = (await methodist.click(current))[-1]
    assert "📈 <b>Показатели: г. Новочеркасск</b>" in text
    await methodist.press("Другой период")
    text = (await methodist.press("Последние 30 дней"))[-1]
    assert "Педагогов в зоне:" in text


async def test_regional_methodist_drills_down(routed, sessionmaker):
    await seed_dataset(sessionmaker)
    methodist = await make_methodist(routed, sessionmaker, 708, "Ростовская область")
    await methodist.send("/stats")
    await methodist.send(TYPED)
    await methodist.press("Другая организация")
    await methodist.press("г. Новошахтинск")
    await methodist.press("целиком")
    text = (await methodist.send(TYPED))[-1]
    assert "Показатели: г. Новошахтинск" in text and "Педагогов в зоне: 1" in text
    await methodist.send("/stats")
    await methodist.press("Другая организация")
    await methodist.press("г. Новочеркасск")
    text = (await methodist.press("МБОУ СОШ № 3"))[-1]  # a school is chosen directly
    assert "МБОУ СОШ № 3" in text and "За какой период" in text


async def test_scope_is_enforced(routed, sessionmaker):
    await seed_dataset(sessionmaker)
    methodist = await make_methodist(routed, sessionmaker, 703, "г. Новочеркасск")
    foreign = await org_id(sessionmaker, "г. Волгодонск")
    region = await org_id(sessionmaker, "Ростовская область")
    for action in ("show", "brk", "png", "xls", "per", "org"):
        for target in (foreign, region):
            replies = await methodist.click(StatsCb(action=action, org_id=target, start=START, end=END))
            assert "вне вашей зоны" in replies[-1], (action, target)
    replies = await methodist.click(
        StatsCb(action="show", org_id=await org_id(sessionmaker, "г. Новочеркасск"), start=20251399, end=END)
    )
    assert "Не понял период" in replies[-1]
    assert documents(routed, 703) == [] and routed.api.sent("SendMediaGroup") == []
    teacher = routed.user(704)
    await register(teacher)
    assert "только методистам" in (await teacher.send("/stats"))[-1]
    assert "только методистам" in (await teacher.send("/report"))[-1]
    replies = await teacher.click(StatsCb(action="show", org_id=foreign, start=START, end=END))
    assert "только методистам" in replies[-1]
    assert documents(routed, 704) == []


async def test_charts_are_sent_as_photos(routed, sessionmaker):
    await seed_dataset(sessionmaker)
    methodist = await make_methodist(routed, sessionmaker, 705, "г. Новочеркасск")
    await methodist.send("/stats")
    await methodist.send(TYPED)
    await methodist.press("Графики")
    [album] = routed.api.sent("SendMediaGroup", 705)
    assert len(album.media) == 2
    for item in album.media:
        assert item.type == "photo" and item.media.data.startswith(b"\x89PNG\r\n\x1a\n")


async def test_charts_without_data(routed, sessionmaker):
    methodist = await make_methodist(routed, sessionmaker, 706, "г. Волгодонск")
    await methodist.send("/stats")
    await methodist.send("01.09.2020–31.05.2021")
    replies = await methodist.press("Графики")
    assert any("нет данных для графиков" in reply for reply in replies)


async def test_report_workbook(routed, sessionmaker):
    await seed_dataset(sessionmaker)
    methodist = await make_methodist(routed, sessionmaker, 707, "г. Новочеркасск")
    await methodist.send("/report")
    await methodist.send(TYPED)
    [sent] = documents(routed, 707)
    assert sent.document.filename.endswith(".xlsx") and "Педагогов: 7" in sent.caption
    book = load_workbook(BytesIO(sent.document.data))
    assert book.sheetnames[:4] == ["Показатели", "Педагоги", "Мероприятия", "Наставнические пары"]
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref and sheet["A1"].font.b

    rows = list(book["Показатели"].iter_rows(min_row=2, values_only=True))
    got = {row[0]: (row[2], row[3]) if row[2] is not None else None for row in rows}
    assert got == NOVOCHERKASSK
    first = book["Показатели"]["E2"]
    assert first.value == pytest.approx(5 / 7) and first.number_format == "0.0%"

    teachers = book["Педагоги"]
    header = [c.value for c in teachers[1]]
    assert header[:4] == ["ФИО", "Организация", "Должность", "Дата диагностики"]
    assert header[4].startswith("1. Предметная") and header[-2:] == ["Прогресс ИОМ, %", "Наставник"]
    people = {row[0]: row for row in teachers.iter_rows(min_row=2, values_only=True)}
    assert len(people) == 7 and "Педагог T8" not in people and "Педагог T9" not in people
    t1 = people["Педагог T1"]
    assert t1[3] == datetime(2025, 10, 1) and t1[4] == "выраженный дефицит" and t1[5] == "частичный дефицит"
    assert t1[-2] == 80 and t1[-1] == "Педагог T3"
    assert people["Педагог T5"][3] is None and people["Педагог T5"][-2] is None
    assert people["Педагог T4"][2] == "Руководитель" and people["Педагог T4"][12] == "частичный дефицит"
    date_cell = teachers.cell(row=2 + list(people).index("Педагог T1"), column=4)
    assert date_cell.is_date and date_cell.number_format == "DD.MM.YYYY"

    events = list(book["Мероприятия"].iter_rows(min_row=2, values_only=True))
    assert [(e[0], e[5], e[6], e[7]) for e in events] == [
        ("Семинар по оцениванию", 3, 2, 4.5),
        ("Мастер-класс <ФГ>", 1, 0, None),
    ]
    assert events[0][1] == datetime(2025, 10, 10, 15, 0)  # 12:00 UTC in Moscow
    assert book["Мероприятия"]["B2"].is_date

    pairs = list(book["Наставнические пары"].iter_rows(min_row=2, values_only=True))
    assert sorted((p[0], p[1], p[3]) for p in pairs) == [
        ("Педагог T3", "Педагог T1", "компетенция → дефицит"),
        ("Педагог T3", "Педагог T2", "наставник — молодой специалист"),
    ]
    assert all(isinstance(p[4], datetime) for p in pairs) and book["Наставнические пары"]["E2"].is_date
    assert ("МБОУ СОШ № 1", "1", "Охват диагностикой", 4, 4, 1) in [
        r[:6] for r in book["По организациям"].iter_rows(min_row=2, values_only=True)
    ]


async def test_report_button_from_stats(routed, sessionmaker):
    await seed_dataset(sessionmaker)
    admin = routed.user(ADMIN_ID)
    async with sessionmaker() as session, session.begin():
        region = await session.scalar(select(Organization.id).where(Organization.name == "Ростовская область"))
        await session.execute(update(User).where(User.full_name == "Педагог T7").values(full_name="=1+1\x07"))
    await admin.click(StatsCb(action="show", org_id=region, start=START, end=END))
    await admin.press("Отчёт XLSX")
    [sent] = documents(routed, ADMIN_ID)
    book = load_workbook(BytesIO(sent.document.data))
    assert book["Педагоги"].max_row == 1 + 10
    typed = next(row[0] for row in book["Педагоги"].iter_rows(min_row=2) if row[0].value == "=1+1")
    assert typed.data_type == "s"  # a name typed as a formula stays text; the control character is gone
    assert book["Наставнические пары"].max_row == 1 + 3
    assert [row[0] for row in book["Мероприятия"].iter_rows(min_row=2, values_only=True)] == [
        "Семинар по оцениванию",
        "Вебинар",
        "Региональная конференция",
        "Мастер-класс <ФГ>",
    ]


# --- robustness: forged buttons and hostile text from every role ------------------------------

hostile = st.one_of(
    st.sampled_from(
        [
            "/stats",
            "/report",
            "/content",
            "/cancel",
            TYPED,
            "01.01.1990–01.01.2030",
            "<b>x",
            "x" * 5000,
            "31.02.2026–01.03.2026",
        ]
    ),
    st.text(max_size=40),
)
forged = st.one_of(
    st.builds(
        lambda action, org, start, end, ind, page, mode: StatsCb(
            action=action, org_id=org, start=start, end=end, ind=ind, page=page, mode=mode
        ).pack(),
        st.sampled_from(["org", "per", "show", "brk", "png", "xls", "zzz"]),
        st.integers(0, 40),
        st.sampled_from([START, 0, 99999999, 20261301]),
        st.sampled_from([END, 0, 1]),
        st.integers(-3, 20),
        st.integers(-2, 5),
        st.sampled_from(["s", "r", "x"]),
    ),
    st.builds(
        lambda prefix, parts: ":".join([prefix, *parts]),
        st.sampled_from(["st", "cnt"]),
        st.lists(st.one_of(st.integers(-5, 10**12).map(str), st.text(max_size=8)), max_size=8),
    ),
)
step = st.tuples(
    st.sampled_from(["teacher", "methodist", "admin", "stranger"]),
    st.one_of(st.tuples(st.just("text"), hostile), st.tuples(st.just("click"), forged)),
)


@pytest.fixture(scope="module")
def stats_template(seeded_sqlite_template, tmp_path_factory):
    """The data set, a registered teacher (11) and Новочеркасск's methodist (12): prepared once."""
    path = tmp_path_factory.mktemp("stats_fuzz") / "stats.db"
    shutil.copyfile(seeded_sqlite_template, path)

    async def prepare() -> None:
        async with harness_on(path) as harness:
            await seed_dataset(harness.sessionmaker)
            await register(harness.user(11))
            async with harness.sessionmaker() as session, session.begin():
                await roles.grant(
                    session,
                    None,
                    Role.methodist,
                    12,
                    await session.scalar(select(Organization.id).where(Organization.name == "г. Новочеркасск")),
                )

    asyncio.run(prepare())
    return path


async def fuzz_scenario(db_path, steps) -> None:
    async with harness_on(db_path) as harness:
        people = {
            "teacher": harness.user(11),
            "methodist": harness.user(12),
            "admin": harness.user(ADMIN_ID),
            "stranger": harness.user(13),
        }
        await play_and_check(harness, people, steps)
        foreign = {r.chat_id for r in harness.api.requests if type(r).__name__ in ("SendDocument", "SendMediaGroup")}
        assert foreign <= {12, ADMIN_ID}  # workbooks and charts only ever reach methodists and admins


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(step, min_size=4, max_size=10))
def test_forged_buttons_and_hostile_text(stats_template, tmp_path, steps):
    db_path = tmp_path / "fuzz.db"
    shutil.copyfile(stats_template, db_path)
    asyncio.run(fuzz_scenario(db_path, steps))
    db_path.unlink()
