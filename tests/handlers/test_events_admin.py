"""The methodist's event screens through the dispatcher: the /new_event dialog, /events_admin and
the card's actions. Assert what people see AND the rows written (events, outbox, audit)."""

from datetime import datetime, timedelta
from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import select, update

from bot.services.events import signups
from bot.services.events.seats import SignupPolicy
from handlers.events.callbacks import EventAdminCb, EventScopeCb, FeedbackCb, NewEventCb
from handlers.shared.outbox_buttons import pack
from models import (
    AuditEntry,
    Event,
    EventFeedback,
    EventFormat,
    EventRegistration,
    EventStatus,
    OutboxMessage,
    OutboxStatus,
    RegistrationStatus,
    User,
    utcnow,
)
from tests.support.factories import MSK, make_methodist, org_id, publish, register, the_event, when
from tests.support.harness import ADMIN_ID


async def sign_up(sessionmaker, telegram_id: int, event_id: int) -> RegistrationStatus:
    async with sessionmaker() as session, session.begin():
        user = await session.scalar(select(User).where(User.telegram_id == telegram_id))
        return (await signups.sign_up(session, user, event_id, SignupPolicy(), utcnow())).status


async def outbox(sessionmaker, purpose: str) -> list[OutboxMessage]:
    async with sessionmaker() as session:
        return list(
            await session.scalars(
                select(OutboxMessage).where(OutboxMessage.purpose == purpose).order_by(OutboxMessage.id)
            )
        )


async def event_with_people(harness, sessionmaker, capacity="1"):
    """A methodist's event with one registered teacher (701) and one on the waitlist (702)."""
    methodist = await make_methodist(harness, sessionmaker, 700, "г. Новочеркасск")
    await publish(methodist, capacity=capacity)
    event = await the_event(sessionmaker)
    for telegram_id, name in ((701, "Петрова Анна Сергеевна"), (702, "<b>Сидоров</b> Иван")):
        await register(harness.user(telegram_id), name=name)
        await sign_up(sessionmaker, telegram_id, event.id)
    return methodist, event


async def test_full_dialog_publishes_one_event(harness, sessionmaker):
    methodist = await make_methodist(harness, sessionmaker, 610, "г. Новочеркасск")
    await methodist.send("/new_event")
    await methodist.send("Семинар по ФГ")
    harness.restart()  # the draft lives in the database: the dialog goes on after a restart
    await methodist.send("-")
    await methodist.press("Мастер-класс")
    await methodist.press("Цифровая")
    await methodist.press("Готово")
    await methodist.press("СОШ № 3")
    start = when(timedelta(days=7))
    await methodist.send(start)
    await methodist.send("90")
    await methodist.send("ул. Ленина, 5, актовый зал")
    await methodist.press("Без ограничений")
    replies = await methodist.send(when(timedelta(days=6)))
    assert "Проверьте мероприятие" in replies[-1] and "Мастер-класс" in replies[-1]
    assert "8. Цифровая" in replies[-1] and "1 ч 30 мин" in replies[-1] and "без ограничений" in replies[-1]
    publish_button = next(data for text, data in methodist.buttons() if "Опубликовать" in text)
    replies = await methodist.click(publish_button)
    assert "опубликовано" in replies[-1]
    replies = await methodist.click(publish_button)  # a double tap
    assert "устарела" in replies[-1]
    async with sessionmaker() as session:
        rows = list(await session.scalars(select(Event)))
        audit = await session.scalar(select(AuditEntry).where(AuditEntry.action == "event.create"))
    assert len(rows) == 1 and audit.target == f"event:{rows[0].id}"
    event = rows[0]
    assert (event.title, event.description, event.format) == ("Семинар по ФГ", "", EventFormat.master_class)
    assert event.areas == [8] and event.scope_org_id == await org_id(sessionmaker, "СОШ № 3")
    assert event.starts_at.astimezone(MSK).strftime("%d.%m.%Y %H:%M") == start
    assert (event.duration_min, event.place, event.online_url, event.capacity) == (
        90,
        "ул. Ленина, 5, актовый зал",
        None,
        None,
    )
    assert event.registration_deadline < event.starts_at
    assert (event.status, event.timezone, event.organizer_telegram_id) == (EventStatus.published, "Europe/Moscow", 610)


