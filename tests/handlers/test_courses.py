"""/courses through the dispatcher: a teacher records a course (bad hours, dates and files are refused
with a reason and lose nothing), a methodist of the scope returns it once and verifies it, the ИОМ
step is completed with the certificate, and forged ids, own records and other scopes are refused."""

import json

from sqlalchemy import select

from bot.services.shared.orgs import OUT_OF_SCOPE
from handlers.courses.review_ui import ReviewCb
from handlers.courses.ui import CourseCb, CourseLinkCb
from models import CourseRecord, CourseStatus, OutboxMessage, Route, RouteStatus, StepStatus, User
from tests.support.courses import day, record_course, send_file
from tests.support.factories import built, make_methodist, registered, route_steps


async def records(sessionmaker) -> list[CourseRecord]:
    async with sessionmaker() as session:
        return list(await session.scalars(select(CourseRecord).order_by(CourseRecord.id)))


async def outbox_texts(sessionmaker, chat_id: int) -> list[str]:
    async with sessionmaker() as session:
        rows = await session.scalars(select(OutboxMessage).where(OutboxMessage.chat_id == chat_id))
        return [row.payload["text"] for row in rows]


async def approve_route(sessionmaker, telegram_id: int) -> None:
    async with sessionmaker() as session, session.begin():
        user = await session.scalar(select(User).where(User.telegram_id == telegram_id))
        route = await session.scalar(select(Route).where(Route.user_id == user.id))
        route.status = RouteStatus.approved


async def test_teacher_records_a_frdpp_course_with_a_pdf(harness, sessionmaker):
    t = await registered(harness, 501)
    answers = await record_course(t)
    assert "отправлен методисту на проверку" in answers[-1]
    [record] = await records(sessionmaker)
    assert (record.status, record.hours, record.frdpp, record.frdpp_number) == (CourseStatus.pending, 36, True, "12345")
    assert (record.area, record.certificate_file_id, record.certificate_kind) == ("3", "cert-pdf-1", "document")
    assert "на проверке у методиста" in t.screen()


async def test_bad_hours_dates_and_files_are_refused_and_the_dialog_goes_on(harness, sessionmaker):
    t = await registered(harness, 502)
    await t.send("/courses")
    await t.press("Завершённый курс")
    await t.send("Цифровая образовательная среда")
    await t.send("ИРО")
    assert "больше нуля" in (await t.send("0"))[-1]
    assert "целое число" in (await t.send("много"))[-1]
    assert "Слишком большой объём" in (await t.send("5000"))[-1]
    await t.send("72")
    assert "Не понял дату" in (await t.send("31.02.2026"))[-1]
    assert "ещё не наступила" in (await t.send(day(2)))[-1]
    await t.send(day(-30))
    assert "раньше даты начала" in (await t.send(day(-31)))[-1]
    assert "в будущем" in (await t.send(day(3)))[-1]
    await t.send(day(-2))
    await t.press("Очно")
    await t.press("Нет")
    await t.press("Цифровая")
    assert "фотографией или PDF" in (await send_file(t, name="cert.docx", mime="application/msword"))[-1]
    assert "больше 20 МБ" in (await send_file(t, size=30 * 1024 * 1024))[-1]
    assert "удостоверение" in (await t.send("вот"))[-1].lower()
    assert await records(sessionmaker) == []
    await send_file(t, photo=True, file_id="cert-photo")
    [record] = await records(sessionmaker)
    assert (record.hours, record.area, record.certificate_kind, record.frdpp) == (72, "8", "photo", False)


async def test_course_in_progress_is_finished_later_with_a_certificate(harness, sessionmaker):
    t = await registered(harness, 503)
    answers = await record_course(t, completed=False, frdpp=None)
    assert "записан как текущий" in answers[-1]
    [record] = await records(sessionmaker)
    assert record.status == CourseStatus.in_progress and record.certificate_file_id is None
    await t.click(CourseCb(action="open", record_id=record.id))
    await t.press("Курс завершён")
    assert "в будущем" in (await t.send(day(1)))[-1]
    await t.send(day(-1))
    await send_file(t, file_id="late-cert")
    [record] = await records(sessionmaker)
    assert (record.status, record.certificate_file_id) == (CourseStatus.pending, "late-cert")


