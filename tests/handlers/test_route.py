"""/route through the dispatcher: building the ИОМ from a diagnosis, step actions (done with a
reflection and a file, postpone, replace, remove, own step), the PDF, forged ids and the nudges.
Diagnosis results, catalogue activities and events are written straight to the database."""

import io
from datetime import datetime, timedelta, timezone

from aiogram.types import Document, Message, PhotoSize, Update
from pypdf import PdfReader
from sqlalchemy import func, select

from bot.services import route as routes
from handlers.route.ui import ReplaceCb, RouteBuildCb, StepCb
from handlers.shared.outbox_buttons import pack
from models import (
    OutboxMessage,
    OutboxStatus,
    Route,
    RouteStatus,
    RouteStep,
    StepStatus,
    User,
    utcnow,
)
from tests.support.factories import built, diagnosed, result, route_steps
from tests.support.factories import registered as teacher


async def user_row(session, telegram_id: int) -> User:
    return await session.scalar(select(User).where(User.telegram_id == telegram_id))


async def send_file(
    user, *, pdf: bool = True, caption: str | None = None, name: str = "certificate.pdf", mime: str = "application/pdf"
) -> list[str]:
    """A message with a document (or a photo), the way Telegram delivers a certificate."""
    mark = len(user.h.api.requests)
    extra = (
        {"document": Document(file_id="cert-file-1", file_unique_id="u1", file_name=name, mime_type=mime)}
        if pdf
        else {
            "photo": [
                PhotoSize(file_id="small", file_unique_id="s", width=90, height=90),
                PhotoSize(file_id="photo-big", file_unique_id="b", width=1280, height=960),
            ]
        }
    )
    message = Message(
        message_id=user.h.next_message_id(),
        date=datetime.now(timezone.utc),
        chat=user.chat,
        from_user=user.tg,
        caption=caption,
        **extra,
    )
    await user.h.feed(Update(update_id=user.h.next_update_id(), message=message))
    return user._texts_since(mark)


async def test_route_without_diagnosis_points_to_it(harness):
    assert "Сначала зарегистрируйтесь" in (await harness.user(800).send("/route"))[-1]
    t = await teacher(harness, 801)
    reply = (await t.send("/route"))[-1]
    assert "/diagnostics" in reply and t.buttons() == []


async def test_build_from_the_diagnosis_button_and_the_rbuild_callback(harness, sessionmaker):
    t = await teacher(harness, 802)
    attempt_id = await diagnosed(sessionmaker, 802)
    await t.send("/route")
    assert [text for text, _ in t.buttons()] == ["Построить ИОМ"]
    assert RouteBuildCb(attempt_id=attempt_id).pack() == f"rbuild:{attempt_id}"
    reply = (await t.click(f"rbuild:{attempt_id}"))[-1]
    assert "ИОМ составлен" in reply and "в работе" in reply and "Выполнено: 0 из 6 (0%)" in reply
    assert "Курс «Формирующее оценивание»" in reply and "до " in reply
    await t.click(f"rbuild:{attempt_id}")  # a double tap builds nothing new
    async with sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Route)) == 1
    assert len(await route_steps(sessionmaker, 802)) == 6
    labels = [text for text, _ in t.buttons()]
    assert "➕ Свой шаг" in labels and "📄 Скачать ИОМ" in labels and "1. " in labels[0]


async def test_mark_done_with_reflection_and_a_document(harness, sessionmaker):
    t, _ = await built(harness, sessionmaker, 803)
    first, second = (await route_steps(sessionmaker, 803))[:2]
    await t.click(StepCb(action="open", step_id=first.id))
    assert "Напишите коротко" in (await t.press("Выполнено"))[-1]
    assert "слишком длинно" in (await t.send("я" * 2001))[-1]
    assert "фото сертификата или PDF" in (await t.send("Ввела <b>листы</b> самооценки"))[-1]
    assert "Пропустить" in [text for text, _ in t.buttons()]
    assert "фото сертификата или PDF" in (await send_file(t, name="report.docx", mime="application/msword"))[-1]
    assert (await route_steps(sessionmaker, 803))[0].status == StepStatus.planned
    reply = (await send_file(t))[-1]
    assert "Шаг отмечен выполненным" in reply and "17%" in reply
    step = next(s for s in await route_steps(sessionmaker, 803) if s.id == first.id)
    assert (step.status, step.reflection) == (StepStatus.done, "Ввела <b>листы</b> самооценки")
    assert (step.evidence_file_id, step.evidence_kind) == ("cert-file-1", "document") and step.done_at
    card = (await t.click(StepCb(action="open", step_id=first.id)))[-1]
    assert "Ввела &lt;b&gt;листы&lt;/b&gt; самооценки" in card and "Подтверждение: документ" in card
    assert "уже отмечен" in (await t.click(StepCb(action="done", step_id=first.id)))[-1]

    await t.click(StepCb(action="done", step_id=second.id))
    await t.send("Посетила стажировку")
    assert "33%" in (await t.press("Пропустить"))[-1]
    await t.click(StepCb(action="done", step_id=(await route_steps(sessionmaker, 803))[2].id))
    assert "33%" not in (await send_file(t, pdf=False, caption="Сертификат"))[-1]
    third = (await route_steps(sessionmaker, 803))[2]
    assert (third.reflection, third.evidence_file_id, third.evidence_kind) == ("Сертификат", "photo-big", "photo")


