"""Open lessons end to end: offering (validated), booking with capacity, double taps and one's own
lesson refused, the host's list of visitors, held → observation card → host and ИОМ step,
cancelling (visitors told), forged ids."""

from datetime import timedelta

from sqlalchemy import select, update

from handlers.lessons.ui import LessonCb, ObsCb
from handlers.shared.callbacks import DeleteMeCb
from models import (
    LessonStatus,
    LessonVisit,
    OpenLesson,
    OutboxMessage,
    OutboxStatus,
    Position,
    StepStatus,
    User,
    utcnow,
)
from tests.support.factories import built, registered, route_steps, when
from tests.support.practices import outbox_texts


async def offer(host, topic: str = "Критерии успеха на уроке", places: str = "2") -> list[str]:
    await host.send("/offer_lesson")
    await host.send(when(timedelta(days=3)))
    await host.send("7б")
    await host.press("Математика")
    await host.send(topic)
    await host.press("3. Оценочная")
    await host.press("Готово")
    await host.send(places)
    return await host.press("Опубликовать")


async def lesson_of(sessionmaker, topic: str) -> OpenLesson:
    async with sessionmaker() as session:
        return await session.scalar(select(OpenLesson).where(OpenLesson.topic == topic))


async def reminder_rows(sessionmaker, chat_id: int) -> list[OutboxMessage]:
    async with sessionmaker() as session:
        query = select(OutboxMessage).where(
            OutboxMessage.chat_id == chat_id, OutboxMessage.purpose == "lesson_reminder"
        )
        return list(await session.scalars(query))


async def test_offer_is_validated(harness, sessionmaker):
    host = await registered(harness, 901, "Хозяйка Урока")
    await host.send("/offer_lesson")
    assert "прошла" in (await host.send(when(-timedelta(days=1))))[-1]
    assert "полгода" in (await host.send(when(timedelta(days=200))))[-1]
    await host.send(when(timedelta(days=3)))
    assert "Напишите класс так" in (await host.send("седьмой"))[-1]
    await host.send("7б")
    await host.press("Математика")
    await host.send("Тема <b>с разметкой</b>")
    assert "Отметьте хотя бы одну" in (await host.press("Готово"))[-1]
    await host.press("3. Оценочная")
    await host.press("Готово")
    assert "от 1 до 30" in (await host.send("100"))[-1]
    preview = (await host.send("2"))[-1]
    assert "7Б" in preview and "&lt;b&gt;с разметкой&lt;/b&gt;" in preview
    assert "опубликован" in (await host.press("Опубликовать"))[-1]
    lesson = await lesson_of(sessionmaker, "Тема <b>с разметкой</b>")
    assert (lesson.class_name, lesson.areas, lesson.capacity, lesson.status) == ("7Б", ["3"], 2, LessonStatus.planned)


async def test_book_visit_card_reaches_host_and_completes_step(harness, sessionmaker):
    host = await registered(harness, 911, "Хозяйка Урока")
    await offer(host)
    lesson = await lesson_of(sessionmaker, "Критерии успеха на уроке")
    visitor, _ = await built(harness, sessionmaker, 912)  # area 3 severe: recommended
    second = await registered(harness, 913, "Второй Гость")
    late = await registered(harness, 914, "Опоздавший Гость")

    screen = (await visitor.send("/lessons"))[-1]
    assert "🎯 <b>Критерии успеха на уроке</b>" in screen
    await visitor.press("Критерии успеха")
    assert "Вы записаны" in (await visitor.press("Записаться"))[-1]
    assert "уже записаны" in (await visitor.click(LessonCb(action="book", lesson_id=lesson.id)))[-1]  # double tap
    step = next(s for s in await route_steps(sessionmaker, 912) if "Посетить открытый урок" in s.title)
    assert (step.form, step.area, step.status) == ("informal", "3", StepStatus.planned)
    assert any("записался коллега: Иванова Мария Петровна" in t for t in await outbox_texts(sessionmaker, 911))

    await second.click(LessonCb(action="book", lesson_id=lesson.id))
    assert "Свободных мест нет" in (await late.click(LessonCb(action="book", lesson_id=lesson.id)))[-1]
    assert "собственный урок" in (await host.click(LessonCb(action="book", lesson_id=lesson.id)))[-1]
    assert "не найден" in (await late.click(LessonCb(action="book", lesson_id=99999)))[-1]

    text = (await host.click(LessonCb(action="visitors", lesson_id=lesson.id)))[-1]
    assert "(2 из 2)" in text and "Иванова Мария Петровна" in text and "Второй Гость" in text
    assert "не найден среди ваших" in (await late.click(LessonCb(action="visitors", lesson_id=lesson.id)))[-1]
    assert "не найден среди ваших" in (await late.click(LessonCb(action="held", lesson_id=lesson.id)))[-1]
    assert "ещё не начался" in (await host.click(LessonCb(action="held", lesson_id=lesson.id)))[-1]
    assert "после урока" in (await visitor.click(LessonCb(action="observe", lesson_id=lesson.id)))[-1]

    async with sessionmaker() as session, session.begin():
        started = utcnow() - timedelta(hours=1)
        await session.execute(update(OpenLesson).where(OpenLesson.id == lesson.id).values(starts_at=started))
    assert "проведённым" in (await host.click(LessonCb(action="held", lesson_id=lesson.id)))[-1]
    assert any("Заполните карточку наблюдения" in t for t in await outbox_texts(sessionmaker, 912))

    first = (await visitor.click(LessonCb(action="observe", lesson_id=lesson.id)))[-1]
    assert "пункт 1 из 5" in first and "3.1" in first
    assert "устарела" in (await visitor.click(ObsCb(lesson_id=lesson.id, index=3, value=2)))[-1]
    for index, value in enumerate([3, 2, 2, 1, 0]):
        await visitor.click(ObsCb(lesson_id=lesson.id, index=index, value=value))
    await visitor.send("Возьму «билет на выход» <в 8А>")
    assert "отправлена" in (await visitor.send("Как вы успеваете разобрать карточки?"))[-1]
    card = next(t for t in await outbox_texts(sessionmaker, 911) if "Карточка наблюдения" in t)
    assert "3.1 — 3, 3.2 — 2, 3.3 — 2, 3.4 — 1, 3.5 — 0" in card and "&lt;в 8А&gt;" in card
    assert "Как вы успеваете" in card
    step = next(s for s in await route_steps(sessionmaker, 912) if s.id == step.id)
    assert step.status == StepStatus.done and "билет на выход" in step.reflection
    assert "уже отправили" in (await visitor.click(LessonCb(action="observe", lesson_id=lesson.id)))[-1]
    # The card is for booked visitors only.
    assert "записанные на этот урок" in (await late.click(LessonCb(action="observe", lesson_id=lesson.id)))[-1]