async def test_bad_answers_are_refused_and_asked_again(harness, sessionmaker):
    methodist = await make_methodist(harness, sessionmaker, 611, "г. Новочеркасск")
    await methodist.send("/new_event")
    assert "пришлите текст" in (await methodist.send("   "))[-1]
    await methodist.send("Вебинар")
    await methodist.send("Описание")
    assert "кнопкой" in (await methodist.send("семинар"))[-1]
    await methodist.press("Вебинар")
    assert "хотя бы одно" in (await methodist.press("Готово"))[-1]
    await methodist.press("1. Предметная")
    await methodist.press("Готово")
    await methodist.press("Все: г. Новочеркасск")
    assert "не бывает" in (await methodist.send("32.13.2026 25:00"))[-1]
    assert "уже прошла" in (await methodist.send("01.01.2020 10:00"))[-1]
    assert "Не понял дату" in (await methodist.send("завтра"))[-1]
    await methodist.send(when(timedelta(days=3)))
    assert "продолжительность" in (await methodist.send("долго"))[-1]
    await methodist.send("2 ч")
    assert "не похоже на ссылку" in (await methodist.send("htp://sferum.ru"))[-1]
    assert "не похоже на ссылку" in (await methodist.send("https://sferum"))[-1]
    await methodist.send("https://sferum.ru/call")
    assert "больше нуля" in (await methodist.send("0"))[-1]
    await methodist.send("25")
    assert "позже начала" in (await methodist.send(when(timedelta(days=4))))[-1]
    replies = await methodist.press("До начала")
    assert "Проверьте мероприятие" in replies[-1]
    await methodist.press("Изменить")
    await methodist.press("Число мест")
    assert "Проверьте" in (await methodist.send("40"))[-1]  # an edit returns to the preview
    await methodist.press("Отмена")
    async with sessionmaker() as session:
        assert (await session.scalars(select(Event))).all() == []


async def test_teacher_and_foreign_methodist_are_refused(harness, sessionmaker):
    owner = await make_methodist(harness, sessionmaker, 620, "г. Новочеркасск")
    await publish(owner)
    event = await the_event(sessionmaker)
    teacher = harness.user(621)
    await register(teacher)
    assert "только методистам" in (await teacher.send("/new_event"))[-1]
    assert "только методистам" in (await teacher.send("/events_admin"))[-1]
    for action in ("card", "cancel_yes", "xlsx", "field"):
        assert "только методистам" in (await teacher.click(EventAdminCb(action=action, event_id=event.id)))[-1]
    assert "устарела" in (await teacher.click(NewEventCb(action="pub", value=1)))[-1]

    stranger = await make_methodist(harness, sessionmaker, 622, "г. Волгодонск")
    assert "пока нет" in (await stranger.send("/events_admin"))[-1]
    for action in ("card", "edit", "cancel", "cancel_yes", "regs", "xlsx", "att_all", "close_yes", "fb"):
        replies = await stranger.click(EventAdminCb(action=action, event_id=event.id))
        assert "вне вашей зоны" in replies[-1], action
    assert "вне вашей зоны" in (await stranger.click(EventAdminCb(action="field", event_id=event.id, arg=0)))[-1]
    # Even inside their own dialog, a forged scope outside their zone is refused.
    await stranger.send("/new_event")
    for text in ("Чужое", "-"):
        await stranger.send(text)
    await stranger.press("Семинар")
    await stranger.press("1. Предметная")
    await stranger.press("Готово")
    school = await org_id(sessionmaker, "СОШ № 1")
    assert "вне вашей зоны" in (await stranger.click(EventScopeCb(action="pick", org_id=school)))[-1]
    async with sessionmaker() as session:
        again = await session.get(Event, event.id)
    assert again.status == EventStatus.published and again.title == "Семинар по функциональной грамотности"
    assert len(harness.api.sent("SendDocument")) == 0


