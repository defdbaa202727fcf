"""/stats and /report gain the exchange of experience, over the indicators data set: practices
approved and applied by area, teachers who shared, and supply per frequent deficit."""

from datetime import datetime, timezone
from io import BytesIO

from openpyxl import load_workbook

from models import Practice, PracticeStatus, PracticeUse
from tests.support.factories import make_methodist
from tests.support.indicators_data import seed_dataset

TYPED = "01.09.2025–31.05.2026"


def at(y: int, m: int, d: int) -> datetime:
    return datetime(y, m, d, 12, tzinfo=timezone.utc)


async def practices(sessionmaker, users: dict[str, int]) -> None:
    async with sessionmaker() as session, session.begin():
        author = users["T3"]

        def practice(areas, status, approved_at):
            return Practice(
                author_id=author,
                title="П",
                areas=areas,
                items=[],
                subject="Математика",
                level="ooo",
                description="…",
                status=status,
                revision=1,
                submitted_at=at(2024, 1, 1),
                approved_at=approved_at,
            )

        in_period = practice(["2"], PracticeStatus.approved, at(2025, 11, 1))
        earlier = practice(["2", "8"], PracticeStatus.approved, at(2024, 3, 1))
        waiting = practice(["1"], PracticeStatus.pending, None)
        session.add_all([in_period, earlier, waiting])
        await session.flush()
        session.add(PracticeUse(practice_id=in_period.id, user_id=users["T1"], applied_at=at(2026, 1, 10)))
        session.add(PracticeUse(practice_id=earlier.id, user_id=users["T2"], applied_at=at(2025, 6, 1)))  # before


async def test_stats_and_report_show_the_exchange(routed, sessionmaker):
    await practices(sessionmaker, await seed_dataset(sessionmaker))
    methodist = await make_methodist(routed, sessionmaker, 709, "г. Новочеркасск")
    await methodist.send("/stats")
    text = (await methodist.send(TYPED))[-1]
    assert "<b>Обмен опытом</b>" in text
    assert "Практик одобрено за период: 1 (по областям: 2 — 1)." in text
    assert "Применений практик коллегами: 1 (по областям: 2 — 1)." in text
    assert "Поделились опытом: 1 из 7 (14,3%) педагогов." in text
    assert "• Методическая: 2 → 2\n• Предметная: 1 → 0 ⚠️ нет практик" in text

    await methodist.send("/report")
    await methodist.send(TYPED)
    book = load_workbook(BytesIO(routed.api.sent("SendDocument", 709)[-1].document.data))
    rows = list(book["Обмен опытом"].iter_rows(min_row=2, values_only=True))
    assert rows[1] == ("2. Методическая", 1, 1, 2, 2)
    assert rows[0] == ("1. Предметная", 0, 0, 1, 0)
    assert rows[-1] == ("Поделились опытом (педагогов / всего)", 1, 7, None, None)
