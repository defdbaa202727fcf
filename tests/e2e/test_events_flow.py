"""Events end to end through the emulator: a methodist creates an event, two teachers take the
last seat and the waitlist, a cancellation promotes the waitlisted teacher by offer, the reminder
arrives, attendance is marked and feedback given."""

import asyncio
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from models import Event, EventFeedback, EventRegistration, OutboxMessage, RegistrationStatus, utcnow
from tests.e2e.client import eventually
from tests.e2e.flows import press, register

pytestmark = pytest.mark.backends("sqlite", "postgres")

# A reminder 2.5 minutes before the start, no quiet hours: the whole story fits in a few minutes.
REMINDER_OFFSET_H = 2.5 / 60


@pytest.fixture(scope="module")
def bot_extra_env() -> dict[str, str]:
    return {"REMINDER_OFFSETS_H": f"{REMINDER_OFFSET_H}", "QUIET_HOURS": "", "DELIVERY_INTERVAL_S": "0.5"}


async def eventually_rows(db, query, expected: list) -> None:
    """The bot answers before its transaction commits; give the commit a moment to land."""

    async def check():
        assert await db.rows(query) == expected

    await eventually(check)


async def create_event(methodist, start_text: str) -> None:
    await methodist.send("/new_event")
    await methodist.wait_reply(contains="Название мероприятия")
    await methodist.send("Семинар «Формирующее оценивание»")
    await methodist.wait_reply(contains="описание")
    await methodist.send("Разбор приёмов обратной связи на уроке.")
    await methodist.wait_reply(contains="Формат мероприятия")
    await press(methodist, "Семинар", "направления")
    await methodist.wait_edit(await methodist.click("▫️ 3. Оценочная"))
    await press(methodist, "Готово ➡", "Выберите зону")
    await press(methodist, "Ростовская область ▸", "вся зона")
    await press(methodist, "✅ Все: Ростовская область", "Дата и время начала")
    await methodist.send(start_text)
    await methodist.wait_reply(contains="Продолжительность")
    await methodist.send("90")
    await methodist.wait_reply(contains="Место проведения")
    await methodist.send("г. Новочеркасск, ул. Атаманская, 1, каб. 12")
    await methodist.wait_reply(contains="Сколько мест")
    await methodist.send("1")
    await methodist.wait_reply(contains="До какого момента")
    await press(methodist, "До начала", "Проверьте мероприятие")
    await press(methodist, "✅ Опубликовать", "Мероприятие опубликовано")


async def open_card(teacher):
    await teacher.send("/events")
    listing = await teacher.wait_reply(contains="Формирующее оценивание")
    await teacher.click(next(b["text"] for b in listing.buttons if "Формирующее" in b["text"]))
    return await teacher.wait_edit(listing, contains="ул. Атаманская")


async def test_event_story(make_user, admin_user, db):
    methodist = admin_user
    anna, boris = await make_user(first_name="Анна"), await make_user(first_name="Борис")
    await asyncio.gather(
        register(methodist, "Методистова Ольга"), register(anna, "Аннова Анна"), register(boris, "Борисов Борис")
    )

    moscow = ZoneInfo("Europe/Moscow")
    # Three hours ahead: a freed seat is offered until an hour before the start.
    start = (datetime.now(moscow) + timedelta(hours=3)).replace(second=0, microsecond=0)
    await create_event(methodist, start.strftime("%d.%m.%Y %H:%M"))

    card = await open_card(anna)
    await anna.click("Записаться")
    await anna.wait_edit(card, contains="вы записаны")

    card_b = await open_card(boris)
    assert "В лист ожидания" in [b["text"] for b in card_b.buttons]
    await boris.click("В лист ожидания")
    await boris.wait_edit(card_b, contains="лист ожидания")

    # Anna cannot come after all: her seat is offered to Boris, who takes it.
    card = await open_card(anna)
    await anna.click("Отменить запись")
    confirm = await anna.wait_edit(card, contains="Отменить вашу запись")
    await anna.click("Да, отменить запись")
    await anna.wait_edit(confirm, contains="Запись отменена")
    offer = await boris.wait_reply(contains="Освободилось место", timeout=20)
    await boris.click("✅ Иду")
    await boris.wait_edit(offer, contains="записаны")

    # Time passes until the hour before the start (the reminder's due time moved in the database
    # rather than waited for); the delivery worker then sends it.
    await db.write(
        update(OutboxMessage)
        .where(OutboxMessage.chat_id == boris.chat_id, OutboxMessage.idempotency_key.like("reminder:%"))
        .values(due_at=utcnow())
    )
    reminder = await boris.wait_reply(contains="Напоминание", timeout=60)
    assert "Формирующее оценивание" in reminder.text and "Атаманская" in reminder.text
    await anna.expect_silence(1)  # her reminders were withdrawn with her registration

    # Time passes: the event has started (moved in the database rather than waiting for it).
    await db.write(update(Event).values(starts_at=utcnow() - timedelta(minutes=5)))
    await methodist.send("/events_admin")
    listing = await methodist.wait_reply(contains="Мероприятия")
    await methodist.click(next(b["text"] for b in listing.buttons if "Формирующее" in b["text"]))
    admin_card = await methodist.wait_edit(listing, contains="Формирующее")
    await methodist.click("✅ Посещаемость")
    attendance = await methodist.wait_edit(admin_card, contains="посещаемость")
    await methodist.click("▫️ Борисов Борис")
    marked = await methodist.wait_edit(attendance)
    assert "✅ Борисов Борис" in [b["text"] for b in marked.buttons]
    await eventually_rows(
        db,
        select(EventRegistration.attended).where(EventRegistration.status == RegistrationStatus.registered),
        [(True,)],
    )
    await methodist.send("/events_admin")
    listing = await methodist.wait_reply(contains="Мероприятия")
    await methodist.click(next(b["text"] for b in listing.buttons if "Формирующее" in b["text"]))
    admin_card = await methodist.wait_edit(listing, contains="Формирующее")
    await methodist.click("🏁 Завершить")
    await methodist.wait_edit(admin_card)
    await methodist.click("Да, завершить")

    request = await boris.wait_reply(contains="Оцените", timeout=30)
    await boris.click("5 ⭐")
    await boris.wait_edit(request, contains="5 из 5")
    await boris.send("Очень полезно, спасибо!")
    await boris.wait_reply(contains="Спасибо")
    await eventually_rows(db, select(EventFeedback.rating, EventFeedback.comment), [(5, "Очень полезно, спасибо!")])