async def test_methodist_returns_once_then_verifies_and_the_iom_step_is_done(harness, sessionmaker):
    t, _ = await built(harness, sessionmaker, 504)
    await approve_route(sessionmaker, 504)
    formal = [s for s in await route_steps(sessionmaker, 504) if s.form == "formal" and s.area == "3"]
    assert formal, "the route proposes a course for area 3"
    await t.send("/courses")
    await t.press("Завершённый курс")
    for answer in ("Формирующее оценивание", "ЦНППМ", "36", day(-40), day(-10)):
        await t.send(answer)
    await t.press("Дистанционно")
    await t.press("Да, есть номер")
    await t.send("98765")
    await t.click(CourseLinkCb(step_id=formal[0].id))
    await send_file(t)
    [record] = await records(sessionmaker)

    m = await make_methodist(harness, sessionmaker, 601, "Новочеркасск")
    await m.send("/courses")
    assert "Формирующее оценивание" in (await m.press("Проверка курсов"))[-1]
    await m.click(ReviewCb(action="open", record_id=record.id))
    await m.press("Удостоверение")
    assert harness.api.sent("SendDocument", 601)[-1].document == "cert-pdf-1"
    await m.press("Вернуть")
    await m.send("Скан нечитаемый, пришлите чётче")
    assert (await records(sessionmaker))[0].status == CourseStatus.returned
    assert any("Скан нечитаемый" in text for text in await outbox_texts(sessionmaker, 504))

    await t.click(CourseCb(action="open", record_id=record.id))
    await t.press("Новое удостоверение")
    await send_file(t, file_id="cert-pdf-2")
    await m.click(ReviewCb(action="open", record_id=record.id))
    answers = await m.press("Подтвердить")
    assert "отмечен выполненным" in answers[-1]
    [record] = await records(sessionmaker)
    assert (record.status, record.verified_by, record.step_id) == (CourseStatus.verified, 601, formal[0].id)
    step = next(s for s in await route_steps(sessionmaker, 504) if s.id == formal[0].id)
    assert (step.status, step.evidence_file_id) == (StepStatus.done, "cert-pdf-2")
    assert any("подтвердил курс" in text for text in await outbox_texts(sessionmaker, 504))
    # A double tap verifies nothing twice.
    await m.click(ReviewCb(action="approve", record_id=record.id))
    assert len([x for x in await outbox_texts(sessionmaker, 504) if "подтвердил" in x]) == 1


async def test_area_match_completes_the_formal_step_without_an_explicit_link(harness, sessionmaker):
    await built(harness, sessionmaker, 505)
    await approve_route(sessionmaker, 505)
    t = harness.user(505)
    await record_course(t, link="Оценочная")
    [record] = await records(sessionmaker)
    m = await make_methodist(harness, sessionmaker, 602, "Новочеркасск")
    await m.click(ReviewCb(action="approve", record_id=record.id))
    done = [s for s in await route_steps(sessionmaker, 505) if s.status == StepStatus.done]
    assert [(s.area, s.form) for s in done] == [("3", "formal")]


async def test_forged_ids_other_scopes_and_own_records_are_refused(harness, sessionmaker):
    t = await registered(harness, 506)
    await record_course(t)
    [record] = await records(sessionmaker)
    other = await registered(harness, 507, name="Петров Пётр Петрович")
    # Another teacher cannot open, remove or review the record.
    assert "не найдена" in (await other.click(CourseCb(action="open", record_id=record.id)))[-1]
    assert "не найдена" in (await other.click(CourseCb(action="remove", record_id=record.id)))[-1]
    assert "только методистам" in (await other.click(ReviewCb(action="approve", record_id=record.id)))[-1]
    # A methodist of another municipality is out of scope.
    far = await make_methodist(harness, sessionmaker, 603, "Волгодонск")
    assert OUT_OF_SCOPE in (await far.click(ReviewCb(action="approve", record_id=record.id)))[-1]
    assert (await records(sessionmaker))[0].status == CourseStatus.pending
    # A forged record id.
    near = await make_methodist(harness, sessionmaker, 604, "Новочеркасск")
    assert "не найдена" in (await near.click(ReviewCb(action="approve", record_id=99999)))[-1]
    # A forged step id in the dialog.
    await near.send("/courses")
    await near.press("Завершённый курс")
    for answer in ("Курс", "ИРО", "16", day(-20), day(-5)):
        await near.send(answer)
    await near.press("Очно")
    await near.press("Нет")
    assert "не найден" in (await near.click(CourseLinkCb(step_id=12345)))[-1]
    await near.press("Оценочная")
    await send_file(near)
    own = (await records(sessionmaker))[-1]
    # A methodist cannot verify their own record, nor sees it in the queue.
    assert "другой методист" in (await near.click(ReviewCb(action="approve", record_id=own.id)))[-1]
    assert (await records(sessionmaker))[-1].status == CourseStatus.pending
    await near.send("/courses")
    queue = (await near.press("Проверка курсов"))[-1]
    assert "Иванова Мария Петровна" in queue and "Методист Ольга" not in queue


async def test_my_data_lists_courses_and_delete_me_drops_the_certificate(harness, sessionmaker):
    t = await registered(harness, 508)
    await record_course(t)
    await t.send("/my_data")
    data = json.loads(harness.api.sent("SendDocument", 508)[-1].document.data.decode("utf-8"))
    assert [(c["title"], c["hours"], c["frdpp_number"]) for c in data["courses"]] == [
        ("Формирующее оценивание в основной школе", 36, "12345")
    ]
    await t.send("/delete_me")
    await t.press("Да, удалить")
    [record] = await records(sessionmaker)
    assert (record.certificate_file_id, record.certificate_kind, record.hours) == (None, None, 36)
