"""Повышение квалификации end to end through the emulator (issue 16): a teacher records a ФР ДПП
course with a PDF certificate and links it to the formal step of her ИОМ; the methodist (granted
through the CLI) opens the certificate, returns the record once with a reason, the teacher sends a
new certificate, the methodist verifies it and the step is done with the certificate as evidence.
The methodist imports a provider's 10-row CSV with two bad rows: the preview names both and
nothing is written until the confirmation, then the 8 rows are. /stats shows indicators 5, 6 and 11
counted from those verified records. The other people, one diagnosis and the route are written
straight to the bot's database."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from models import CourseRecord, CourseStatus, Organization, Position, RouteStep, StepStatus, User
from tests.e2e.client import BotMessage, TgUser, eventually
from tests.e2e.database import BotDb
from tests.e2e.flows import add_diagnosis, add_people, add_route, grant_methodist, press, register, wait_text
from tests.support import clock

pytestmark = pytest.mark.backends("sqlite", "postgres")

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
FIXED_PDF = b"%PDF-1.4\n% the certificate with its registration number\n%%EOF\n"
TITLE = "Формирующее оценивание в основной школе"
REASON = "На скане не видно регистрационного номера удостоверения"
TODAY = clock.moscow_today()
START, END = TODAY - timedelta(days=40), TODAY - timedelta(days=10)  # a completed course, whatever TEST_NOW is
PERIOD = f"{TODAY - timedelta(days=300):%d.%m.%Y}–{TODAY + timedelta(days=30):%d.%m.%Y}"


@pytest.fixture(scope="module")
def bot_extra_env() -> dict[str, str]:
    # The teacher hears of the return and the verification through the outbox: no quiet hours.
    return {"QUIET_HOURS": "", "DELIVERY_INTERVAL_S": "0.5"}


def day(value) -> str:
    return f"{value:%d.%m.%Y}"


async def record_course(teacher: TgUser) -> None:
    """/courses → a completed course: every answer, a .docx refused, then the PDF certificate."""
    await teacher.send("/courses")
    await teacher.wait_reply(contains="Повышение квалификации", timeout=30)
    await press(teacher, "➕ Завершённый курс", "Название программы")
    for answer, next_question in (
        (TITLE, "Кто проводил курс"),
        ("ЦНППМ Ростовской области", "Объём программы"),
        ("0", "должен быть больше нуля"),  # refused with the reason; the question stands
        ("72", "Дата начала"),
        (day(START), "Дата окончания"),
        (day(END), "Форма обучения"),
    ):
        await teacher.send(answer)
        await teacher.wait_reply(contains=next_question, timeout=20)
    await press(teacher, "Дистанционно", "Федеральный реестр ДПП")
    await press(teacher, "Да, есть номер", "Номер программы в ФР ДПП")
    await teacher.send("012345")
    link = await teacher.wait_reply(contains="К чему относится курс", timeout=20)
    assert "Шаг ИОМ: Курс «Оценивание»" in [b["text"] for b in link.buttons]
    await press(teacher, "Шаг ИОМ: Курс «Оценивание»", "Пришлите удостоверение")
    await teacher.send_document("udostoverenie.docx", b"PK\x03\x04 a word file", mime_type="application/msword")
    await teacher.wait_reply(contains="принимается фотографией или PDF", timeout=20)
    await teacher.send_document("udostoverenie.pdf", PDF, mime_type="application/pdf")
    saved = await teacher.wait_reply(contains="отправлен методисту на проверку", timeout=20)
    assert TITLE in saved.text and "на проверке у методиста" in saved.text


async def open_for_review(methodist: TgUser) -> BotMessage:
    await methodist.send("/courses")
    await methodist.wait_reply(contains="Повышение квалификации", timeout=30)
    queue = await press(methodist, "🔎 Проверка курсов", "Курсы на проверке")
    assert "Курсы на проверке: 1" in queue.text and f"Курсова Анна: {TITLE}, 72 ч" in queue.text
    label = next(b["text"] for b in queue.buttons if b["text"].startswith("Курсова: "))
    return await press(methodist, label, "Педагог: Курсова Анна")


async def the_record(db: BotDb) -> CourseRecord:
    return await db.scalar(select(CourseRecord).where(CourseRecord.title == TITLE))


def import_csv() -> bytes:
    """A provider's list: rows 6 (nobody of that name) and 9 (ends before it starts) are bad."""
    rows = [
        "ФИО;Программа;Кто проводил;Часы;Начало;Окончание;Форма;Номер в ФР ДПП",
        f"Директорова Ирина Петровна;Управление развитием школы;ЦНППМ;72;{day(START)};{day(END)};очно;54321",
        f"Первая Ольга Ивановна;Формирующее оценивание;ЦНППМ;36;{day(START)};{day(END)};дистанционно;11223",
        f"Первая Ольга Ивановна;Функциональная грамотность;ЦНППМ;36;{day(START)};{day(END)};очно;",
        f"Вторая Нина Сергеевна;Формирующее оценивание;ЦНППМ;36;{day(START)};{day(END)};очно;",
        f"Неизвестный Пётр Ильич;Формирующее оценивание;ЦНППМ;36;{day(START)};{day(END)};очно;",
        f"Вторая Нина Сергеевна;Цифровая образовательная среда;ЦНППМ;24;{day(START)};{day(END)};очно;",
        f"Третья Елена Павловна;Формирующее оценивание;ЦНППМ;36;{day(START)};{day(END)};очно;",
        f"Вторая Нина Сергеевна;Работа с детьми с ОВЗ;ЦНППМ;72;{day(END)};{day(START)};очно;",
        f"Третья Елена Павловна;Работа с детьми с ОВЗ;ЦНППМ;72;{day(START)};{day(END)};очно;",
        f"Курсова Анна;Функциональная грамотность;ЦНППМ;36;{day(START)};{day(END)};очно;",
    ]
    return ("\n".join(rows) + "\n").encode()


