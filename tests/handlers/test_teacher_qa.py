"""Teacher-side defects found in exploratory QA, each kept as a regression test: what a teacher
types or taps, what the bot answers, and what ends up in the database."""

from sqlalchemy import select

from models import User
from tests.handlers.test_registration import count_users, register


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
