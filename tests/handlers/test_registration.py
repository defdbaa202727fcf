"""Registration end to end through the dispatcher: messages the user sees and rows written."""

from sqlalchemy import func, select

from models import FsmRecord, Position, User
from tests.support.factories import count_users, register


async def test_full_registration_writes_the_user(harness, sessionmaker):
    teacher = harness.user(501)
    await register(teacher)
    async with sessionmaker() as session:
        user = await session.scalar(select(User).where(User.telegram_id == 501))
    assert user.full_name == "Иванова Мария Петровна"
    assert user.position == Position.teacher
    assert user.subjects == ["Математика", "Физика"]
    assert (user.experience_years, user.birth_year) == (2, 1990)
    assert user.consent_at is not None and user.timezone == "Europe/Moscow"
    assert "Вы зарегистрированы" in harness.api.texts(501)[-1]


async def test_declined_consent_stores_nothing(harness, sessionmaker):
    teacher = harness.user(502)
    await teacher.send("/start")
    replies = await teacher.press("Не согласен")
    assert "ничего о вас не сохранили" in replies[-1]
    assert await count_users(sessionmaker) == 0
    async with sessionmaker() as session:
        assert (
            await session.scalar(select(func.count()).select_from(FsmRecord).where(FsmRecord.state.is_not(None))) == 0
        )


async def test_html_in_name_is_escaped_everywhere(harness):
    teacher = harness.user(503)
    await register(teacher, name="<b>Иван</b> & Петров")
    await teacher.send("/profile")
    shown = [t for t in harness.api.texts(503) if "Петров" in t and "Иванова" not in t]
    assert len(shown) >= 2  # the greeting after registration and the profile
    for text in shown:
        assert "&lt;b&gt;Иван&lt;/b&gt; &amp; Петров" in text and "<b>Иван" not in text


async def test_bad_year_is_refused_with_a_message(harness, sessionmaker):
    teacher = harness.user(504)
    await register(teacher, year="1800")
    assert "Год рождения должен быть от" in harness.api.texts(504)[-1]
    assert await count_users(sessionmaker) == 0
    replies = await teacher.send("1991")
    assert "Вы зарегистрированы" in replies[-1]


async def test_restart_in_the_middle_resumes(harness, sessionmaker):
    teacher = harness.user(505)
    await teacher.send("/start")
    await teacher.press("Согласен")
    await teacher.send("Петров Пётр")
    harness.restart()  # a new dispatcher: only the database remembers the dialog
    replies = await teacher.send("/start")
    assert "Продолжим регистрацию" in replies[-1] and "муниципалитет" in replies[-1]
    await teacher.press("Новочеркасск")
    await teacher.press("лицей")
    await teacher.press("Учитель")
    await teacher.press("Готово")
    await teacher.send("10")
    replies = await teacher.send("1985")
    assert "Вы зарегистрированы" in replies[-1]
    assert await count_users(sessionmaker) == 1


async def test_the_confirmation_is_sent_only_after_the_user_row_is_committed(harness, sessionmaker):
    """What the bot says it saved is visible to everyone else when the user reads it."""
    seen_when_confirmed = []
    send = harness.api.make_request

    async def watching(bot, method, timeout=None):
        if "Вы зарегистрированы" in (getattr(method, "text", None) or ""):
            seen_when_confirmed.append(await count_users(sessionmaker))  # a separate session
        return await send(bot, method, timeout)

    harness.api.make_request = watching
    await register(harness.user(511))
    assert seen_when_confirmed == [1]
