"""The teacher's side of events through the dispatcher: lists, the card, sign-up and the waitlist,
offers, the .ics file, feedback, and stale or forged buttons. Events are written straight to the
database (the methodist's screens are tested elsewhere)."""

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from icalendar import Calendar
from sqlalchemy import func, select, update

from handlers.events.callbacks import EventCb, EventListCb, FeedbackCb, OfferCb
from handlers.shared.outbox_buttons import pack
from models import (
    EventFeedback,
    EventRegistration,
    EventStatus,
    OutboxMessage,
    OutboxStatus,
    RegistrationStatus,
    User,
    utcnow,
)
from tests.support.factories import attended, make_event, register, registration


async def teacher(harness, telegram_id: int):
    user = harness.user(telegram_id)
    await register(user)
    return user


async def outbox(sessionmaker, purpose: str, chat_id: int | None = None) -> list[OutboxMessage]:
    async with sessionmaker() as session:
        query = select(OutboxMessage).where(OutboxMessage.purpose == purpose).order_by(OutboxMessage.id)
        if chat_id is not None:
            query = query.where(OutboxMessage.chat_id == chat_id)
        return list(await session.scalars(query))


def join(event_id: int) -> EventCb:
    return EventCb(action="join", event_id=event_id)


async def test_unregistered_user_is_asked_to_register(harness):
    replies = await harness.user(700).send("/events")
    assert "Сначала зарегистрируйтесь" in replies[-1]
    replies = await harness.user(700).click(EventListCb(view="all"))
    assert "Сначала зарегистрируйтесь" in replies[-1]


async def test_list_shows_visible_upcoming_events_in_pages(harness, sessionmaker):
    t = await teacher(harness, 701)
    now = utcnow()
    for n, scope in enumerate(["г. Новочеркасск"] * 4 + ["Ростовская область"] * 2 + ["СОШ № 1"]):
        await make_event(sessionmaker, f"Видимое {n + 1}", scope, starts_at=now + timedelta(days=n + 1))
    await make_event(sessionmaker, "Чужой муниципалитет", "г. Новошахтинск")
    await make_event(sessionmaker, "Другая школа", "СОШ № 3")
    await make_event(sessionmaker, "Прошедшее", starts_at=now - timedelta(days=1))
    await make_event(sessionmaker, "Отменённое", status=EventStatus.cancelled)

    first = (await t.send("/events"))[-1]
    assert "Рекомендованные" in first and "после самодиагностики" in first
    assert [f"Видимое {n}" in first for n in range(1, 8)] == [True] * 5 + [False] * 2
    assert first.index("Видимое 1") < first.index("Видимое 5")
    labels = [text for text, _ in t.buttons()]
    assert "1/2" in labels and "▶" in labels and "◀" not in labels
    second = (await t.press("▶"))[-1]
    assert "6. <b>Видимое 6" in second and "Видимое 7" in second and "Видимое 1<" not in second
    everything = "".join([(await t.press("Все"))[-1], (await t.press("▶"))[-1]])
    assert all(f"Видимое {n}" in everything for n in range(1, 8))
    for hidden in ("Чужой", "Другая школа", "Прошедшее", "Отменённое"):
        assert hidden not in first + second + everything
    assert "никуда не записаны" in (await t.send("/my_events"))[-1]