async def test_postpone_refuses_bad_dates_and_takes_a_good_one(harness, sessionmaker):
    t, _ = await built(harness, sessionmaker, 804)
    step = (await route_steps(sessionmaker, 804))[0]
    await t.click(StepCb(action="open", step_id=step.id))
    assert "дд.мм.гггг" in (await t.press("Перенести срок"))[-1]
    today = datetime.now(timezone.utc).astimezone(timezone(timedelta(hours=3))).date()
    assert "Не понял дату" in (await t.send("32.13.2026"))[-1]
    assert "в будущем" in (await t.send(f"{today:%d.%m.%Y}"))[-1]
    assert "на год" in (await t.send(f"{today + timedelta(days=400):%d.%m.%Y}"))[-1]
    assert (await route_steps(sessionmaker, 804))[0].deadline == step.deadline
    new = today + timedelta(days=40)
    reply = (await t.send(f"{new:%d.%m.%Y}"))[-1]
    assert f"Новый срок: {new:%d.%m.%Y}" in reply
    assert (await route_steps(sessionmaker, 804))[0].deadline == new


async def test_replace_with_another_activity_of_the_area(harness, sessionmaker):
    t, _ = await built(harness, sessionmaker, 805)
    informal = next(s for s in await route_steps(sessionmaker, 805) if s.area == "3" and s.form == "informal")
    await t.click(StepCb(action="open", step_id=informal.id))
    listing = (await t.press("Заменить"))[-1]
    assert "Вебинар-запись об объективности ВПР" in listing and "Курс «Формирующее" not in listing
    assert "Мастерство учителя" not in listing  # another area
    reply = (await t.press("Вебинар-запись"))[-1]
    assert "Шаг заменён" in reply and "Вебинар-запись об объективности ВПР" in reply
    step = next(s for s in await route_steps(sessionmaker, 805) if s.id == informal.id)
    assert step.title == "Вебинар-запись об объективности ВПР" and step.hours == 2
    assert "не подходит" in (await t.click(ReplaceCb(step_id=step.id, activity_id=step.activity_id + 1000)))[-1]


async def test_remove_asks_first_and_excludes_from_progress(harness, sessionmaker):
    t, _ = await built(harness, sessionmaker, 806)
    step = (await route_steps(sessionmaker, 806))[0]
    await t.click(StepCb(action="open", step_id=step.id))
    assert "Убрать шаг" in (await t.press("Убрать из маршрута"))[-1]
    assert (await route_steps(sessionmaker, 806))[0].status == StepStatus.planned
    reply = (await t.press("Да, убрать"))[-1]
    assert "Шаг убран" in reply and "Выполнено: 0 из 5" in reply
    assert (await route_steps(sessionmaker, 806))[0].status == StepStatus.removed


async def test_own_step(harness, sessionmaker):
    t, _ = await built(harness, sessionmaker, 807)
    await t.send("/route")
    assert "Как назовём шаг" in (await t.press("Свой шаг"))[-1]
    assert "До какого числа" in (await t.send("Открытый урок <для> МО"))[-1]
    day = (utcnow() + timedelta(days=30)).date()
    reply = (await t.send(f"{day:%d.%m.%Y}"))[-1]
    assert "Открытый урок &lt;для&gt; МО" in reply and "Выполнено: 0 из 7" in reply
    own = (await route_steps(sessionmaker, 807))[-1]
    assert (own.deficit_kind, own.area, own.deadline, own.position) == ("own", None, day, 7)


async def test_pdf_has_the_name_and_every_step(harness, sessionmaker):
    t, _ = await built(harness, sessionmaker, 808)
    await t.send("/route")
    await t.press("Свой шаг")
    await t.send("Прочитать статью о рубриках")
    await t.send(f"{(utcnow() + timedelta(days=20)).date():%d.%m.%Y}")
    await t.press("Скачать ИОМ")
    sent = harness.api.sent("SendDocument", 808)
    assert len(sent) == 1 and sent[0].document.filename == "IOM.pdf"
    reader = PdfReader(io.BytesIO(sent[0].document.data))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "Иванова Мария Петровна" in text and "Индивидуальный образовательный маршрут" in text
    for step in await route_steps(sessionmaker, 808):
        assert " ".join(step.title.split()) in text, step.title
    assert "ресурсная зона" not in text and "Оценочная" in text and "Согласование с руководителем" in text


