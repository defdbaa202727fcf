"""What a teacher reads on the way in and around events (issue 13, «Teacher»): zones and usage
lines in Russian, names and years asked for plainly, an invalid invite said first, pickers that
turn into the saved profile, honest reminder promises and waitlist offers, and recommendations
that say when nothing matches the deficits."""

from datetime import timedelta

from sqlalchemy import select

from handlers.events.callbacks import EventCb, EventListCb
from models import OutboxMessage, RegistrationStatus, User, utcnow
from tests.support.factories import diagnosed, make_event, register, registration, result
from tests.support.harness import ADMIN_ID


async def test_zones_and_usage_lines_are_named_in_russian_and_the_zone_picker_becomes_the_profile(harness):
    t = harness.user(1701)
    await register(t)
    await t.send("/profile")
    await t.press("Часовой пояс")
    picker, before = harness.api.last_keyboard(1701)[0], len(harness.api.sent("SendMessage", 1701))
    replies = await t.press("Владивосток")
    assert len(harness.api.sent("SendMessage", 1701)) == before  # the picker itself turned into the profile
    assert harness.api.sent("EditMessageText", 1701)[-1].message_id == picker
    assert "Сохранено" in replies[-1] and "Часовой пояс: МСК+7, Владивосток" in t.screen(picker)
    assert "Vladivostok" not in replies[-1] and "Asia/" not in replies[-1]
    assert not any("Калининград" in text for text, _ in t.buttons())  # the zone buttons are gone
    event_id = await make_event(harness.sessionmaker, "Семинар по ФГОС")
    await t.click(EventCb(action="join", event_id=event_id))
    mine = (await t.send("/my_events"))[-1]
    assert "(МСК+7, Владивосток)" in mine and "Vladivostok" not in mine and "Asia/" not in mine

    admin = harness.user(ADMIN_ID)
    usage = (await admin.send("/grant"))[-1]
    assert "TELEGRAM_ID" not in usage and "<code>/grant 123456789</code>" in usage


async def test_a_one_word_name_and_a_two_digit_year_are_asked_again_plainly(harness, sessionmaker):
    t = harness.user(1702)
    await t.send("/start")
    await t.press("Согласен")
    assert "фамилию и имя" in (await t.send("Иванова"))[-1]
    assert "муниципалитет" in (await t.send("Иванова Мария"))[-1]
    await t.press("Новочеркасск")
    await t.press("СОШ № 1")
    await t.press("Учитель")
    await t.press("Готово")
    await t.send("3")
    assert "четырьмя цифрами, например 1985" in (await t.send("85"))[-1]
    assert "Вы зарегистрированы" in (await t.send("1985"))[-1]
    async with sessionmaker() as session:
        user = await session.scalar(select(User).where(User.telegram_id == 1702))
    assert (user.full_name, user.birth_year) == ("Иванова Мария", 1985)
    await t.send("/profile")
    await t.press("ФИО")
    assert "фамилию и имя" in (await t.send("Мария"))[-1]


async def test_an_invalid_invite_is_said_before_the_welcome(harness):
    reply = (await harness.user(1703).send("/start inv_nonexistent"))[-1]
    assert reply.startswith("⚠️ Приглашение не найдено") and reply.index("Приглашение") < reply.index("Здравствуйте")


async def test_no_recommended_event_says_so_and_offers_the_whole_list(harness, sessionmaker):
    t = harness.user(1704)
    await register(t)
    await diagnosed(sessionmaker, 1704, [result("3", 5, "severe")], catalogue=False)
    await make_event(sessionmaker, "Семинар по воспитанию", areas=[6])
    shown = (await t.send("/events"))[-1]
    assert "Предстоящих мероприятий для вашей организации пока нет" not in shown
    assert "Под ваши дефициты («Оценочная») предстоящих мероприятий пока нет" in shown
    assert "Семинар по воспитанию" in (await t.press("Показать все мероприятия"))[-1]
    assert EventListCb(view="all").pack() in [data for _, data in t.buttons()]


async def test_a_sign_up_promises_only_the_reminders_that_will_come(harness, sessionmaker):
    t = harness.user(1705)
    await register(t)
    soon = utcnow() + timedelta(minutes=50)
    late = await make_event(sessionmaker, "Вебинар через 50 минут", starts_at=soon, registration_deadline=soon)
    notice = (await t.click(EventCb(action="join", event_id=late)))[-1]
    assert "напомнит" not in notice and "напоминания не будет" in notice
    later = await make_event(sessionmaker, "Семинар через три дня")
    assert (
        "напомнит о мероприятии за сутки и за час до начала"
        in (await t.click(EventCb(action="join", event_id=later)))[-1]
    )
    async with sessionmaker() as session:
        reminders = list(await session.scalars(select(OutboxMessage).where(OutboxMessage.purpose == "event_reminder")))
    assert len(reminders) == 2  # the three-day event's two; nothing for the one in 50 minutes


async def test_a_waitlist_offer_leaves_time_before_the_start_and_reads_plainly(harness, sessionmaker):
    a, b, c, d = (harness.user(i) for i in (1706, 1707, 1708, 1709))
    for person, name in ((a, "Первая Анна"), (b, "Вторая Вера"), (c, "Третья Галина"), (d, "Четвёртая Дарья")):
        await register(person, name=name)
    start = utcnow() + timedelta(hours=5)
    event_id = await make_event(sessionmaker, "Стажировка", starts_at=start, registration_deadline=start, capacity=1)
    await a.click(EventCb(action="join", event_id=event_id))
    await b.click(EventCb(action="join", event_id=event_id))
    await a.click(EventCb(action="leave", event_id=event_id))
    offered = await registration(sessionmaker, 1707, event_id)
    assert offered.status == RegistrationStatus.offered
    assert offered.offer_expires_at.replace(tzinfo=start.tzinfo) == start - timedelta(hours=1)
    async with sessionmaker() as session:
        offer = await session.scalar(select(OutboxMessage).where(OutboxMessage.purpose == "waitlist_offer"))
    text = offer.payload["text"]
    assert "«Стажировка», начало " in text and ")). " not in text and ") (" not in text

    soon = utcnow() + timedelta(minutes=50)
    tight = await make_event(sessionmaker, "Семинар вот-вот", starts_at=soon, registration_deadline=soon, capacity=1)
    await c.click(EventCb(action="join", event_id=tight))
    await d.click(EventCb(action="join", event_id=tight))
    await c.click(EventCb(action="leave", event_id=tight))
    # No time to claim and come: the seat is not offered with a deadline at the start; it stays open.
    assert (await registration(sessionmaker, 1709, tight)).status == RegistrationStatus.waitlisted


async def test_a_long_event_title_is_cut_at_a_word_on_its_list_button(harness, sessionmaker):
    t = harness.user(1710)
    await register(t)
    await make_event(sessionmaker, "Практикум по цифровой образовательной среде и ФГИС «Моя школа» для учителей")
    await t.send("/events")
    await t.press("Все")
    label = next(text for text, _ in t.buttons() if "Практикум" in text)
    assert label.endswith(" среде и…") and len(label) <= 56  # not «…и ФГИС «Моя» cut mid-title
