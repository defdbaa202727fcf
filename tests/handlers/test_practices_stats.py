"""/stats and /report gain the exchange of experience, over the indicators data set: practices
approved and applied by area, open lessons held and visits, teachers who shared, and supply per
frequent deficit."""

from datetime import datetime, timezone
from io import BytesIO

from openpyxl import load_workbook

from models import (
    LessonStatus,
    LessonVisit,
    OpenLesson,
    Practice,
    PracticeStatus,
    PracticeUse,
    VisitStatus,
)
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


async def lessons(sessionmaker, users: dict[str, int]) -> None:
    async with sessionmaker() as session, session.begin():

        def lesson(host, areas, status, starts_at):
            return OpenLesson(
                host_id=users[host],
                starts_at=starts_at,
                timezone="Europe/Moscow",
                class_name="7Б",
                subject="Математика",
                topic="Урок",
                areas=areas,
                capacity=5,
                status=status,
            )

        held = lesson("T3", ["1"], LessonStatus.held, at(2026, 2, 1))
        second = lesson("T2", ["2"], LessonStatus.held, at(2026, 3, 1))
        cancelled = lesson("T5", ["3"], LessonStatus.cancelled, at(2026, 3, 2))
        session.add_all([held, second, cancelled])
        await session.flush()
        for visitor in ("T1", "T2"):
            session.add(
                LessonVisit(lesson_id=held.id, visitor_id=users[visitor], status=VisitStatus.booked, ratings={})
            )
        session.add(LessonVisit(lesson_id=second.id, visitor_id=users["T1"], status=VisitStatus.cancelled, ratings={}))


async def test_stats_and_report_show_the_exchange(routed, sessionmaker):
    users = await seed_dataset(sessionmaker)
    await practices(sessionmaker, users)
    await lessons(sessionmaker, users)
    methodist = await make_methodist(routed, sessionmaker, 709, "г. Новочеркасск")
    await methodist.send("/stats")
    text = (await methodist.send(TYPED))[-1]
    assert "<b>Обмен опытом</b>" in text
    assert "Практик одобрено за период: 1 (по областям: 2 — 1)." in text
    assert "Применений практик коллегами: 1 (по областям: 2 — 1)." in text
    assert "Открытых уроков проведено: 2; посещений — 2." in text
    assert "Поделились опытом (практика или открытый урок): 2 из 7 (28,6%) педагогов." in text
    assert "• Методическая: 2 → 2 / 1\n• Предметная: 1 → 0 / 1\n• Оценочная: 1 → 0 / 0 ⚠️ предложения нет" in text

    await methodist.send("/report")
    await methodist.send(TYPED)
    book = load_workbook(BytesIO(routed.api.sent("SendDocument", 709)[-1].document.data))
    rows = list(book["Обмен опытом"].iter_rows(min_row=2, values_only=True))
    assert rows[1] == ("2. Методическая", 1, 1, 2, 2, 1)
    assert rows[0] == ("1. Предметная", 0, 0, 1, 0, 1)
    assert rows[-2] == ("Открытых уроков проведено / посещений", 2, 2, None, None, None)
    assert rows[-1] == ("Поделились опытом (педагогов / всего)", 2, 7, None, None, None)
