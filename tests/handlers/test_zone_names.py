"""People outside Moscow read times in their own zone, and the zone is named in Russian."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update

from models import Event, Organization, utcnow
from tests.support.factories import make_methodist, register

YEKATERINBURG = ZoneInfo("Asia/Yekaterinburg")


def no_iana(text: str) -> bool:
    return "Asia/" not in text and "Europe/" not in text and "Yekaterinburg" not in text


async def test_an_organization_in_yekaterinburg_reads_times_named_in_russian(harness, sessionmaker):
    async with sessionmaker() as session, session.begin():
        await session.execute(update(Organization).values(timezone="Asia/Yekaterinburg"))
    methodist = await make_methodist(harness, sessionmaker, 760, "г. Новочеркасск")
    await methodist.send("/new_event")
    await methodist.send("Семинар по оцениванию")
    await methodist.send("-")
    await methodist.press("Семинар")
    await methodist.press("3. Оценочная")
    await methodist.press("Готово")
    asked = (await methodist.press("Все: г. Новочеркасск"))[-1]
    assert "Дата и время начала по времени Екатеринбурга (МСК+2)" in asked and no_iana(asked)
    start = (utcnow() + timedelta(days=10)).astimezone(YEKATERINBURG).replace(hour=15, minute=0)
    await methodist.send(start.strftime("%d.%m.%Y %H:%M"))
    await methodist.send("90")
    await methodist.send("Актовый зал")
    await methodist.press("Без ограничений")
    preview = (await methodist.press("До начала"))[-1]
    assert "15:00 (МСК+2, Екатеринбург)" in preview and no_iana(preview)
    await methodist.press("Опубликовать")
    async with sessionmaker() as session:
        event = await session.scalar(select(Event).where(Event.title == "Семинар по оцениванию"))
    assert event.timezone == "Asia/Yekaterinburg" and event.starts_at.astimezone(YEKATERINBURG).hour == 15

    teacher = harness.user(761)
    await register(teacher, name="Уральская Анна")
    profile = (await teacher.send("/profile"))[-1]
    assert "Часовой пояс: МСК+2, Екатеринбург" in profile and no_iana(profile)
    await teacher.send("/events")
    card = (await teacher.press("Семинар по оцениванию"))[-1]
    assert "15:00 (МСК+2, Екатеринбург)" in card and no_iana(card)

    await methodist.send("/broadcast")
    await methodist.send("Напоминаем о семинаре")
    await methodist.press("Далее")
    when = (await methodist.press("Запланировать"))[-1]
    assert "Дата и время по времени Екатеринбурга (МСК+2)" in when and no_iana(when)
