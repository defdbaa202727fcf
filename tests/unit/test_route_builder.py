"""Route building from a diagnosis result: the §2 priority rule and cap, forms per deficit kind,
point deficits, real events preferred, deadlines in the teacher's zone, rebuilds; and the
statuses around it (approval, completion by attendance). Rows are written straight to the DB."""

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from bot.services import route as routes
from bot.services.route import builder as route_builder
from bot.services.route import plan as route_plan
from bot.services.shared import roles
from bot.services.shared.errors import AccessDenied
from models import (
    AreaResult,
    Event,
    EventFormat,
    MentorPair,
    Organization,
    OrgKind,
    PairStatus,
    PairType,
    Position,
    Role,
    Route,
    RouteStatus,
    RouteStep,
    StepStatus,
    User,
)
from tests.support.factories import make_attempt as attempt_at
from tests.support.factories import make_catalogue, result

NOW = datetime(2026, 3, 10, 20, 0, tzinfo=timezone.utc)  # already 11.03 in Vladivostok


async def make_orgs(session) -> dict[str, Organization]:
    region = Organization(kind=OrgKind.region, name="Область", timezone="Europe/Moscow")
    session.add(region)
    await session.flush()
    muni = Organization(kind=OrgKind.municipality, name="Город", timezone="Europe/Moscow", parent_id=region.id)
    other = Organization(kind=OrgKind.municipality, name="Другой город", timezone="Europe/Moscow", parent_id=region.id)
    session.add_all([muni, other])
    await session.flush()
    school = Organization(kind=OrgKind.school, name="СОШ", timezone="Europe/Moscow", parent_id=muni.id)
    session.add(school)
    await session.flush()
    return {"region": region, "muni": muni, "other": other, "school": school}


async def make_teacher(session, org: Organization, telegram_id: int = 42, zone: str = "Europe/Moscow") -> User:
    user = User(
        telegram_id=telegram_id,
        full_name="Петрова Анна Ивановна",
        position=Position.teacher,
        subjects=["Математика"],
        experience_years=4,
        organization_id=org.id,
        timezone=zone,
    )
    session.add(user)
    await session.flush()
    return user


async def make_attempt(session, user: User, results: list[AreaResult], completed_at: datetime = NOW) -> int:
    return await attempt_at(session, user, results, completed_at)


async def make_event(
    session,
    title: str,
    org: Organization,
    starts_at: datetime,
    areas: list[int],
    fmt: EventFormat = EventFormat.seminar,
    deadline: datetime | None = None,
) -> Event:
    event = Event(
        title=title,
        format=fmt,
        areas=areas,
        scope_org_id=org.id,
        timezone="Europe/Moscow",
        starts_at=starts_at,
        duration_min=150,
        registration_deadline=deadline or starts_at,
    )
    session.add(event)
    await session.flush()
    return event


async def steps(session, route_id: int) -> list[RouteStep]:
    return list(
        await session.scalars(select(RouteStep).where(RouteStep.route_id == route_id).order_by(RouteStep.position))
    )


def test_priority_order_and_the_cap_of_three():
    results = [
        result("8", 2, "severe"),
        result("5", 5, "severe"),
        result("3", 7, "severe"),
        result("1", 8, "partial"),
        result("2", 9, "partial"),
        result("4", 12, "norm"),
        result("6", 15, "resource"),
    ]
    assert [r.area for r in route_plan.priority_deficits(results)] == ["3", "8", "5"]
    partial_only = [
        result("1", 8, "partial"),
        result("7", 8, "partial"),
        result("2", 10, "partial"),
        result("5", 9, "partial"),
        result("4", 12, "norm"),
    ]
    assert [r.area for r in route_plan.priority_deficits(partial_only)] == ["2", "1", "7"]
    assert route_plan.priority_deficits([result("4", 12, "norm"), result("6", 14, "resource")]) == []


async def test_forms_mix_per_deficit_kind(sessionmaker):
    async with sessionmaker() as session, session.begin():
        orgs = await make_orgs(session)
        user = await make_teacher(session, orgs["school"])
        catalogue = await make_catalogue(session)
        attempt_id = await make_attempt(
            session,
            user,
            [
                result("8", 3, "severe"),
                result("3", 6, "severe"),
                result("2", 9, "partial"),
                result("1", 10, "partial"),
                result("4", 12, "norm"),
            ],
        )
        route = await route_builder.build_route(session, user, attempt_id, NOW)
        rows = await steps(session, route.id)
    assert route.status == RouteStatus.active and route.attempt_id == attempt_id
    by_area = {}
    for step in rows:
        by_area.setdefault(step.area, []).append(step)
    assert list(by_area) == ["3", "8", "2"]  # the cap: partial area 1 waits for the next route
    assert [s.form for s in by_area["3"]] == ["formal", "non_formal", "informal"]
    assert [s.form for s in by_area["2"]] == ["non_formal", "informal"]
    assert {s.deficit_kind for s in by_area["3"]} == {"severe"}
    assert {s.deficit_kind for s in by_area["2"]} == {"partial"}
    course = by_area["3"][0]
    assert course.activity_id == catalogue["Курс «Формирующее оценивание»"] and course.hours == 36
    assert "Оценочная" in course.task and "Удостоверение" in course.report_form and course.expected_result
    assert by_area["8"][1].title == "Реверсивное наставничество" and "наставник" in by_area["8"][1].report_form
    assert len({s.activity_id for s in rows}) == len(rows)  # nothing twice