async def test_card_shows_time_in_the_teachers_zone(harness, sessionmaker):
    t = await teacher(harness, 702)
    await t.send("/profile")
    await t.press("Часовой пояс")
    await t.press("Красноярск")
    start = (utcnow() + timedelta(days=30)).replace(hour=7, minute=0, second=0, microsecond=0)
    await make_event(
        sessionmaker,
        "Оценивание <онлайн> & очно",
        starts_at=start,
        capacity=20,
        areas=[3, 8],
        description="Возьмите <ноутбук>",
        online_url="https://meet.example.org/r1",
    )
    await t.send("/events")
    card = (await t.press("Оценивание"))[-1]
    local_day = start.astimezone(ZoneInfo("Asia/Krasnoyarsk")).strftime("%d.%m.%Y")
    assert f"{local_day}" in card and "14:00 (МСК+4, Красноярск)" in card and "10:00" not in card
    assert "Krasnoyarsk" not in card and "Asia/" not in card
    assert "<b>Оценивание &lt;онлайн&gt; &amp; очно</b>" in card and "Возьмите &lt;ноутбук&gt;" in card
    assert "Семинар" in card and "Направления: Оценочная, Цифровая" in card and "1 ч 30 мин" in card
    assert "ИПК, ауд. 12" in card and "https://meet.example.org/r1" in card
    assert "Свободных мест: 20 из 20" in card and "вы не записаны" in card
    labels = [text for text, _ in t.buttons()]
    assert labels == ["Записаться", "📅 Добавить в календарь", "« Назад к списку"]
    assert "Оценивание" in (await t.press("Назад к списку"))[-1]


async def test_sign_up_cancel_and_reminders(harness, sessionmaker):
    t = await teacher(harness, 703)
    event_id = await make_event(sessionmaker, "Мастер-класс", starts_at=utcnow() + timedelta(days=3), capacity=5)
    await t.send("/events")
    await t.press("Мастер-класс")
    card = (await t.press("Записаться"))[-1]
    assert "вы записаны" in card and "Свободных мест: 4 из 5" in card
    await t.click(join(event_id))  # a double tap keeps one place and one set of reminders
    assert (await registration(sessionmaker, 703, event_id)).status == RegistrationStatus.registered
    reminders = await outbox(sessionmaker, "event_reminder", 703)
    assert len(reminders) == 2 and {r.status for r in reminders} == {OutboxStatus.pending}
    async with sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(EventRegistration)) == 1

    assert "Мастер-класс" in (await t.send("/my_events"))[-1]
    await t.press("Мастер-класс")
    assert "Отменить вашу запись" in (await t.press("Отменить запись"))[-1]
    card = (await t.press("Да, отменить"))[-1]
    assert "Запись отменена" in card and "вы не записаны" in card
    assert (await registration(sessionmaker, 703, event_id)).status == RegistrationStatus.cancelled
    assert {r.status for r in await outbox(sessionmaker, "event_reminder", 703)} == {OutboxStatus.cancelled}
    assert "не записаны" in (await t.click(EventCb(action="leave", event_id=event_id)))[-1]

    await t.click(join(event_id))  # signing up again schedules reminders again
    pending = [r for r in await outbox(sessionmaker, "event_reminder", 703) if r.status == OutboxStatus.pending]
    assert len(pending) == 2


async def test_last_seat_waitlist_offer_accept_and_decline(harness, sessionmaker):
    a, b, c, d = [await teacher(harness, tid) for tid in (711, 712, 713, 714)]
    event_id = await make_event(sessionmaker, "Стажировка", capacity=1)
    await a.send("/events")
    await a.press("Стажировка")
    assert "вы записаны" in (await a.press("Записаться"))[-1]
    await b.send("/events")
    card = (await b.press("Стажировка"))[-1]
    assert "Свободных мест нет" in card
    card = (await b.press("В лист ожидания"))[-1]
    assert "лист ожидания" in card and "позиция 1" in card
    assert "позиция 2" in (await c.click(join(event_id)))[-1]
    assert "позиция 3" in (await d.click(join(event_id)))[-1]
    assert "лист ожидания" in (await c.send("/my_events"))[-1]

    await a.click(EventCb(action="leave", event_id=event_id))  # a's seat is offered to b
    reg_b = await registration(sessionmaker, 712, event_id)
    assert reg_b.status == RegistrationStatus.offered
    (offer,) = await outbox(sessionmaker, "waitlist_offer", 712)
    assert pack(offer.payload["buttons"][0][0]["callback"]) == OfferCb(reg_id=reg_b.id, accept=True).pack()
    assert "адресовано не вам" in (await c.click(OfferCb(reg_id=reg_b.id, accept=True)))[-1]
    assert "позиция 1" in (await c.click(EventCb(action="open", event_id=event_id)))[-1]
    assert "Вы отказались" in (await b.click(pack(offer.payload["buttons"][0][1]["callback"])))[-1]
    assert (await registration(sessionmaker, 712, event_id)).status == RegistrationStatus.cancelled

    reg_c = await registration(sessionmaker, 713, event_id)  # the seat passes on to c
    assert reg_c.status == RegistrationStatus.offered
    (offer_c,) = await outbox(sessionmaker, "waitlist_offer", 713)
    assert "вам предложено место" in (await c.click(EventCb(action="open", event_id=event_id)))[-1]
    replies = await c.click(pack(offer_c.payload["buttons"][0][0]["callback"]))
    assert "Вы записаны на «Стажировка»" in replies[-1]
    assert (await registration(sessionmaker, 713, event_id)).status == RegistrationStatus.registered
    assert len(await outbox(sessionmaker, "event_reminder", 713)) == 2
    assert "неактуально" in (await b.click(OfferCb(reg_id=reg_b.id, accept=True)))[-1]
    assert "позиция 1" in (await d.click(EventCb(action="open", event_id=event_id)))[-1]