async def test_forged_ids_change_nothing(harness, sessionmaker):
    a, a_attempt = await built(harness, sessionmaker, 809)
    b = await teacher(harness, 810, name="Смирнов Олег")
    b_attempt = await diagnosed(sessionmaker, 810, catalogue=False)
    a_step = (await route_steps(sessionmaker, 809))[0]
    for forged in (
        StepCb(action="open", step_id=a_step.id),
        StepCb(action="done", step_id=a_step.id),
        StepCb(action="postpone", step_id=a_step.id),
        StepCb(action="remove", step_id=a_step.id),
        ReplaceCb(step_id=a_step.id),
    ):
        assert "Шаг не найден" in (await b.click(forged))[-1]
    assert "не найден" in (await b.click(f"rbuild:{a_attempt}"))[-1]
    assert await route_steps(sessionmaker, 810) == []
    assert [s.status for s in await route_steps(sessionmaker, 809)] == [StepStatus.planned] * 6
    await b.send("какой-то текст")  # no dialog was opened for b
    assert await route_steps(sessionmaker, 810) == []
    await b.click(f"rbuild:{b_attempt}")
    b_step = (await route_steps(sessionmaker, 810))[0]
    assert "Шаг не найден" in (await a.click(StepCb(action="done", step_id=b_step.id)))[-1]


async def test_new_diagnosis_offers_a_rebuild_keeping_done_steps(harness, sessionmaker):
    t, first = await built(harness, sessionmaker, 811)
    done = (await route_steps(sessionmaker, 811))[0]
    await t.click(StepCb(action="done", step_id=done.id))
    await t.send("Прошла курс")
    await t.press("Пропустить")
    second = await diagnosed(sessionmaker, 811, [result("8", 4, "severe")], utcnow() + timedelta(seconds=1))
    assert "Это результат не последней" in (await t.click(f"rbuild:{first}"))[-1]
    await t.send("/route")
    assert "Выполненные шаги сохранятся" in (await t.press("Перестроить"))[-1]
    reply = (await t.press("Да, перестроить"))[-1]
    assert "ИОМ составлен" in reply and "Выполнено: 1 из 4" in reply
    steps = await route_steps(sessionmaker, 811)
    assert steps[0].title == done.title and steps[0].reflection == "Прошла курс"
    assert {s.area for s in steps[1:]} == {"8"}
    async with sessionmaker() as session:
        statuses = list(await session.scalars(select(Route.status).order_by(Route.id)))
    assert statuses == [RouteStatus.archived, RouteStatus.active]
    assert second


async def test_nudges_once_before_the_deadline_and_when_overdue(harness, sessionmaker):
    await built(harness, sessionmaker, 812)
    now = utcnow()
    today = now.astimezone(timezone(timedelta(hours=3))).date()
    async with sessionmaker() as session, session.begin():
        steps = list(await session.scalars(select(RouteStep).order_by(RouteStep.position)))
        steps[0].deadline = today + timedelta(days=3)
        steps[1].deadline = today - timedelta(days=1)
        steps[2].deadline = today + timedelta(days=10)
        steps[3].deadline, steps[3].status = today + timedelta(days=2), StepStatus.done
        steps[4].deadline, steps[4].status = today, StepStatus.removed
        steps[5].deadline = today - timedelta(days=30)  # long overdue: outside the window
        ids = [s.id for s in steps]
    for _ in range(2):
        async with sessionmaker() as session, session.begin():
            assert await routes.enqueue_nudges(session, now) == (2 if _ == 0 else 0)
    async with sessionmaker() as session:
        rows = list(
            await session.scalars(
                select(OutboxMessage).where(OutboxMessage.purpose == "route_nudge").order_by(OutboxMessage.id)
            )
        )
    assert [r.idempotency_key for r in rows] == [
        f"nudge:{ids[1]}:overdue:{today - timedelta(days=1)}",
        f"nudge:{ids[0]}:due3:{today + timedelta(days=3)}",
    ]
    assert {r.chat_id for r in rows} == {812} and "через 3 дн." in rows[1].payload["text"]
    assert "прошёл" in rows[0].payload["text"]
    assert pack(rows[0].payload["buttons"][0][0]["callback"]) == StepCb(action="open", step_id=ids[1]).pack()
    t = harness.user(812)
    await t.click(StepCb(action="postpone", step_id=ids[1]))
    await t.send(f"{today + timedelta(days=2):%d.%m.%Y}")
    async with sessionmaker() as session, session.begin():
        assert await routes.enqueue_nudges(session, now) == 1
        statuses = list(
            await session.scalars(
                select(OutboxMessage.status)
                .where(OutboxMessage.idempotency_key.startswith(f"nudge:{ids[1]}:"))
                .order_by(OutboxMessage.id)
            )
        )
    assert statuses == [OutboxStatus.cancelled, OutboxStatus.pending]