async def test_point_deficits_enter_as_informal_steps(sessionmaker):
    async with sessionmaker() as session, session.begin():
        orgs = await make_orgs(session)
        user = await make_teacher(session, orgs["school"])
        await make_catalogue(session)
        attempt_id = await make_attempt(
            session,
            user,
            [
                result("3", 5, "severe", ["3.2", "3.4", "3.5"]),
                result("7", 12, "norm", ["7.3"]),
                result("6", 15, "resource"),
            ],
        )
        route = await route_builder.build_route(session, user, attempt_id, NOW)
        rows = await steps(session, route.id)
    area3 = [s for s in rows if s.area == "3"]
    assert [(s.form, s.item_code, s.deficit_kind) for s in area3] == [
        ("formal", None, "severe"),
        ("non_formal", None, "severe"),
        ("informal", "3.2", "severe"),
        ("informal", "3.4", "point"),
    ]
    assert "3.4, 3.5" in area3[-1].task  # more points than steps: named in the last one
    point = [s for s in rows if s.area == "7"]
    assert [(s.form, s.item_code, s.deficit_kind) for s in point] == [("informal", "7.3", "point")]
    assert point[0].title == "Книга Фабер и Мазлиш" and "7.3" in point[0].task
    assert not [s for s in rows if s.area == "6"]


async def test_real_events_in_scope_are_preferred(sessionmaker):
    async with sessionmaker() as session, session.begin():
        orgs = await make_orgs(session)
        user = await make_teacher(session, orgs["school"], zone="Asia/Vladivostok")
        catalogue = await make_catalogue(session)
        soon = NOW + timedelta(days=10)
        await make_event(session, "Чужой город", orgs["other"], soon - timedelta(days=5), [3])
        await make_event(session, "Прошедший семинар", orgs["muni"], NOW - timedelta(days=1), [3])
        await make_event(session, "Запись закрыта", orgs["muni"], soon, [3], deadline=NOW - timedelta(hours=1))
        await make_event(session, "Другая область знаний", orgs["muni"], soon, [6])
        await make_event(session, "За пределами периода", orgs["muni"], NOW + timedelta(days=250), [3])
        seminar = await make_event(
            session,
            "Семинар ЦНППМ по оцениванию",
            orgs["muni"],
            datetime(2026, 4, 2, 16, 0, tzinfo=timezone.utc),
            [3, 4],
        )
        course = await make_event(session, "Курс ИРО по оцениванию", orgs["region"], soon, [3], EventFormat.course)
        attempt_id = await make_attempt(session, user, [result("3", 4, "severe"), result("2", 9, "partial")])
        route = await route_builder.build_route(session, user, attempt_id, NOW)
        rows = await steps(session, route.id)
    area3 = {s.form: s for s in rows if s.area == "3"}
    assert area3["non_formal"].event_id == seminar.id and area3["non_formal"].title == seminar.title
    assert area3["non_formal"].deadline == date(2026, 4, 3)  # 16:00 UTC is the next morning in Vladivostok
    assert area3["non_formal"].hours == 3
    assert area3["formal"].event_id == course.id and area3["formal"].activity_id is None
    assert area3["informal"].activity_id == catalogue["Книга Пинской «Формирующее оценивание»"]
    assert {s.event_id for s in rows if s.event_id} == {seminar.id, course.id}
    assert catalogue["Стажировка: критериальное оценивание"] not in {s.activity_id for s in rows}


async def test_deadlines_follow_the_hours_of_each_deficits_steps_in_the_teachers_zone(sessionmaker):
    async with sessionmaker() as session, session.begin():
        orgs = await make_orgs(session)
        user = await make_teacher(session, orgs["school"], zone="Asia/Vladivostok")
        await make_catalogue(session)
        attempt_id = await make_attempt(
            session, user, [result("3", 5, "severe"), result("8", 6, "severe"), result("2", 9, "partial")]
        )
        route = await route_builder.build_route(session, user, attempt_id, NOW)
        rows = await steps(session, route.id)
        short = await route_builder.build_route(session, user, attempt_id, NOW, period_months=3)
        squeezed = await steps(session, short.id)
    assert (route.period_start, route.period_end) == (date(2026, 3, 11), date(2026, 9, 11))
    assert len(rows) == 8 and all(route.period_start < s.deadline <= route.period_end for s in rows)
    weeks = {s.title: (s.deadline - route.period_start).days / 7 for s in rows}
    # 36 h at three hours a week: twelve weeks, not a sixth of the period
    assert weeks["Курс «Формирующее оценивание»"] == 12
    assert weeks["Мастер-класс «Дифференциация на уроке»"] == 1  # 2 h: a week
    # after the course, the 16-hour internship takes five and a half weeks, the 12-hour book four
    area3 = sorted((s for s in rows if s.area == "3"), key=lambda s: s.deadline)
    assert [(b.deadline - a.deadline).days for a, b in zip(area3, area3[1:], strict=False)] == [38, 28]
    first_of_each = {s.area: s.deadline for s in sorted(rows, key=lambda s: s.deadline, reverse=True)}
    assert max(first_of_each.values()) <= date(2026, 6, 3)  # every deficit starts at once, not in turn
    assert short.period_end == date(2026, 6, 11) and max(s.deadline for s in squeezed) <= short.period_end
    assert route_plan.add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)