async def test_calendar_file(harness, sessionmaker):
    t = await teacher(harness, 721)
    start = datetime(2030, 5, 14, 6, 30, tzinfo=timezone.utc)
    event_id = await make_event(
        sessionmaker,
        "Вебинар, часть 1",
        starts_at=start,
        duration_min=45,
        place=None,
        online_url="https://meet.example.org/w",
    )
    await t.send("/events")
    await t.press("Вебинар")
    await t.press("Добавить в календарь")
    (sent,) = harness.api.sent("SendDocument", 721)
    assert sent.document.filename == f"event-{event_id}.ics"
    vevent = Calendar.from_ical(sent.document.data).walk("VEVENT")[0]
    assert vevent.decoded("DTSTART") == start and vevent.decoded("DTEND") == start + timedelta(minutes=45)
    assert str(vevent["SUMMARY"]) == "Вебинар, часть 1" and str(vevent["URL"]) == "https://meet.example.org/w"
    foreign = await make_event(sessionmaker, "Чужое", "г. Волгодонск")
    assert "недоступно" in (await t.click(EventCb(action="ics", event_id=foreign)))[-1]
    assert len(harness.api.sent("SendDocument", 721)) == 1


async def test_feedback_rating_and_comment(harness, sessionmaker):
    t = await teacher(harness, 731)
    event_id = await make_event(
        sessionmaker, "Прошедший семинар", starts_at=utcnow() - timedelta(days=1), status=EventStatus.closed
    )
    await attended(sessionmaker, 731, event_id, True)
    replies = await t.click(FeedbackCb(event_id=event_id, rating=4))
    assert "4 из 5" in replies[-1] and "комментарий" in replies[-1]
    assert "можно до 1000" in (await t.send("я" * 1001))[-1]
    assert "управляющие символы" in (await t.send("Хорошо\x00"))[-1]  # feedback had no control check
    assert "сохранён" in (await t.send("Полезно, но <мало> практики"))[-1]
    await t.click(FeedbackCb(event_id=event_id, rating=5))  # a second tap changes the rating
    assert "Спасибо за оценку" in (await t.press("Пропустить"))[-1]
    assert "Не понял" in (await t.send("ещё текст"))[-1]  # the dialog is over
    async with sessionmaker() as session:
        rows = list(await session.scalars(select(EventFeedback)))
    assert [(r.event_id, r.rating, r.comment) for r in rows] == [(event_id, 5, "Полезно, но <мало> практики")]