async def test_events_admin_lists_and_opens_the_card(harness, sessionmaker):
    methodist, event = await event_with_people(harness, sessionmaker, capacity="5")
    replies = await methodist.send("/events_admin")
    assert "Семинар по функциональной грамотности" in replies[-1] and "записано 2/5" in replies[-1]
    replies = await methodist.press("Семинар по функциональной")
    assert "Записано: 2 из 5" in replies[-1]
    assert "&lt;для учителей&gt; &amp; не только" in replies[-1]
    replies = await methodist.press("Записавшиеся")
    assert "&lt;b&gt;Сидоров&lt;/b&gt; Иван" in replies[-1] and "<b>Сидоров" not in replies[-1]


async def test_moving_the_start_notifies_everyone_and_reschedules_reminders(harness, sessionmaker):
    methodist, event = await event_with_people(harness, sessionmaker)
    old_reminders = await outbox(sessionmaker, "event_reminder")
    assert len(old_reminders) == 2 and all(r.status == OutboxStatus.pending for r in old_reminders)
    await methodist.click(EventAdminCb(action="card", event_id=event.id))
    await methodist.press("Изменить")
    await methodist.press("Дата и время")
    assert "уже прошла" in (await methodist.send("01.01.2020 10:00"))[-1]
    replies = await methodist.send(when(timedelta(days=12)))
    assert "уведомление об изменениях: 2" in replies[-1]
    notices = await outbox(sessionmaker, "event_change")
    assert sorted(n.chat_id for n in notices) == [701, 702] and all(n.urgent for n in notices)
    assert all(n.idempotency_key.startswith(f"event_change:{event.id}:1:") for n in notices)
    assert "Новое время начала" in notices[0].payload["text"]
    reminders = await outbox(sessionmaker, "event_reminder")
    moved = await the_event(sessionmaker)
    assert [r.status for r in reminders[:2]] == [OutboxStatus.cancelled] * 2
    fresh = [r for r in reminders if r.status == OutboxStatus.pending]
    assert len(fresh) == 2 and all(r.idempotency_key.endswith(f":{moved.starts_at.timestamp():.0f}") for r in fresh)
    # The place changes: a second notice round with its own key; nothing changes: no notice.
    await methodist.click(EventAdminCb(action="field", event_id=event.id, arg=7))
    await methodist.send("ул. Мира, 1")
    await methodist.click(EventAdminCb(action="field", event_id=event.id, arg=7))
    await methodist.send("ул. Мира, 1")
    notices = await outbox(sessionmaker, "event_change")
    assert len(notices) == 4 and "ул. Мира, 1" in notices[-1].payload["text"]
    pending = [r for r in await outbox(sessionmaker, "event_reminder") if r.status == OutboxStatus.pending]
    assert len(pending) == 2 and all("ул. Мира, 1" in r.payload["text"] for r in pending)


async def test_capacity_grows_offers_seats_and_cannot_drop_below_taken(harness, sessionmaker):
    methodist, event = await event_with_people(harness, sessionmaker, capacity="1")
    await methodist.click(EventAdminCb(action="field", event_id=event.id, arg=8))
    await methodist.send("2")
    offers = await outbox(sessionmaker, "waitlist_offer")
    assert [o.chat_id for o in offers] == [702]
    await methodist.click(EventAdminCb(action="field", event_id=event.id, arg=8))
    assert "уже занято: 2" in (await methodist.send("1"))[-1]
    assert (await the_event(sessionmaker)).capacity == 2


