"""The indicators data set: a hand-made region whose every count is known (see the table in
`seed_dataset`), with the numbers expected over PERIOD. Used by tests/unit/test_indicators.py and
the /stats handler tests."""

from datetime import date, datetime, timezone

from sqlalchemy import select

from bot.infra.seed import seed
from bot.services import content
from bot.services.monitoring.indicators import Period
from models import (
    Activity,
    AreaResult,
    AttemptStatus,
    CourseForm,
    CourseRecord,
    CourseStatus,
    DiagnosisAttempt,
    Event,
    EventFeedback,
    EventFormat,
    EventRegistration,
    EventStatus,
    MentorPair,
    Organization,
    PairStatus,
    PairType,
    Position,
    RegistrationStatus,
    Route,
    RouteStatus,
    RouteStep,
    StepStatus,
    User,
)

PERIOD = Period(date(2025, 9, 1), date(2026, 5, 31))
TODAY = date(2026, 11, 26)
JOINED = datetime(2025, 8, 1, tzinfo=timezone.utc)
TEACHER_AREAS = [str(n) for n in range(1, 9)]
LEADER_AREAS = ["L1", "L2", "L3", "L4"]


def at(y: int, m: int, d: int) -> datetime:
    return datetime(y, m, d, 12, tzinfo=timezone.utc)


class Builder:
    def __init__(self, session) -> None:
        self.s = session
        self.users: dict[str, User] = {}

    async def org(self, name: str) -> int:
        return await self.s.scalar(select(Organization.id).where(Organization.name == name))

    async def user(
        self,
        key: str,
        org: str,
        *,
        position=Position.teacher,
        birth=1980,
        exp=10,
        created=JOINED,
        erased=None,
        name=None,
    ) -> User:
        user = User(
            telegram_id=None if erased else 50_000 + len(self.users),
            full_name=name or f"Педагог {key}",
            position=position,
            subjects=[],
            experience_years=exp,
            birth_year=birth,
            organization_id=await self.org(org),
            timezone="Europe/Moscow",
            created_at=created,
            erased_at=erased,
        )
        self.s.add(user)
        await self.s.flush()
        self.users[key] = user
        return user

    async def attempt(self, key: str, when: datetime, zones: dict, variant="teacher") -> DiagnosisAttempt:
        version = await content.current_version(self.s, f"questionnaire_{variant}")
        attempt = DiagnosisAttempt(
            user_id=self.users[key].id,
            variant=variant,
            content_version_id=version.id,
            status=AttemptStatus.completed,
            started_at=when,
            completed_at=when,
        )
        self.s.add(attempt)
        await self.s.flush()
        areas, default = (TEACHER_AREAS, (12, "norm")) if variant == "teacher" else (LEADER_AREAS, (7, "norm"))
        for area in areas:
            score, zone = zones.get(area, default)
            self.s.add(
                AreaResult(attempt_id=attempt.id, area=area, score=score, max_score=15, zone=zone, point_deficits=[])
            )
        return attempt

    async def route(self, key: str, attempt, status, start: date, end: date, steps) -> Route:
        route = Route(
            user_id=self.users[key].id,
            attempt_id=attempt.id if attempt else None,
            status=status,
            period_start=start,
            period_end=end,
        )
        self.s.add(route)
        await self.s.flush()
        for n, (step_status, form, done_at, activity_id) in enumerate(steps):
            self.s.add(
                RouteStep(
                    route_id=route.id,
                    position=n,
                    area="1",
                    deficit_kind="severe",
                    title=f"Шаг {n}",
                    form=form,
                    deadline=end,
                    status=step_status,
                    done_at=done_at,
                    activity_id=activity_id,
                )
            )
        return route

    async def pair(self, mentor: str, mentee: str, kind: PairType, starts: date, ended_at=None) -> None:
        self.s.add(
            MentorPair(
                mentor_id=self.users[mentor].id,
                mentee_id=self.users[mentee].id,
                type=kind,
                goal="Цель",
                starts_on=starts,
                planned_end=date(2026, 12, 31),
                status=PairStatus.ended if ended_at else PairStatus.active,
                ended_at=ended_at,
            )
        )

    async def course(self, key: str, end: date, status=CourseStatus.verified, frdpp=False) -> None:
        """A 36-hour course of повышение квалификации that ended on `end`."""
        self.s.add(
            CourseRecord(
                user_id=self.users[key].id,
                title=f"Курс ПК {key}",
                provider="ЦНППМ",
                hours=36,
                start_date=date(end.year, end.month, 1),
                end_date=end,
                form=CourseForm.distance,
                frdpp=frdpp,
                frdpp_number="12345" if frdpp else None,
                status=status,
            )
        )
        await self.s.flush()

    async def event(self, org: str, title: str, starts: datetime, status=EventStatus.closed, regs=(), ratings=()):
        event = Event(
            title=title,
            format=EventFormat.seminar,
            areas=[1],
            scope_org_id=await self.org(org),
            timezone="Europe/Moscow",
            starts_at=starts,
            duration_min=90,
            registration_deadline=starts,
            status=status,
        )
        self.s.add(event)
        await self.s.flush()
        for key, reg_status, attended in regs:
            self.s.add(
                EventRegistration(event_id=event.id, user_id=self.users[key].id, status=reg_status, attended=attended)
            )
        for key, rating in ratings:
            self.s.add(EventFeedback(event_id=event.id, user_id=self.users[key].id, rating=rating))
        return event


