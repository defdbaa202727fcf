"""The teacher's route screens (issue 13, «Teacher»): the diagnosis' duration said once, results
that stay when the route is built, text typed at a question, one step numbering in the chat and
the PDF, the deficits left for the next route, postponing within the period, and /my_data as a
readable Russian document."""

import io
import json
import re
from datetime import timedelta

from pypdf import PdfReader

from handlers.diagnosis.ui import MenuCb
from handlers.route.ui import StepCb
from models import Route
from tests.support.factories import built, diagnosed, register, registered, result, route_steps


def pdf_text(document) -> str:
    reader = PdfReader(io.BytesIO(document.data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


async def test_route_and_diagnostics_give_the_same_duration(harness):
    t = await registered(harness, 1801)
    said = re.search(r"около \d+ минут", (await t.send("/route"))[-1])
    assert said is not None and said.group(0) in (await t.send("/diagnostics"))[-1]


async def test_text_typed_at_a_question_points_to_its_buttons_and_shows_it_again(harness):
    t = await registered(harness, 1802)
    await t.send("/diagnostics")
    await t.press("Начать")
    await t.press("2")
    replies = await t.send("3")
    assert "Не понял сообщение" not in " ".join(replies)
    assert "отвечайте кнопками под вопросом" in replies[0] and "Вопрос 2 из" in replies[-1]
    assert "⏸ Пауза" in [text for text, _ in t.buttons()]
    assert "Вопрос 3 из" in (await t.press("1"))[-1]  # the question shown again takes the answer


async def test_building_the_route_from_the_results_keeps_the_results(harness, sessionmaker):
    t = await registered(harness, 1803)
    attempt_id = await diagnosed(sessionmaker, 1803)
    await t.click(MenuCb(action="show", attempt_id=attempt_id))
    results = harness.api.last_keyboard(1803)[0]
    shown = t.screen(results)
    replies = await t.press("Построить ИОМ")
    assert "ИОМ составлен" in replies[-1]
    assert t.screen(results) == shown and "Повторная диагностика" in shown  # still in the chat
    assert "ИОМ составлен" in t.screen()  # the route came as a new message below


async def test_a_step_has_the_same_number_in_the_chat_and_in_the_pdf(harness, sessionmaker):
    t, _ = await built(harness, sessionmaker, 1804)
    chat = [text for text, _ in t.buttons() if re.match(r"\d+\. ", text)]
    await t.press("Скачать ИОМ")
    text = pdf_text(harness.api.sent("SendDocument", 1804)[-1].document)
    steps = {" ".join(s.title.split()): s for s in await route_steps(sessionmaker, 1804)}
    in_chat = [next(title for title in steps if title.startswith(label.split(". ", 1)[1][:20])) for label in chat]
    in_pdf = sorted(steps, key=text.index)
    assert in_chat == in_pdf and len(in_chat) == len(steps) > 3


async def test_the_route_names_the_deficits_left_for_the_next_one(harness, sessionmaker):
    t = await registered(harness, 1805)
    attempt_id = await diagnosed(
        sessionmaker,
        1805,
        [result("3", 5, "severe"), result("2", 6, "severe"), result("8", 7, "severe"), result("7", 9, "partial")],
    )
    shown = (await t.click(f"rbuild:{attempt_id}"))[-1]
    assert "«Коммуникативная» (частичный дефицит) войдёт в следующий маршрут" in shown
    assert "не больше 3 приоритетных дефицитов" in shown
    assert {s.area for s in await route_steps(sessionmaker, 1805)} == {"3", "2", "8"}


async def test_a_step_cannot_be_postponed_past_the_routes_period(harness, sessionmaker):
    t, _ = await built(harness, sessionmaker, 1806)
    step = (await route_steps(sessionmaker, 1806))[0]
    async with sessionmaker() as session:
        period_end = (await session.get(Route, step.route_id)).period_end
    await t.click(StepCb(action="open", step_id=step.id))
    assert "не позже этой даты" in (await t.press("Перенести срок"))[-1]
    refused = (await t.send(f"{period_end + timedelta(days=1):%d.%m.%Y}"))[-1]
    assert f"Маршрут рассчитан до {period_end:%d.%m.%Y}" in refused
    assert (await route_steps(sessionmaker, 1806))[0].deadline == step.deadline
    assert "Новый срок" in (await t.send(f"{period_end:%d.%m.%Y}"))[-1]  # the last day is fine
    await t.send("/route")
    await t.press("Свой шаг")
    await t.send("Открытый урок")
    assert "Маршрут рассчитан до" in (await t.send(f"{period_end + timedelta(days=30):%d.%m.%Y}"))[-1]


LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
ALLOWED = {"Telegram"}  # the messenger's own name


async def test_my_data_comes_as_a_readable_russian_document_too(harness, sessionmaker):
    t = harness.user(1807)
    await register(t)
    await diagnosed(sessionmaker, 1807)
    await t.send("/my_data")
    readable, machine = harness.api.sent("SendDocument", 1807)[-2:]
    assert readable.document.filename.endswith(".pdf") and "документе" in readable.caption
    assert json.loads(machine.document.data)["position"] == "teacher"  # the JSON stays for machines
    text = pdf_text(readable.document)
    assert "Должность: учитель" in text and "Часовой пояс: МСК, Москва" in text
    assert "Оценочная: 5 б., выраженный дефицит" in text and "анкета педагога, завершена" in text
    assert set(LATIN_WORD.findall(text)) <= ALLOWED, set(LATIN_WORD.findall(text)) - ALLOWED