async def test_rebuild_keeps_done_steps(sessionmaker):
    async with sessionmaker() as session, session.begin():
        orgs = await make_orgs(session)
        user = await make_teacher(session, orgs["school"])
        await make_catalogue(session)
        first = await make_attempt(session, user, [result("3", 5, "severe"), result("2", 9, "partial")])
        old = await route_builder.build_route(session, user, first, NOW)
        old_steps = await steps(session, old.id)
        done = old_steps[0]
        done.status, done.done_at, done.reflection = StepStatus.done, NOW, "Ввела листы самооценки"
        done.evidence_file_id, done.evidence_kind = "file-1", "document"
        second = await make_attempt(
            session, user, [result("3", 8, "partial"), result("8", 6, "severe")], completed_at=NOW + timedelta(days=1)
        )
        new = await route_builder.build_route(session, user, second, NOW + timedelta(days=1))
        new_steps = await steps(session, new.id)
        live = list(await session.scalars(select(Route).where(Route.status != RouteStatus.archived)))
    assert old.status == RouteStatus.archived and live == [new]
    kept = new_steps[0]
    assert (kept.status, kept.title, kept.reflection, kept.evidence_file_id, kept.position) == (
        StepStatus.done,
        done.title,
        "Ввела листы самооценки",
        "file-1",
        1,
    )
    assert [s.status for s in new_steps[1:]] == [StepStatus.planned] * (len(new_steps) - 1)
    assert done.activity_id not in {s.activity_id for s in new_steps[1:]}
    assert [s.area for s in new_steps[1:]][0] == "8"
    assert routes.progress(new_steps) == round(100 / len(new_steps))


async def test_approval_and_completion_by_attendance(sessionmaker):
    async with sessionmaker() as session, session.begin():
        orgs = await make_orgs(session)
        orgs["school"].route_approval_required = True
        user = await make_teacher(session, orgs["school"])
        await make_catalogue(session)
        seminar = await make_event(session, "Семинар по оцениванию", orgs["muni"], NOW + timedelta(days=5), [3])
        attempt_id = await make_attempt(session, user, [result("3", 10, "partial")])
        route = await route_builder.build_route(session, user, attempt_id, NOW)
        assert route.status == RouteStatus.draft
        await roles.grant(session, None, Role.methodist, 77, orgs["other"].id)
        with pytest.raises(AccessDenied):
            await routes.approve(session, route.id, 77, NOW)  # another municipality's methodist
        await roles.grant(session, None, Role.methodist, 78, orgs["muni"].id)
        savepoint = await session.begin_nested()
        await routes.approve(session, route.id, 78, NOW)  # the teacher's municipal methodist may
        assert route.status == RouteStatus.approved
        await savepoint.rollback()
        await session.refresh(route)
        assert route.status == RouteStatus.draft
        with pytest.raises(AccessDenied):
            await routes.approve(session, route.id, user.telegram_id, NOW)
        assert route.status == RouteStatus.draft
        mentor = await make_teacher(session, orgs["school"], telegram_id=79)
        await roles.grant(session, None, Role.mentor, 79, orgs["school"].id)
        with pytest.raises(AccessDenied):
            await routes.approve(session, route.id, 79, NOW)  # a mentor, but not this teacher's
        session.add(
            MentorPair(
                mentor_id=mentor.id,
                mentee_id=user.id,
                type=PairType.subject,
                goal="Оценивание",
                starts_on=NOW.date(),
                planned_end=NOW.date() + timedelta(days=180),
                status=PairStatus.active,
            )
        )
        await routes.approve(session, route.id, 79, NOW)
        assert (route.status, route.approved_by) == (RouteStatus.approved, 79)
        await routes.approve(session, route.id, 79, NOW)  # a double tap
        assert await routes.complete_steps_for_event(session, user.id, seminar.id, NOW) == 1
        assert await routes.complete_steps_for_event(session, user.id, seminar.id, NOW) == 0
        assert route.status == RouteStatus.active
        rest = [s for s in await steps(session, route.id) if s.status == StepStatus.planned]
        for step in rest:
            await routes.mark_done(session, user, step.id, NOW, reflection="Готово")
        assert route.status == RouteStatus.completed