async def test_cancel_tells_registrants_and_waitlist_and_withdraws_reminders(harness, sessionmaker):
    methodist, event = await event_with_people(harness, sessionmaker)
    await methodist.click(EventAdminCb(action="card", event_id=event.id))
    replies = await methodist.press("Отменить мероприятие")
    assert "нельзя отменить" in replies[-1]
    replies = await methodist.press("Да, отменить")
    assert "Уведомлений участникам: 2" in replies[-1]
    notices = await outbox(sessionmaker, "event_cancel")
    assert sorted(n.chat_id for n in notices) == [701, 702] and all(n.urgent for n in notices)
    reminders = await outbox(sessionmaker, "event_reminder")
    assert reminders and all(r.status == OutboxStatus.cancelled for r in reminders)
    async with sessionmaker() as session:
        assert (await session.get(Event, event.id)).status == EventStatus.cancelled
        assert await session.scalar(select(AuditEntry).where(AuditEntry.action == "event.cancel"))
    for action in ("cancel_yes", "edit", "close_yes"):
        assert "отменено" in (await methodist.click(EventAdminCb(action=action, event_id=event.id)))[-1]
    assert "отменено" in (await methodist.click(EventAdminCb(action="field", event_id=event.id, arg=0)))[-1]
    assert len(await outbox(sessionmaker, "event_cancel")) == 2


async def test_attendance_close_and_feedback(harness, sessionmaker):
    methodist, event = await event_with_people(harness, sessionmaker, capacity="5")
    await register(harness.user(703), name="Кузнецова Ольга")
    await sign_up(sessionmaker, 703, event.id)
    replies = await methodist.click(EventAdminCb(action="close_yes", event_id=event.id))
    assert "после начала" in replies[-1]
    async with sessionmaker() as session, session.begin():
        await session.execute(
            update(Event).values(
                starts_at=utcnow() - timedelta(hours=2), registration_deadline=utcnow() - timedelta(hours=3)
            )
        )
    await methodist.click(EventAdminCb(action="card", event_id=event.id))
    replies = await methodist.press("Посещаемость")
    assert "▫️ Петрова" in [text for text, _ in methodist.buttons()][0]
    await methodist.press("Все присутствовали")
    assert all(text.startswith("✅") for text, _ in methodist.buttons()[:3])
    await methodist.press("✅ Кузнецова")  # toggle one back off
    async with sessionmaker() as session:
        marks = dict(
            (
                await session.execute(
                    select(User.telegram_id, EventRegistration.attended).join(
                        User, User.id == EventRegistration.user_id
                    )
                )
            ).all()
        )
    assert marks == {701: True, 702: True, 703: False}
    await methodist.press("К мероприятию")
    await methodist.press("Завершить")
    replies = await methodist.press("Да, завершить")
    assert "Просьб оценить отправлено: 2" in replies[-1]
    requests = await outbox(sessionmaker, "feedback_request")
    assert sorted(r.chat_id for r in requests) == [701, 702]
    async with sessionmaker() as session:
        ids = {u.telegram_id: u.id for u in await session.scalars(select(User))}
        assert (await session.get(Event, event.id)).status == EventStatus.closed
    request = next(r for r in requests if r.chat_id == 701)
    assert request.idempotency_key == f"feedback:{event.id}:{ids[701]}"
    assert [pack(b["callback"]) for b in request.payload["buttons"][0]] == [
        FeedbackCb(event_id=event.id, rating=r).pack() for r in range(1, 6)
    ]
    # Marked present after closing: asked too, once.
    await methodist.click(EventAdminCb(action="att", event_id=event.id))
    await methodist.press("▫️ Кузнецова")
    await methodist.press("Все присутствовали")
    assert sorted(r.chat_id for r in await outbox(sessionmaker, "feedback_request")) == [701, 702, 703]
    assert "завершено" in (await methodist.click(EventAdminCb(action="close_yes", event_id=event.id)))[-1]

    async with sessionmaker() as session, session.begin():
        session.add_all(
            [
                EventFeedback(event_id=event.id, user_id=ids[701], rating=5, comment="<b>Супер</b> & ok"),
                EventFeedback(event_id=event.id, user_id=ids[702], rating=4, comment="x" * 1000),
                EventFeedback(event_id=event.id, user_id=ids[703], rating=3),
            ]
        )
    replies = await methodist.click(EventAdminCb(action="fb", event_id=event.id))
    assert "Средняя оценка: <b>4.0</b> из 5 (оценок: 3)" in replies[-1]
    assert "&lt;b&gt;Супер&lt;/b&gt; &amp; ok" in replies[-1] and len(replies[-1]) <= 4096