async def imported(db: BotDb) -> list[tuple[str, str, int, bool, CourseStatus]]:
    return sorted(
        await db.rows(
            select(User.full_name, CourseRecord.title, CourseRecord.hours, CourseRecord.frdpp, CourseRecord.status)
            .join(User, User.id == CourseRecord.user_id)
            .where(CourseRecord.source == "import")
        )
    )


@pytest.mark.timeout(900)
async def test_course_record_review_import_and_indicators(make_user, bot_process, db):
    methodist, teacher = await make_user(first_name="Ольга"), await make_user(first_name="Анна")
    director, deputy = await make_user(first_name="Ирина"), await make_user(first_name="Павел")
    first, second, third = [await make_user(first_name=n) for n in ("Ольга", "Нина", "Елена")]
    await register(methodist, "Методистова Ольга")
    await register(teacher, "Курсова Анна")
    town = await db.scalar(select(Organization.id).where(Organization.name == "г. Новочеркасск"))
    assert "granted" in await grant_methodist(bot_process, methodist.user_id, town)
    step_id = await add_route(db, teacher.user_id)  # a planned formal step of area 3

    # --- the teacher records a ФР ДПП course; returned once, a new certificate, verified -------
    await record_course(teacher)
    record = await the_record(db)
    assert (record.status, record.frdpp, record.frdpp_number, record.hours) == (
        CourseStatus.pending,
        True,
        "012345",
        72,
    )
    assert (record.step_id, record.area, record.certificate_kind) == (step_id, "3", "document")
    first_certificate = record.certificate_file_id

    card = await open_for_review(methodist)
    assert "ФР ДПП: № 012345" in card.text and "Удостоверение: есть" in card.text
    await methodist.click("📎 Удостоверение")
    sent = await methodist.wait_reply(contains="Удостоверение: Курсова Анна", timeout=20)
    assert sent.document["file_id"] == first_certificate
    await press(methodist, "↩️ Вернуть", "Напишите причину возврата")
    await methodist.send(REASON)
    await methodist.wait_reply(contains="возвращена педагогу", timeout=20)
    told = await teacher.wait_reply(contains="вернул запись о курсе", timeout=30)
    assert f"«{TITLE}»" in told.text and f"Причина: {REASON}" in told.text
    assert (await the_record(db)).status == CourseStatus.returned

    await teacher.send("/courses")
    listing = await teacher.wait_reply(contains="Повышение квалификации", timeout=30)
    assert "возвращён на доработку" in listing.text
    returned = await press(teacher, TITLE[:40], "Причина возврата")
    assert REASON in returned.text
    await press(teacher, "📎 Новое удостоверение", "Пришлите исправленное удостоверение")
    fixed = await teacher.send_document("udostoverenie-2.pdf", FIXED_PDF, mime_type="application/pdf")
    await teacher.wait_reply(contains="отправлен методисту на проверку", timeout=20)

    await open_for_review(methodist)
    done = await press(methodist, "✅ Подтвердить", "подтверждён")
    assert f"Курс «{TITLE}» подтверждён. Шаг ИОМ «Курс «Оценивание»» отмечен выполненным." in done.text
    verified = await teacher.wait_reply(contains="Методист подтвердил курс", timeout=30)
    assert f"«{TITLE}» (72 ч)" in verified.text and "Шаг ИОМ «Курс «Оценивание»» отмечен выполненным" in verified.text
    record = await the_record(db)
    assert (record.status, record.verified_by, record.certificate_file_id) == (
        CourseStatus.verified,
        methodist.user_id,
        fixed["file_id"],
    )
    step = await db.scalar(select(RouteStep).where(RouteStep.id == step_id))
    assert (step.status, step.evidence_file_id, step.evidence_kind) == (StepStatus.done, fixed["file_id"], "document")
    assert TITLE in step.reflection

    # --- the import: two bad rows named, nothing written until the confirmation ----------------
    await add_people(
        db,
        {
            director.user_id: ("Директорова Ирина Петровна", Position.head),
            deputy.user_id: ("Завучев Павел Андреевич", Position.deputy_head),
            first.user_id: ("Первая Ольга Ивановна", Position.teacher),
            second.user_id: ("Вторая Нина Сергеевна", Position.teacher),
            third.user_id: ("Третья Елена Павловна", Position.teacher),
        },
    )
    await add_diagnosis(db, director.user_id, {"1": "norm", "2": "partial", "3": "norm"})
    await methodist.send("/courses")
    await methodist.wait_reply(contains="Повышение квалификации", timeout=30)
    await press(methodist, "📥 Импорт списка", "Импорт курсов из списка")
    await methodist.send_document("spisok.csv", import_csv(), mime_type="text/csv")
    preview = await methodist.wait_reply(contains="Проверка списка", timeout=30)
    assert "можно добавить 8, не получится 2" in preview.text, preview.text
    assert "стр. 6: Неизвестный Пётр Ильич — не найден среди педагогов вашей зоны" in preview.text
    assert "стр. 9: Вторая Нина Сергеевна — Дата окончания раньше даты начала" in preview.text
    assert "стр. 2: Директорова Ирина Петровна — «Управление развитием школы», 72 ч" in preview.text
    assert await imported(db) == []
    assert "✅ Добавить 8" in [b["text"] for b in preview.buttons]
    await press(methodist, "✅ Добавить 8", "Добавлено курсов: 8")
    rows = await imported(db)
    assert [(name, title, hours, frdpp) for name, title, hours, frdpp, _ in rows] == [
        ("Вторая Нина Сергеевна", "Формирующее оценивание", 36, False),
        ("Вторая Нина Сергеевна", "Цифровая образовательная среда", 24, False),
        ("Директорова Ирина Петровна", "Управление развитием школы", 72, True),
        ("Курсова Анна", "Функциональная грамотность", 36, False),
        ("Первая Ольга Ивановна", "Формирующее оценивание", 36, True),
        ("Первая Ольга Ивановна", "Функциональная грамотность", 36, False),
        ("Третья Елена Павловна", "Работа с детьми с ОВЗ", 72, False),
        ("Третья Елена Павловна", "Формирующее оценивание", 36, False),
    ]
    assert {status for *_, status in rows} == {CourseStatus.verified}
    notice = await director.wait_reply(contains="Методист добавил ваш курс", timeout=30)
    assert "«Управление развитием школы» (72 ч)" in notice.text

    # --- /stats: indicators 5, 6 and 11 from the verified records -------------------------------
    # Teachers of the town: Анна, the director, the deputy and the three others (not the methodist).
    # 5: a verified course — all but the deputy; 6: ФР ДПП among them — Анна, the director, Первая;
    # 11: leaders diagnosed and with a verified course — the director, of the director and the deputy.
    await eventually(lambda: _course_count(db, 9))
    await methodist.send("/stats")
    await methodist.wait_reply(contains="За какой период", timeout=30)
    await methodist.send(PERIOD)
    stats = await wait_text(methodist, "Показатели:", timeout=30)
    for line in (
        "Педагогов в зоне: 6.",
        "5. Повышение квалификации — 5 из 6 (83,3%)",
        "завершили курс ПК, подтверждённый методистом / все педагоги",
        "6. Обучение по программам ФР ДПП — 3 из 5 (60%)",
        "завершили курс по программе из ФР ДПП / завершили курс ПК",
        "11. Руководители в программах развития — 1 из 2 (50%)",
    ):
        assert line in stats.text, (line, stats.text)


async def _course_count(db: BotDb, expected: int) -> None:
    count = await db.scalar(
        select(func.count()).select_from(CourseRecord).where(CourseRecord.status == CourseStatus.verified)
    )
    assert count == expected, count
