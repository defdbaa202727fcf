"""/route after an objective check (domain.md §2): a check that differs from the self-assessment by
a zone or more, completed after the route was built, makes /route offer the rebuild (the next build
follows the check), as a newer diagnosis does; an agreeing check offers nothing, nor does a route
built after the check. The checks are written straight to the database: the bank is not the point."""

from sqlalchemy import select

from models import AttemptStatus, ObjectiveCheck, Route, RouteStatus, User, utcnow
from tests.support.factories import built, route_steps

OFFER = "маршрут можно перестроить по её результату"
BUTTON = "Перестроить по результату проверки"


def offered(user) -> bool:
    return any(BUTTON in text for text, _ in user.buttons())


async def checked(sessionmaker, telegram_id: int, attempt_id: int, self_zone: str, zone: str, score: int) -> None:
    """A completed check of area 3 against the diagnosis `attempt_id`, finished now."""
    async with sessionmaker() as session, session.begin():
        user = await session.scalar(select(User).where(User.telegram_id == telegram_id))
        session.add(
            ObjectiveCheck(
                user_id=user.id,
                area="3",
                bank_version="test",
                tasks=["3-1", "3-2", "3-3", "3-4", "3-5"],
                answers=[1, 1, 1, 1, 1],
                status=AttemptStatus.completed,
                diagnosis_attempt_id=attempt_id,
                self_zone=self_zone,
                correct=round(score / 3),
                score=score,
                zone=zone,
                started_at=utcnow(),
                completed_at=utcnow(),
            )
        )


async def test_a_diverging_check_after_the_build_offers_the_rebuild_on_route(harness, sessionmaker):
    t, attempt_id = await built(harness, sessionmaker, 821)  # area 3 severe, 2 partial, 7 norm
    assert "3" in {s.area for s in await route_steps(sessionmaker, 821)}
    await checked(sessionmaker, 821, attempt_id, "severe", "resource", 15)

    shown = (await t.send("/route"))[-1]
    assert OFFER in shown and offered(t)
    assert "Перестроить ИОМ по новым результатам" in (await t.press(BUTTON))[-1]
    rebuilt = (await t.press("Да, перестроить"))[-1]
    assert "По результату проверки самооценки построены области: 3. Оценочная" in rebuilt
    assert "3" not in {s.area for s in await route_steps(sessionmaker, 821)}
    async with sessionmaker() as session:
        assert list(await session.scalars(select(Route.status).order_by(Route.id)))[0] == RouteStatus.archived

    shown = (await t.send("/route"))[-1]  # the new route already follows the check
    assert OFFER not in shown and not offered(t)


async def test_an_agreeing_check_offers_nothing(harness, sessionmaker):
    t, attempt_id = await built(harness, sessionmaker, 822)
    await checked(sessionmaker, 822, attempt_id, "severe", "severe", 3)
    shown = (await t.send("/route"))[-1]
    assert "Мой ИОМ" in shown and OFFER not in shown and not offered(t)