async def test_host_cancels_and_visitors_are_told(harness, sessionmaker):
    host = await registered(harness, 921, "Хозяйка Урока")
    await offer(host, "Отменяемый урок")
    lesson = await lesson_of(sessionmaker, "Отменяемый урок")
    visitor, _ = await built(harness, sessionmaker, 922)
    await visitor.click(LessonCb(action="book", lesson_id=lesson.id))
    reminders = await reminder_rows(sessionmaker, 922)
    assert len(reminders) == 2 and all(r.status == OutboxStatus.pending for r in reminders)
    assert sorted(lesson.starts_at - r.due_at for r in reminders) == [timedelta(hours=2), timedelta(days=1)]
    await host.click(LessonCb(action="cancel_ask", lesson_id=lesson.id))
    assert "отменён" in (await host.press("Да, отменить урок"))[-1]
    assert any("Отменяемый урок" in t and "отменён" in t for t in await outbox_texts(sessionmaker, 922))
    visits = [s for s in await route_steps(sessionmaker, 922) if "Посетить открытый урок" in s.title]
    assert visits and all(s.status == StepStatus.removed for s in visits)
    assert all(r.status == OutboxStatus.cancelled for r in await reminder_rows(sessionmaker, 922))
    assert "Запись закрыта" in (await visitor.click(LessonCb(action="book", lesson_id=lesson.id)))[-1]
    assert "уже отмечен" in (await host.click(LessonCb(action="cancel", lesson_id=lesson.id)))[-1]
    async with sessionmaker() as session:
        visits = list(await session.scalars(select(LessonVisit)))
        assert len(visits) == 1


async def test_school_that_requires_approval(harness, sessionmaker):
    host = await registered(harness, 931, "Хозяйка Урока")
    deputy = await registered(harness, 932, "Завуч Ирина")
    teacher = await registered(harness, 933, "Коллега Пётр")
    async with sessionmaker() as session, session.begin():
        await session.execute(update(User).where(User.telegram_id == 932).values(position=Position.deputy_head))
    assert "«МБОУ СОШ № 1»: выключено" in (await deputy.send("/lessons_review"))[-1]
    assert "«МБОУ СОШ № 1»: включено" in (await deputy.press("Включить согласование"))[-1]
    assert "только" not in (await teacher.send("/lessons_review"))[-1]  # a plain teacher: nothing to switch
    assert "Включить согласование" not in [label for label, _ in teacher.buttons()]
    assert "могут методист школы" in (await teacher.click(LessonCb(action="approval_rule")))[-1]  # forged

    assert "на согласование" in (await offer(host, "Урок на согласовании"))[-1]
    lesson = await lesson_of(sessionmaker, "Урок на согласовании")
    assert lesson.status == LessonStatus.pending
    assert any("ждёт согласования" in t for t in await outbox_texts(sessionmaker, 932))
    assert "Ближайших открытых уроков нет" in (await teacher.send("/lessons"))[-1]
    assert "могут методист школы" in (await teacher.click(LessonCb(action="approve", lesson_id=lesson.id)))[-1]

    screen = (await deputy.send("/lessons_review"))[-1]
    assert "Урок на согласовании" in screen
    await deputy.press("Согласовать")
    assert (await lesson_of(sessionmaker, "Урок на согласовании")).status == LessonStatus.planned
    assert any("согласован и виден" in t for t in await outbox_texts(sessionmaker, 931))
    assert "уже рассмотрен" in (await deputy.click(LessonCb(action="decline", lesson_id=lesson.id)))[-1]
    assert "Урок на согласовании" in (await teacher.send("/lessons"))[-1]


async def test_deleted_host_lessons_are_cancelled_and_removed(harness, sessionmaker):
    host = await registered(harness, 941, "Удаляемая Хозяйка")
    await offer(host, "Урок удаляемой")
    lesson = await lesson_of(sessionmaker, "Урок удаляемой")
    visitor, _ = await built(harness, sessionmaker, 942)
    await visitor.click(LessonCb(action="book", lesson_id=lesson.id))
    await host.send("/delete_me")
    await host.click(DeleteMeCb(confirm=True))
    assert any("Урок удаляемой" in t and "отменён" in t for t in await outbox_texts(sessionmaker, 942))
    assert await lesson_of(sessionmaker, "Урок удаляемой") is None
    visits = [s for s in await route_steps(sessionmaker, 942) if "Посетить открытый урок" in s.title]
    assert visits and all(s.status == StepStatus.removed for s in visits)