async def test_xlsx_export_has_the_registrants(harness, sessionmaker):
    methodist, event = await event_with_people(harness, sessionmaker)
    await register(harness.user(703), name='=HYPERLINK("http://evil.example") Иван')
    await sign_up(sessionmaker, 703, event.id)
    await methodist.click(EventAdminCb(action="card", event_id=event.id))
    await methodist.press("Экспорт XLSX")
    [sent] = harness.api.sent("SendDocument")
    assert sent.chat_id == 700 and sent.document.filename.endswith(".xlsx")
    sheet = load_workbook(BytesIO(sent.document.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("ФИО", "Организация", "Должность", "Статус", "Посещение", "Дата записи")
    assert [row[:4] for row in rows[1:]] == [
        ("Петрова Анна Сергеевна", "МБОУ СОШ № 1", "Учитель", "записан(а)"),
        ("<b>Сидоров</b> Иван", "МБОУ СОШ № 1", "Учитель", "в листе ожидания"),
        ('=HYPERLINK("http://evil.example") Иван', "МБОУ СОШ № 1", "Учитель", "в листе ожидания"),
    ]
    assert sheet["A4"].data_type == "s"  # text, never a formula
    assert all(isinstance(row[5], datetime) for row in rows[1:])
    assert abs(rows[1][5] - utcnow().astimezone(MSK).replace(tzinfo=None)) < timedelta(minutes=5)


async def test_admin_picks_a_region_and_the_list_paginates_upcoming_first(harness, sessionmaker):
    admin = harness.user(ADMIN_ID)
    await admin.send("/new_event")
    await admin.send("Региональный конкурс")
    await admin.send("-")
    await admin.press("Конкурс")
    await admin.press("6. Воспитательная")
    await admin.press("Готово")
    assert "Выберите зону" in harness.api.texts(ADMIN_ID)[-1]
    await admin.press("Ростовская область ▸")
    await admin.press("г. Волгодонск ▸")
    await admin.press("↑ Назад")
    await admin.press("Все: Ростовская область")
    await admin.send(when(timedelta(days=30)))
    await admin.send("3 дн")
    await admin.send("www.example.org/contest")
    await admin.send("200")
    await admin.press("До начала")
    await admin.press("Опубликовать")
    region = await org_id(sessionmaker, "Ростовская")
    contest = await the_event(sessionmaker)
    assert (contest.scope_org_id, contest.duration_min, contest.online_url) == (
        region,
        3 * 1440,
        "https://www.example.org/contest",
    )

    async with sessionmaker() as session, session.begin():
        for days in (-3, -1, 2, 5, 8, 11):
            start = utcnow() + timedelta(days=days)
            session.add(
                Event(
                    title=f"День {days}",
                    format=EventFormat.seminar,
                    areas=[1],
                    scope_org_id=region,
                    timezone="Europe/Moscow",
                    starts_at=start,
                    duration_min=60,
                    place="Зал",
                    registration_deadline=start,
                )
            )
    first = (await admin.send("/events_admin"))[-1]
    assert "стр. 1 из 2" in first
    order = [line.split("— ")[1].split(" (")[0] for line in first.splitlines()[1:]]
    assert order == ["День 2", "День 5", "День 8", "День 11", "Региональный конкурс"]
    second = (await admin.press("▶"))[-1]
    assert [line.split("— ")[1].split(" (")[0] for line in second.splitlines()[1:]] == ["День -1", "День -3"]