async def test_feedback_only_from_attendees_with_a_valid_rating(harness, sessionmaker):
    t = await teacher(harness, 732)
    event_id = await make_event(sessionmaker, "Семинар", starts_at=utcnow() - timedelta(days=1))
    assert "только его участники" in (await t.click(FeedbackCb(event_id=event_id, rating=5)))[-1]
    await attended(sessionmaker, 732, event_id, False)
    assert "только его участники" in (await t.click(FeedbackCb(event_id=event_id, rating=5)))[-1]
    async with sessionmaker() as session, session.begin():
        await session.execute(update(EventRegistration).values(attended=True))
    assert "от 1 до 5" in (await t.click(f"fb:{event_id}:9"))[-1]
    assert "от 1 до 5" in (await t.click(f"fb:{event_id}:0"))[-1]
    assert "не найдено" in (await t.click(FeedbackCb(event_id=event_id + 100, rating=3)))[-1]
    async with sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(EventFeedback)) == 0


async def test_stale_and_forged_buttons(harness, sessionmaker):
    t = await teacher(harness, 741)
    now = utcnow()
    cancelled = await make_event(sessionmaker, "Отменённое", status=EventStatus.cancelled)
    past = await make_event(sessionmaker, "Прошедшее", starts_at=now - timedelta(hours=1))
    closed = await make_event(sessionmaker, "Поздно", registration_deadline=now - timedelta(minutes=5))
    foreign = await make_event(sessionmaker, "Чужое", "г. Новошахтинск")
    assert "отменено организатором" in (await t.click(join(cancelled)))[-1]
    assert "уже прошло" in (await t.click(join(past)))[-1]
    assert "Запись на это мероприятие закрыта" in (await t.click(join(closed)))[-1]
    assert "недоступно для вашей организации" in (await t.click(join(foreign)))[-1]
    assert "недоступно для вашей организации" in (await t.click(EventCb(action="open", event_id=foreign)))[-1]
    assert "не найдено" in (await t.click(EventCb(action="open", event_id=foreign + 100)))[-1]
    assert "Неизвестный фильтр" in (await t.click(EventListCb(view="zzz")))[-1]
    card = (await t.click(EventCb(action="open", event_id=closed)))[-1]
    assert "Запись закрыта" in card and "Записаться" not in [text for text, _ in t.buttons()]
    async with sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(EventRegistration)) == 0


async def test_my_events_upcoming_first(harness, sessionmaker):
    t = await teacher(harness, 751)
    now = utcnow()
    later = await make_event(sessionmaker, "Позже", starts_at=now + timedelta(days=9))
    sooner = await make_event(sessionmaker, "Раньше", starts_at=now + timedelta(days=2))
    gone = await make_event(sessionmaker, "Было", starts_at=now - timedelta(days=2), status=EventStatus.closed)
    await t.click(join(later))
    await t.click(join(sooner))
    await attended(sessionmaker, 751, gone, True)
    listing = (await t.send("/my_events"))[-1]
    assert listing.index("Раньше") < listing.index("Позже") < listing.index("Было")


async def test_recommended_follows_the_latest_diagnosis(harness, sessionmaker):
    from models import AreaResult, AttemptStatus, ContentVersion, DiagnosisAttempt

    await make_event(sessionmaker, "Про оценивание", areas=[3])
    await make_event(sessionmaker, "Про цифровую среду", areas=[8])
    user = await teacher(harness, 790)
    shown = (await user.click(EventListCb(view="rec")))[-1]
    assert "Про оценивание" in shown and "Про цифровую среду" in shown  # no diagnosis yet: everything
    async with sessionmaker() as session, session.begin():
        row = await session.scalar(select(User).where(User.telegram_id == 790))
        version = await session.scalar(select(ContentVersion.id).where(ContentVersion.kind == "questionnaire_teacher"))
        attempt = DiagnosisAttempt(
            user_id=row.id,
            variant="teacher",
            content_version_id=version,
            status=AttemptStatus.completed,
            completed_at=utcnow(),
        )
        session.add(attempt)
        await session.flush()
        session.add_all(
            [
                AreaResult(attempt_id=attempt.id, area="3", score=5, max_score=15, zone="severe"),
                AreaResult(attempt_id=attempt.id, area="8", score=14, max_score=15, zone="resource"),
            ]
        )
    shown = (await user.click(EventListCb(view="rec")))[-1]
    assert "Про оценивание" in shown and "Про цифровую среду" not in shown
