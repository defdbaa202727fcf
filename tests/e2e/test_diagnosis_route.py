"""Diagnosis and ИОМ end to end: 40 answers with a pause and a bot restart in the middle, the
result with its chart, a route that includes a real upcoming event in the deficit area, a step
done with evidence, and the PDF whose text names the teacher and every step."""

import io
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from models import Event, EventFormat, EventStatus, Organization, Route, RouteStatus, RouteStep, StepStatus, utcnow
from tests.e2e.database import BotDb
from tests.e2e.flows import answer, register, wait_text

pytestmark = pytest.mark.backends("sqlite", "postgres")


async def add_event_in_area_3(db: BotDb) -> str:
    """A published webinar for the whole region (the root organization) in area 3."""
    title = "Вебинар «Критерии успеха на уроке»"
    starts = utcnow() + timedelta(days=20)
    async with db.session() as session, session.begin():
        region = await session.scalar(select(Organization.id).where(Organization.parent_id.is_(None)))
        session.add(
            Event(
                title=title,
                description="",
                format=EventFormat.webinar,
                areas=[3],
                scope_org_id=region,
                timezone="Europe/Moscow",
                starts_at=starts,
                duration_min=90,
                online_url="https://example.org/w",
                registration_deadline=starts - timedelta(days=1),
                status=EventStatus.published,
            )
        )
    return title


async def test_diagnosis_route_and_pdf(make_user, bot_process, emulator, db):
    teacher = await make_user(first_name="Ирина")
    await register(teacher, "Диагностова Ирина")
    event_title = await add_event_in_area_3(db)

    await teacher.send("/diagnostics")
    await teacher.wait_reply(contains="40")
    await teacher.click("▶ Начать")
    question = await wait_text(teacher, "Вопрос 1 из 40")
    for number in range(1, 21):
        question = await answer(teacher, question, number)
    await teacher.click("⏸ Пауза")
    await teacher.wait_edit(question, contains="Пауза")

    bot_process.restart()
    await teacher.send("/diagnostics")
    await teacher.wait_reply(contains="незавершённая", timeout=30)
    await teacher.click("▶ Продолжить")
    question = await wait_text(teacher, "Вопрос 21 из 40")
    for number in range(21, 40):
        question = await answer(teacher, question, number)
    await teacher.click("2")
    result = await wait_text(teacher, "Оценочная", timeout=30)
    photos = [m for m in await teacher.messages() if m.photo]
    assert photos, "the competency chart arrives as a photo"
    assert "выраженный дефицит" in result.body.lower()

    await teacher.click("🧭 Построить ИОМ")
    route = await wait_text(teacher, "Мой ИОМ", timeout=30)
    assert event_title[:40] in route.body or any(event_title[:40] in b["text"] for b in route.buttons)

    step_button = next(b["text"] for b in route.buttons if b["text"][0].isdigit())
    await teacher.click(step_button)
    await wait_text(teacher, "Срок")
    await teacher.click("✅ Выполнено")
    await wait_text(teacher, "Напишите коротко")
    await teacher.send("Попробовала лист самооценки в 7 классе — работает.")
    await wait_text(teacher, "Пришлите фото сертификата")
    await teacher.send_document("certificate.pdf", b"%PDF-1.4 certificate", mime_type="application/pdf")
    await wait_text(teacher, "Шаг отмечен выполненным")

    await teacher.send("/route")
    await teacher.wait_reply(contains="Мой ИОМ")
    await teacher.click("📄 Скачать ИОМ")
    document = await teacher.wait_reply(predicate=lambda m: bool(m.document), timeout=30)
    pdf = await emulator.file_content(document.document["file_id"])
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    flat = " ".join(text.split())
    assert "Диагностова Ирина" in flat
    titles = await db.scalars(
        select(RouteStep.title)
        .join(Route, Route.id == RouteStep.route_id)
        .where(Route.status != RouteStatus.archived, RouteStep.status != StepStatus.removed)
    )
    evidence = await db.scalar(
        select(func.count()).select_from(RouteStep).where(RouteStep.evidence_file_id.is_not(None))
    )
    assert titles and evidence == 1
    for title in titles:
        assert " ".join(title.split())[:30] in flat, title
