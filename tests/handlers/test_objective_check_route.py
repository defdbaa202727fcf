"""The divergence rule on the ИОМ (domain.md §2): where the check differs from the self-assessment by
a zone or more, the next build plans that area on the check's zone and says so (chat and PDF); an agreeing check
and a route built after the check are left as they are."""

import io

from pypdf import PdfReader
from sqlalchemy import func, select

from models import Route
from tests.support.factories import diagnosed, registered, route_steps
from tests.support.objective import take


async def by_area(sessionmaker, telegram_id: int) -> dict[str, list[str]]:
    kinds: dict[str, list[str]] = {}
    for step in await route_steps(sessionmaker, telegram_id):
        kinds.setdefault(step.area, []).append(step.deficit_kind)
    return kinds


async def routes(sessionmaker) -> int:
    async with sessionmaker() as session:
        return await session.scalar(select(func.count()).select_from(Route))


async def test_the_next_build_follows_the_check_where_it_differs_and_says_so(harness, sessionmaker):
    teacher = await registered(harness, 911)
    attempt_id = await diagnosed(sessionmaker, 911)  # area 3 severe, 2 partial, 7 norm with point 7.3
    await teacher.click(f"rbuild:{attempt_id}")
    assert (await by_area(sessionmaker, 911))["3"] == ["severe"] * 3

    assert "ИОМ будет построен по результату проверки" in await take(teacher, "3", right=True)  # resource
    assert "ИОМ будет построен по результату проверки" in await take(teacher, "2", right=False)  # severe
    assert "Перестроить ИОМ по новым результатам" in (await teacher.click(f"rbuild:{attempt_id}"))[-1]
    built = (await teacher.press("Да, перестроить"))[-1]
    assert "По результату проверки самооценки построены области: 2. " in built
    assert "(самооценка: частичный дефицит, проверка: выраженный дефицит)" in built
    assert "(самооценка: выраженный дефицит, проверка: ресурсная зона)" in built
    kinds = await by_area(sessionmaker, 911)
    assert "3" not in kinds and kinds["2"] == ["severe"] * 3 and kinds["7"] == ["point"]
    assert await routes(sessionmaker) == 2

    await teacher.press("Скачать ИОМ")
    [sent] = harness.api.sent("SendDocument", 911)
    pdf = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(sent.document.data)).pages).split())
    assert "ИОМ построен по результату проверки: 2. " in pdf
    assert "3. Оценочная: самооценка — выраженный дефицит, проверка — ресурсная зона" in pdf

    # Built after the checks: a tap builds nothing new.
    await teacher.click(f"rbuild:{attempt_id}")
    assert await routes(sessionmaker) == 2


async def test_an_agreeing_check_keeps_the_route(harness, sessionmaker):
    teacher = await registered(harness, 912)
    attempt_id = await diagnosed(sessionmaker, 912)
    await teacher.click(f"rbuild:{attempt_id}")
    assert "ИОМ будет построен" not in await take(teacher, "3", right=False)  # severe, as self-assessed
    shown = (await teacher.click(f"rbuild:{attempt_id}"))[-1]
    assert "Перестроить" not in shown and "По результату проверки" not in shown
    assert await routes(sessionmaker) == 1 and (await by_area(sessionmaker, 912))["3"] == ["severe"] * 3
    await teacher.send("/route")
    await teacher.press("Скачать ИОМ")
    [sent] = harness.api.sent("SendDocument", 912)
    pdf = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(sent.document.data)).pages).split())
    assert "Оценочная" in pdf and "по результату проверки" not in pdf
