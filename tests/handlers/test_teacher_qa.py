"""Teacher-side defects found in exploratory QA, each kept as a regression test: what a teacher
types or taps, what the bot answers, and what ends up in the database."""

from datetime import timedelta

from sqlalchemy import select

from handlers.events.callbacks import EventCb, FeedbackCb
from handlers.route.ui import ReplaceCb
from models import EventFeedback, EventRegistration, EventStatus, OutboxMessage, RegistrationStatus, User, utcnow
from tests.support.factories import attended, built, count_users, make_event, register, registration, route_steps


async def user_row(sessionmaker, telegram_id: int) -> User | None:
    async with sessionmaker() as session:
        return await session.scalar(select(User).where(User.telegram_id == telegram_id))


async def test_a_command_is_not_taken_as_the_name_during_registration(harness, sessionmaker):
    teacher = harness.user(1601)
    await teacher.send("/start")
    await teacher.press("Согласен")
    replies = await teacher.send("/events")  # a command, not a name: it is not registered yet
    assert "Сначала зарегистрируйтесь" in replies[-1] and "муниципалитет" not in replies[-1]
    replies = await teacher.send("Петрова Анна")  # the dialog is still at the name step
    assert "муниципалитет" in replies[-1]
    await teacher.press("Новочеркасск")
    await teacher.press("СОШ № 1")
    await teacher.press("Учитель")
    await teacher.press("Готово")
    assert "Сначала зарегистрируйтесь" in (await teacher.send("/route"))[-1]  # at the experience step
    await teacher.send("3")
    await teacher.send("1995")
    assert (await user_row(sessionmaker, 1601)).full_name == "Петрова Анна"
    assert await count_users(sessionmaker) == 1


async def test_a_command_abandons_a_profile_edit_instead_of_becoming_the_value(harness, sessionmaker):
    teacher = harness.user(1602)
    await register(teacher)
    await teacher.send("/profile")
    await teacher.press("ФИО")
    replies = await teacher.send("/route")  # changed their mind: the route opens, the name stays
    assert "Сохранено" not in replies[-1] and "/diagnostics" in replies[-1]
    assert "Сохранено" not in (await teacher.send("Спасибо"))[-1]  # the edit is over: not the name either
    assert (await user_row(sessionmaker, 1602)).full_name == "Иванова Мария Петровна"
    await teacher.send("/profile")
    await teacher.press("Год рождения")
    await teacher.send("/events")
    await teacher.send("1985")
    assert (await user_row(sessionmaker, 1602)).birth_year == 1990


async def test_delete_me_gives_the_held_seat_to_the_waitlist(harness, sessionmaker):
    leaving, waiting = harness.user(1611), harness.user(1612)
    await register(leaving)
    await register(waiting, name="Сидоров Пётр")
    event_id = await make_event(sessionmaker, "Стажировка", capacity=1)
    past_id = await make_event(sessionmaker, "Было", starts_at=utcnow() - timedelta(days=2), status=EventStatus.closed)
    async with sessionmaker() as session, session.begin():
        user_id = await session.scalar(select(User.id).where(User.telegram_id == 1611))
        session.add(
            EventRegistration(event_id=past_id, user_id=user_id, status=RegistrationStatus.registered, attended=True)
        )
    await leaving.click(EventCb(action="join", event_id=event_id))
    await waiting.click(EventCb(action="join", event_id=event_id))
    await leaving.send("/delete_me")
    await leaving.press("Да, удалить")
    async with sessionmaker() as session:
        statuses = {(r.event_id, r.user_id): r.status for r in await session.scalars(select(EventRegistration))}
    assert statuses[(event_id, user_id)] == RegistrationStatus.cancelled
    assert statuses[(past_id, user_id)] == RegistrationStatus.registered  # attendance figures keep it
    assert (await registration(sessionmaker, 1612, event_id)).status == RegistrationStatus.offered
    card = (await waiting.click(EventCb(action="open", event_id=event_id)))[-1]
    assert "вам предложено место" in card
    async with sessionmaker() as session:
        offers = list(await session.scalars(select(OutboxMessage).where(OutboxMessage.purpose == "waitlist_offer")))
    assert [o.chat_id for o in offers] == [1612]


async def test_text_at_a_button_step_asks_again_with_the_buttons(harness, sessionmaker):
    teacher = harness.user(1621)
    await teacher.send("/start")
    await teacher.press("Согласен")
    await teacher.send("Петрова Анна")
    replies = await teacher.send("МБОУ СОШ № 1")  # typed instead of tapped
    assert "Чтобы начать, отправьте /start" not in replies[-1]
    assert "выберите вариант кнопкой" in replies[-1] and "Выберите муниципалитет" in replies[-1]
    await teacher.press("Новочеркасск")  # the keyboard came back with the question
    await teacher.press("СОШ № 1")
    assert "Ваша должность?" in (await teacher.send("учитель"))[-1]
    await teacher.press("Учитель")
    await teacher.press("Математика")
    replies = await teacher.send("физика")
    assert "Отметьте предметы" in replies[-1] and "☑️ Математика" in [text for text, _ in teacher.buttons()]
    await teacher.press("Готово")
    await teacher.send("3")
    assert "Вы зарегистрированы" in (await teacher.send("1995"))[-1]

    await teacher.send("/profile")
    await teacher.press("Часовой пояс")
    assert "кнопкой" in (await teacher.send("Омск"))[-1]
    await teacher.send("/cancel")
    assert (await user_row(sessionmaker, 1621)).subjects == ["Математика"]


async def test_an_activity_from_a_stale_replacement_list_is_not_put_into_two_steps(harness, sessionmaker):
    t, _ = await built(harness, sessionmaker, 1631)
    first, second = [s for s in await route_steps(sessionmaker, 1631) if s.area == "3"][:2]
    await t.click(ReplaceCb(step_id=first.id))
    old_list = t.buttons()  # still on screen while the teacher looks at the other step
    await t.click(ReplaceCb(step_id=second.id))
    assert "Шаг заменён" in (await t.press("Вебинар-запись"))[-1]
    webinar = next(data for text, data in old_list if "Вебинар-запись" in text)
    assert "уже есть в вашем маршруте" in (await t.click(webinar))[-1]
    steps = {s.id: s for s in await route_steps(sessionmaker, 1631)}
    assert steps[first.id].title == first.title and steps[first.id].activity_id == first.activity_id
    assert "Вебинар-запись" in steps[second.id].title
    again = ReplaceCb(step_id=second.id, activity_id=ReplaceCb.unpack(webinar).activity_id)
    # A double tap on the chosen one is no error: the same screen again, which Telegram leaves as is.
    assert await t.click(again) == [] and "Шаг заменён" in t.screen()


async def test_a_command_closes_the_feedback_comment_prompt(harness, sessionmaker):
    t = harness.user(1641)
    await register(t)
    event_id = await make_event(
        sessionmaker, "Прошедший семинар", starts_at=utcnow() - timedelta(days=1), status=EventStatus.closed
    )
    await attended(sessionmaker, 1641, event_id, True)
    assert "комментарий" in (await t.click(FeedbackCb(event_id=event_id, rating=5)))[-1]
    assert "Самодиагностика" in (await t.send("/diagnostics"))[-1]  # the teacher moved on
    assert "Комментарий сохранён" not in (await t.send("Спасибо"))[-1]
    async with sessionmaker() as session:
        row = await session.scalar(select(EventFeedback))
    assert (row.rating, row.comment) == (5, None)
