"""Issue 13: who counts as a pedagogical worker (bot.services.shared.population), in broadcast
audiences and in the indicators alike: not the methodist, not a «Методист» by position, not the
staff of a methodological office."""

from sqlalchemy import update

from models import Position, User, utcnow
from tests.support.factories import compose, make_methodist, org_id, register


async def test_methodists_and_methodological_office_staff_are_not_counted_as_teachers(harness, sessionmaker):
    methodist = await make_methodist(harness, sessionmaker, 700, "г. Новочеркасск")  # registered in СОШ № 1
    for telegram_id in (701, 702, 703):
        await register(harness.user(telegram_id), name="Петрова Анна Сергеевна")
    office = await org_id(sessionmaker, "Методический кабинет")
    async with sessionmaker() as session, session.begin():
        await session.execute(update(User).where(User.telegram_id == 702).values(position=Position.methodist))
        await session.execute(update(User).where(User.telegram_id == 703).values(organization_id=office))

    audience = (await compose(methodist))[-1]
    assert "Получателей: <b>1</b>" in audience  # only 701; was 4, the author herself included

    await methodist.send("/stats")
    text = (await methodist.press("Текущий учебный год"))[-1]
    assert "Педагогов в зоне: 1." in text  # was 4

    # The list of young specialists to pair counts the same people as the indicators.
    async with sessionmaker() as session, session.begin():
        young = {"birth_year": utcnow().year - 25, "experience_years": 1}
        await session.execute(update(User).where(User.telegram_id.in_((701, 703))).values(**young))
    await methodist.send("/pairs")
    listed = (await methodist.press("Молодые специалисты"))[-1]
    assert listed.count("Петрова Анна Сергеевна") == 1  # 701; not 703 of the methodological office