async def seed_dataset(sessionmaker) -> dict[str, int]:
    """Ростовская область, period 01.09.2025–31.05.2026 (expected values in test_region_indicators).

    key  where            who                   in the period
    T1   Новочеркасск №1  teacher               diag (severe 1, partial 2); ИОМ 80 % done, formal step; competency mentee
    T2   Новочеркасск №1  young (2000, 1 y)     repeat diag: priority area 3 severe → partial; ИОМ 50 %; young mentee
    T3   Новочеркасск №1  teacher               diag (all resource); mentor of T1 and T2
    T4   Новочеркасск №1  head                  leader diag (L1 partial); ИОМ 50 % with a formal step
    T5   Новочеркасск №3  young (1999, 2 y)     nothing; a pair with N1 that ended before the period
    T6   Новочеркасск №3  teacher               repeat diag: priority area 2 severe 6 → severe 7 (not overcome)
    T7   Новочеркасск №3  deputy head           nothing
    T8   Новочеркасск №3  erased                (excluded)
    T9   Новочеркасск №3  registered 07.2026    (excluded: joined after the period)
    V1   Волгодонск №5    teacher               diag (norm); draft route (not an ИОМ) whose formal step is done
                                                (a finished course counts for ПК); subject mentee of N1
    V2   Волгодонск №5    young (2001, 0 y)     diag before the period (area 4 severe); ИОМ 100 %, «курс ДПО» step
    N1   Новошахтинск №24 teacher               diag (norm); mentor of V1

    Verified courses of ПК (indicators 5, 6, 11) ended in the period: T1 (ФР ДПП), T4, T7 (a deputy
    head without a diagnosis: not indicator 11), V1, V2 (ФР ДПП). Not counted: T2's course waits for
    verification, T6's was returned, N1's ended before the period.
    """
    async with sessionmaker() as session, session.begin():
        await seed(session, demo=True)
        b = Builder(session)
        course = await session.scalar(select(Activity.id).where(Activity.format == "курс ДПО").limit(1))
        sch1, sch3, v5, n24 = "МБОУ СОШ № 1", "МБОУ СОШ № 3", "МБОУ СШ № 5", "МБОУ СОШ № 24"
        for key, org, extra in [
            ("T1", sch1, {}),
            ("T2", sch1, {"birth": 2000, "exp": 1}),
            ("T3", sch1, {"birth": 1970, "exp": 30}),
            ("T4", sch1, {"position": Position.head}),
            ("T5", sch3, {"birth": 1999, "exp": 2}),
            ("T6", sch3, {}),
            ("T7", sch3, {"position": Position.deputy_head}),
            ("T8", sch3, {"erased": at(2026, 1, 1)}),
            ("T9", sch3, {"created": at(2026, 7, 1)}),
            ("V1", v5, {}),
            ("V2", v5, {"birth": 2001, "exp": 0}),
            ("N1", n24, {}),
        ]:
            await b.user(key, org, **extra)
        done, planned, removed = StepStatus.done, StepStatus.planned, StepStatus.removed

        a = await b.attempt("T1", at(2025, 10, 1), {"1": (5, "severe"), "2": (9, "partial")})
        await b.route(
            "T1",
            a,
            RouteStatus.approved,
            date(2025, 10, 1),
            date(2026, 3, 31),
            [
                (done, "formal", at(2026, 1, 15), None),
                (done, "informal", at(2026, 1, 20), None),
                (done, "non_formal", at(2026, 2, 1), None),
                (done, "informal", at(2026, 2, 2), None),
                (planned, "informal", None, None),
                (removed, "formal", None, None),
            ],
        )
        await b.attempt("T2", at(2025, 3, 1), {"3": (4, "severe"), "1": (9, "partial")})
        a = await b.attempt("T2", at(2025, 11, 1), {"3": (8, "partial"), **{k: (11, "norm") for k in "12456"}})
        await b.route(
            "T2",
            a,
            RouteStatus.active,
            date(2025, 11, 1),
            date(2026, 4, 30),
            [(done, "informal", at(2025, 12, 1), None), (planned, "formal", None, None)],
        )
        await b.attempt("T3", at(2025, 9, 15), {k: (14, "resource") for k in TEACHER_AREAS})
        a = await b.attempt("T4", at(2025, 12, 1), {"L1": (5, "partial")}, variant="leader")
        await b.route(
            "T4",
            a,
            RouteStatus.active,
            date(2025, 12, 1),
            date(2026, 5, 31),
            [(done, "formal", at(2026, 2, 1), None), (planned, "informal", None, None)],
        )
        await b.attempt("T6", at(2025, 5, 1), {"2": (6, "severe"), "5": (7, "severe")})
        await b.attempt("T6", at(2026, 2, 1), {"2": (7, "severe"), "5": (10, "partial")})
        await b.attempt("T8", at(2025, 10, 1), {"1": (3, "severe")})
        await b.attempt("T9", at(2026, 8, 1), {"1": (3, "severe")})
        a = await b.attempt("V1", at(2026, 3, 1), {})
        await b.route(
            "V1", a, RouteStatus.draft, date(2026, 3, 1), date(2026, 5, 1), [(done, "formal", at(2026, 4, 1), None)]
        )
        a = await b.attempt("V2", at(2025, 6, 1), {"4": (5, "severe")})
        await b.route(
            "V2",
            a,
            RouteStatus.approved,
            date(2025, 6, 1),
            date(2025, 12, 1),
            [
                (done, "non_formal", at(2025, 10, 1), course),
                (done, "informal", at(2025, 8, 1), None),
                (done, "informal", at(2025, 9, 5), None),
            ],
        )
        await b.attempt("N1", at(2025, 9, 20), {})
        await b.course("T1", date(2026, 1, 15), frdpp=True)
        await b.course("T4", date(2026, 2, 1))
        await b.course("T7", date(2026, 3, 1))
        await b.course("V1", date(2026, 4, 1))
        await b.course("V2", date(2025, 10, 1), frdpp=True)
        await b.course("T2", date(2026, 2, 1), CourseStatus.pending, frdpp=True)
        await b.course("T6", date(2026, 2, 1), CourseStatus.returned)
        await b.course("N1", date(2025, 5, 1), frdpp=True)

        await b.pair("T3", "T1", PairType.competency, date(2025, 10, 5))
        await b.pair("T3", "T2", PairType.young_specialist, date(2025, 11, 5))
        await b.pair("N1", "V1", PairType.subject, date(2025, 9, 10))
        await b.pair("N1", "T5", PairType.young_specialist, date(2024, 9, 1), ended_at=at(2025, 6, 1))

        reg, cancelled = RegistrationStatus.registered, RegistrationStatus.cancelled
        await b.event(
            "г. Новочеркасск",
            "Семинар по оцениванию",
            at(2025, 10, 10),
            regs=[("T1", reg, True), ("T2", reg, True), ("T5", reg, False), ("T6", cancelled, None)],
            ratings=[("T1", 5), ("T2", 4)],
        )
        await b.event(
            "г. Новочеркасск", "Мастер-класс <ФГ>", at(2026, 4, 1), EventStatus.published, regs=[("T1", reg, None)]
        )
        await b.event("г. Волгодонск", "Вебинар", at(2025, 11, 1), regs=[("V1", reg, True)], ratings=[("V1", 3)])
        await b.event("г. Новочеркасск", "Отменённое", at(2025, 12, 1), EventStatus.cancelled, regs=[("T7", reg, None)])
        await b.event(
            "Ростовская область",
            "Региональная конференция",
            at(2026, 3, 1),
            EventStatus.published,
            regs=[("V2", reg, None)],
        )
        await b.event("г. Новочеркасск", "Прошлогодний семинар", at(2025, 5, 1), regs=[("T1", reg, True)])
        return {key: user.id for key, user in b.users.items()}


REGION = {
    "1": (7, 10),
    "2": (4, 10),
    "2а": (4, 5),
    "3": (2, 4),
    "4": (1, 2),
    "5": (5, 10),
    "6": (2, 5),
    "7": (2, 3),
    "8": (1, 3),
    "9": (1, 3),
    "10": (2, 10),
    "11": (1, 2),
    "12": None,
}
NOVOCHERKASSK = {
    "1": (5, 7),
    "2": (3, 7),
    "2а": (3, 4),
    "3": (1, 3),
    "4": (1, 2),
    "5": (3, 7),
    "6": (1, 3),
    "7": (1, 2),
    "8": (1, 2),
    "9": (1, 2),
    "10": (1, 7),
    "11": (1, 2),
    "12": None,
}
