"""Monitoring indicators of domain.md §5 for a scope (an organization subtree) and a period.

Everything is counted by the database: a recursive CTE names the scope's organizations and the
child of the scope each one belongs to (the breakdown group); per-teacher flags come from
correlated EXISTS / LIMIT 1 subqueries that walk the (user_id, status) indexes, and one GROUP BY
sums them. No query loads the teachers into Python, so the cost grows linearly with their number.

Population: users of the scope who have not erased their data and registered before the period
ended (a past period is not measured against people who joined later). A pair counts when it was
active at some moment of the period; an ИОМ when its planned period overlaps the period."""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import content, roles
from bot.services.errors import DomainError, InvalidInput, NotFound
from bot.services.roles import Identity
from models import (
    Activity, AreaResult, AttemptStatus, DiagnosisAttempt, Event, EventFeedback, EventRegistration, EventStatus,
    MentorPair, Organization, PairStatus, PairType, Position, RegistrationStatus, Route, RouteStatus, RouteStep,
    StepStatus, User,
)

IOM_STATUSES = (RouteStatus.approved, RouteStatus.active, RouteStatus.completed)
DEFICIT_ZONES = ("severe", "partial")
ZONE_RANK = {"severe": 0, "partial": 1, "norm": 2, "resource": 3}
AREAS = content.AREA_CODES["questionnaire_teacher"] + content.AREA_CODES["questionnaire_leader"]
LEADER_POSITIONS = (Position.head, Position.deputy_head)
PK_FORMAT = "курс ДПО"
YOUNG_AGE, YOUNG_EXPERIENCE = 35, 3
MAX_PERIOD_DAYS = 5 * 366
PERIOD_TEXT = re.compile(r"^\s*(\d{1,2})\.(\d{1,2})\.(\d{4})\s*(?:[-–—]|по)\s*(\d{1,2})\.(\d{1,2})\.(\d{4})\s*$")
BAD_PERIOD = "Не понял период. Введите его так: <code>01.09.2026–31.05.2027</code>."


@dataclass(frozen=True)
class Definition:
    code: str
    title: str
    numerator: str
    denominator: str
    columns: tuple[str, str] = ("", "")  # numerator and denominator columns of the per-group counts
    reason: str = ""  # set when the bot has no data for the indicator


DEFINITIONS = (
    Definition("1", "Охват диагностикой", "прошли диагностику за период", "все педагоги", ("diag", "teachers")),
    Definition("2", "Педагоги с ИОМ", "есть утверждённый ИОМ по итогам диагностики", "все педагоги",
               ("iom", "teachers")),
    Definition("2а", "Переход от диагностики к ИОМ", "с ИОМ среди педагогов с дефицитом",
               "педагоги с выраженным или частичным дефицитом", ("deficit_iom", "deficit")),
    Definition("3", "Выполнение ИОМ", "ИОМ выполнены на 80% и больше", "ИОМ, срок которых истёк в периоде"),
    Definition("4", "Преодоление дефицитов", "приоритетная область поднялась на зону или на 3 балла",
               "прошли повторную диагностику в периоде", ("overcome", "repeat")),
    Definition("5", "Повышение квалификации", "завершили курс ДПО или формальное обучение по ИОМ", "все педагоги",
               ("pk", "teachers")),
    Definition("6", "Обучение по программам ФР ДПП", "", "", reason="в каталоге и маршрутах нет признака "
               "программы из Федерального реестра ДПП"),
    Definition("7", "Поддержка молодых педагогов", "молодые в наставничестве или с ИОМ",
               "педагоги до 35 лет со стажем до 3 лет", ("young_support", "young")),
    Definition("8", "Молодые специалисты с наставником", "молодые с действующим наставником",
               "педагоги до 35 лет со стажем до 3 лет", ("young_mentor", "young")),
    Definition("9", "Пары «компетенция → дефицит»", "с выраженным дефицитом и парой по компетенции",
               "педагоги с выраженным дефицитом", ("severe_pair", "severe")),
    Definition("10", "Доля наставников", "действующие наставники", "все педагоги", ("mentor", "teachers")),
    Definition("11", "Руководители в программах развития", "прошли диагностику и формальное обучение",
               "руководители и заместители", ("leader_ok", "leader")),
    Definition("12", "Вовлечённость в НСУР", "", "", reason="бот не получает сведений о национальной системе "
               "профессионального роста"),
)


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @property
    def label(self) -> str:
        return f"{self.start:%d.%m.%Y}–{self.end:%d.%m.%Y}"

    @property
    def key(self) -> tuple[int, int]:
        """Two integers for callback data, e.g. (20260901, 20270531)."""
        return int(f"{self.start:%Y%m%d}"), int(f"{self.end:%Y%m%d}")

    @classmethod
    def checked(cls, start: date, end: date) -> "Period":
        if end < start:
            raise InvalidInput("Начало периода позже его конца. Пример: 01.09.2026–31.05.2027.")
        if (end - start).days > MAX_PERIOD_DAYS or not 2000 <= start.year <= 2100 or end.year > 2100:
            raise InvalidInput("Период должен быть не длиннее пяти лет, годы — от 2000 до 2100.")
        return cls(start, end)


def academic_year(today: date, years_back: int = 0) -> Period:
    """1 September – 31 May; in summer the current year is the one just finished."""
    first = (today.year if today.month >= 9 else today.year - 1) - years_back
    return Period(date(first, 9, 1), date(first + 1, 5, 31))


def last_days(today: date, days: int = 30) -> Period:
    return Period(today - timedelta(days=days - 1), today)


def parse_period(text: str | None) -> Period:
    match = PERIOD_TEXT.match(text or "")
    if match is None:
        raise InvalidInput(BAD_PERIOD)
    d1, m1, y1, d2, m2, y2 = map(int, match.groups())
    try:
        return Period.checked(date(y1, m1, d1), date(y2, m2, d2))
    except ValueError:
        raise InvalidInput("Такой даты нет в календаре. Пример: 01.09.2026–31.05.2027.") from None


def period_from_key(start: int, end: int) -> Period:
    """Callback data is user input: rebuild and re-check the dates."""
    try:
        return Period.checked(datetime.strptime(str(start), "%Y%m%d").date(),
                              datetime.strptime(str(end), "%Y%m%d").date())
    except ValueError:
        raise InvalidInput(BAD_PERIOD) from None


@dataclass(frozen=True)
class Overcome:
    """domain.md §2: the priority area rose by a zone or by 3 points; equal zones and scores are
    broken by the priority list. Read from the current teacher questionnaire's scoring."""
    zones_up: int = 1
    points_up: int = 3
    priority: tuple[str, ...] = ("3", "2", "1")


async def overcome_rule(session: AsyncSession) -> Overcome:
    try:
        scoring = (await content.current_questionnaire(session, "teacher")).scoring
    except DomainError:
        return Overcome()
    return Overcome(scoring.overcome_zones, scoring.overcome_points, scoring.priority)


@dataclass(frozen=True)
class Ratio:
    num: int
    den: int

    @property
    def percent(self) -> float | None:
        return 100 * self.num / self.den if self.den else None


@dataclass(frozen=True)
class Indicator:
    spec: Definition
    total: Ratio | None  # None: the bot has no data for it (spec.reason says why)
    by_group: dict[int, Ratio]


@dataclass(frozen=True)
class Group:
    org_id: int
    name: str


@dataclass(frozen=True)
class AreaDeficit:
    area: str
    title: str
    severe: int
    partial: int

    @property
    def total(self) -> int:
        return self.severe + self.partial


@dataclass(frozen=True)
class EventTotals:
    events: int
    registrations: int
    closed_registered: int
    closed_attended: int
    ratings: int
    avg_rating: float | None


@dataclass(frozen=True)
class Stats:
    scope: Organization
    period: Period
    teachers: int
    groups: list[Group]  # children of the scope (and the scope itself when people sit right in it)
    indicators: list[Indicator]
    deficits: list[AreaDeficit]  # most frequent first
    events: EventTotals

    def indicator(self, code: str) -> Indicator:
        return next(i for i in self.indicators if i.spec.code == code)


@dataclass(frozen=True)
class Window:
    """The period as dates (inclusive) and as UTC instants [start_at, end_at)."""
    start: date
    end: date
    start_at: datetime
    end_at: datetime

    @classmethod
    def of(cls, period: Period, zone: str) -> "Window":
        tz = ZoneInfo(zone)
        start_at = datetime.combine(period.start, time(), tz).astimezone(timezone.utc)
        end_at = datetime.combine(period.end + timedelta(days=1), time(), tz).astimezone(timezone.utc)
        return cls(period.start, period.end, start_at, end_at)


# --- building blocks shared with reports ----------------------------------------------------


def scope_cte(root_id: int):
    """(org_id, group_id) for every organization of the subtree; group = the root's child above it."""
    o = Organization.__table__
    tree = select(o.c.id.label("org_id"), o.c.id.label("group_id")).where(o.c.id == root_id).cte(
        "scope_orgs", recursive=True)
    child = o.alias("child")
    return tree.union_all(select(child.c.id, case((tree.c.org_id == root_id, child.c.id), else_=tree.c.group_id))
                          .where(child.c.parent_id == tree.c.org_id))


def people(scope, window: Window, *columns):
    """The population: users of the scope, not erased, registered before the period ended."""
    return (select(User.id.label("user_id"), scope.c.group_id, *columns)
            .join(scope, User.organization_id == scope.c.org_id)
            .where(User.erased_at.is_(None), User.created_at < window.end_at))


def latest_attempt(user_id, before: datetime):
    return (select(DiagnosisAttempt.id).where(
        DiagnosisAttempt.user_id == user_id, DiagnosisAttempt.status == AttemptStatus.completed,
        DiagnosisAttempt.completed_at < before,
    ).order_by(DiagnosisAttempt.completed_at.desc(), DiagnosisAttempt.id.desc()).limit(1).scalar_subquery())


def pair_in_period(window: Window):
    return and_(MentorPair.starts_on <= window.end,
                or_(MentorPair.status == PairStatus.active, MentorPair.ended_at >= window.start_at))


def _flag(condition):
    return case((condition, 1), else_=0)


def _zone_rank(column):
    return case(ZONE_RANK, value=column, else_=len(ZONE_RANK))


# --- the per-teacher flags ------------------------------------------------------------------


def _routes_code(uid, window: Window):
    """One walk over the teacher's routes: 1 = an ИОМ overlapping the period, 2 = a formal step
    (a «курс ДПО» or a formal-form step) done in the period, 3 = both."""
    step, activity = RouteStep.__table__.alias("done_step"), Activity.__table__.alias("step_activity")
    iom = and_(Route.status.in_(IOM_STATUSES), Route.attempt_id.is_not(None), Route.period_start <= window.end,
               Route.period_end >= window.start)
    formal = and_(step.c.id.is_not(None), or_(step.c.form == "formal", activity.c.format == PK_FORMAT))
    return (select(func.max(_flag(iom)) + 2 * func.max(_flag(formal))).select_from(Route)
            .outerjoin(step, and_(step.c.route_id == Route.id, step.c.status == StepStatus.done.value,
                                  step.c.done_at >= window.start_at, step.c.done_at < window.end_at))
            .outerjoin(activity, activity.c.id == step.c.activity_id)
            .where(Route.user_id == uid).scalar_subquery())


def _zones_code(attempt_id):
    """The attempt's deficits in one walk over its areas, as a base-3 number: digit k (area AREAS[k])
    is 2 for a severe deficit, 1 for a partial one, 0 otherwise. Flags and per-area counts then
    come from arithmetic instead of a second join on the largest table."""
    digit = case({"severe": 2, "partial": 1}, value=AreaResult.zone, else_=0)
    weight = case({area: 3 ** k for k, area in enumerate(AREAS)}, value=AreaResult.area, else_=0)
    return (select(func.sum(digit * weight))
            .where(AreaResult.attempt_id == attempt_id, AreaResult.zone.in_(DEFICIT_ZONES)).scalar_subquery())


def _digit(code, k: int):
    return code // 3 ** k % 3


def _flags_query(root_id: int, window: Window, ref_year: int, rule: Overcome):
    """Two materialized levels, each row one teacher: SQLite would otherwise re-run a shared
    subquery wherever its column is used. Every lookup walks an index by user or attempt."""
    scope = scope_cte(root_id)
    uid = User.id
    # One lookup for both: 1 = a mentee in the period, 2 = (also) in a competency pair.
    mentee = (select(func.max(case((MentorPair.type == PairType.competency, 2), else_=1)))
              .where(MentorPair.mentee_id == uid, pair_in_period(window)).scalar_subquery())
    young = and_(User.birth_year > ref_year - YOUNG_AGE, User.experience_years <= YOUNG_EXPERIENCE)
    level1 = people(
        scope, window,
        func.coalesce(_routes_code(uid, window), 0).label("routes"),
        func.coalesce(mentee, 0).label("mentee"),
        _flag(exists().where(MentorPair.mentor_id == uid, pair_in_period(window))).label("mentor"),
        _flag(young).label("young"),
        _flag(User.position.in_(LEADER_POSITIONS)).label("leader"),
        latest_attempt(uid, window.end_at).label("latest"),
    ).cte("l1").prefix_with("MATERIALIZED")

    # The latest attempt before the period ended lies in the period exactly when the teacher was
    # diagnosed in it; it is then the "new" attempt of a repeat diagnosis.
    recent = DiagnosisAttempt.__table__.alias("recent")
    prev = DiagnosisAttempt.__table__.alias("prev_attempt")
    previous = (select(prev.c.id).where(
        prev.c.user_id == level1.c.user_id, prev.c.status == AttemptStatus.completed.value,
        prev.c.variant == recent.c.variant,
        or_(prev.c.completed_at < recent.c.completed_at, and_(prev.c.completed_at == recent.c.completed_at,
                                                              prev.c.id < recent.c.id)),
    ).order_by(prev.c.completed_at.desc(), prev.c.id.desc()).limit(1).scalar_subquery())
    level2 = (select(
        level1, recent.c.id.label("recent"),
        case((level1.c.latest.is_not(None), func.coalesce(_zones_code(level1.c.latest), 0)), else_=0).label("zones"),
        case((recent.c.id.is_not(None), previous), else_=None).label("repeat_old"),
    ).select_from(level1.outerjoin(recent, and_(recent.c.id == level1.c.latest,
                                                recent.c.completed_at >= window.start_at)))
        .cte("l2").prefix_with("MATERIALIZED"))
    return level2, _overcome(level2.c.repeat_old, level2.c.recent, rule)


def _overcome(old_id, new_id, rule: Overcome):
    """The priority (lowest zone, then lowest score) area of the old attempt rose in the new one."""
    old, new, pick = (AreaResult.__table__.alias(n) for n in ("ar_old", "ar_new", "ar_pick"))
    order = {area: n for n, area in enumerate(rule.priority)}
    priority = case(order, value=pick.c.area, else_=len(order)) if order else pick.c.area
    priority_area = (select(pick.c.area).where(pick.c.attempt_id == old_id)
                     .order_by(_zone_rank(pick.c.zone), pick.c.score, priority, pick.c.area).limit(1)
                     .correlate_except(pick).scalar_subquery())  # nested two deep: correlate explicitly
    return (select(old.c.id).join(new, and_(new.c.attempt_id == new_id, new.c.area == old.c.area)).where(
        old.c.attempt_id == old_id, old.c.area == priority_area,
        or_(_zone_rank(new.c.zone) - _zone_rank(old.c.zone) >= rule.zones_up,
            new.c.score - old.c.score >= rule.points_up),
    ).exists())


async def _user_level(session: AsyncSession, root_id: int, window: Window, ref_year: int
                      ) -> tuple[dict[int, dict], list[tuple[str, int, int]]]:
    """Per-group counts and the per-area deficit counts, in one pass over the teachers."""
    flags, overcome = _flags_query(root_id, window, ref_year, await overcome_rule(session))
    c = flags.c
    diag, repeat, iom, pk = c.recent.is_not(None), c.repeat_old.is_not(None), c.routes.in_((1, 3)), c.routes >= 2
    young, deficit = c.young == 1, c.zones > 0
    severe = or_(*(_digit(c.zones, k) == 2 for k in range(len(AREAS))))
    count = lambda *conditions: func.sum(_flag(and_(*conditions)))  # noqa: E731
    counts = {
        "teachers": func.count(), "diag": count(diag), "iom": count(iom), "deficit": count(deficit),
        "deficit_iom": count(deficit, iom), "repeat": count(repeat), "overcome": count(repeat, overcome),
        "pk": count(pk), "young": count(young), "young_support": count(young, or_(c.mentee > 0, iom)),
        "young_mentor": count(young, c.mentee > 0), "severe": count(severe), "severe_pair": count(severe, c.mentee == 2),
        "mentor": count(c.mentor == 1), "leader": count(c.leader == 1), "leader_ok": count(c.leader == 1, diag, pk),
    }
    per_area = [count(_digit(c.zones, k) == zone) for k in range(len(AREAS)) for zone in (2, 1)]
    query = select(c.group_id, *(value.label(name) for name, value in counts.items()), *per_area).group_by(c.group_id)
    groups, areas = {}, [[0, 0] for _ in AREAS]
    for row in await session.execute(query):
        groups[row.group_id] = {name: int(row._mapping[name] or 0) for name in counts}
        tail = row[1 + len(counts):]
        for k in range(len(AREAS)):
            areas[k][0] += int(tail[2 * k] or 0)
            areas[k][1] += int(tail[2 * k + 1] or 0)
    return groups, [(area, severe_n, partial_n) for area, (severe_n, partial_n) in zip(AREAS, areas)
                    if severe_n or partial_n]


async def _route_level(session: AsyncSession, root_id: int, window: Window) -> dict[int, tuple[int, int]]:
    """Indicator 3: routes due in the period, and those with ≥ 80 % of live steps done."""
    pop = people(scope_cte(root_id), window).subquery("pop")
    total = select(func.count()).where(RouteStep.route_id == Route.id, RouteStep.status != StepStatus.removed)
    done = select(func.count()).where(RouteStep.route_id == Route.id, RouteStep.status == StepStatus.done)
    routes = (select(pop.c.group_id, total.scalar_subquery().label("total"), done.scalar_subquery().label("done"))
              .select_from(Route).join(pop, pop.c.user_id == Route.user_id)
              .where(Route.status.in_(IOM_STATUSES), Route.period_end >= window.start,
                     Route.period_end <= window.end).subquery("due"))
    query = (select(routes.c.group_id, func.count(),
                    func.sum(_flag(and_(routes.c.total > 0, routes.c.done * 5 >= routes.c.total * 4))))
             .group_by(routes.c.group_id))
    return {group: (int(num or 0), int(den)) for group, den, num in await session.execute(query)}


async def _deficits(session: AsyncSession, areas: list[tuple[str, int, int]]) -> list[AreaDeficit]:
    titles = await area_titles(session)
    rows = [AreaDeficit(area, titles.get(area, area), severe, partial) for area, severe, partial in areas]
    return sorted(rows, key=lambda d: (-d.total, -d.severe, d.area))


async def area_titles(session: AsyncSession) -> dict[str, str]:
    """Area code -> title from the current questionnaires (the content names the areas)."""
    titles: dict[str, str] = {}
    for variant in ("teacher", "leader"):
        try:
            titles |= {a.code: a.title for a in (await content.current_questionnaire(session, variant)).areas}
        except DomainError:
            continue
    return titles


def events_in_scope(root_id: int, window: Window):
    scope = scope_cte(root_id)
    return (select(Event.id, Event.status).join(scope, Event.scope_org_id == scope.c.org_id)
            .where(Event.starts_at >= window.start_at, Event.starts_at < window.end_at,
                   Event.status != EventStatus.cancelled))


async def _events(session: AsyncSession, root_id: int, window: Window) -> EventTotals:
    ev = events_in_scope(root_id, window).subquery("ev")
    closed = ev.c.status == EventStatus.closed.value
    count = await session.scalar(select(func.count()).select_from(ev))
    regs, closed_regs, attended = (await session.execute(
        select(func.count(), func.sum(_flag(closed)), func.sum(_flag(and_(closed, EventRegistration.attended.is_(True)))))
        .select_from(EventRegistration).join(ev, ev.c.id == EventRegistration.event_id)
        .where(EventRegistration.status == RegistrationStatus.registered))).one()
    ratings, average = (await session.execute(
        select(func.count(), func.avg(EventFeedback.rating)).select_from(EventFeedback)
        .join(ev, ev.c.id == EventFeedback.event_id))).one()
    return EventTotals(int(count or 0), int(regs or 0), int(closed_regs or 0), int(attended or 0), int(ratings or 0),
                       float(average) if average is not None else None)


async def _groups(session: AsyncSession, scope: Organization, seen: set[int]) -> list[Group]:
    children = await session.execute(select(Organization.id, Organization.name)
                                     .where(Organization.parent_id == scope.id).order_by(Organization.name))
    groups = [Group(org_id, name) for org_id, name in children]
    return ([Group(scope.id, scope.name)] if scope.id in seen else []) + groups


def _ratio(rows: dict[int, dict], num: str, den: str) -> dict[int, Ratio]:
    return {group: Ratio(row[num], row[den]) for group, row in rows.items()}


async def compute(session: AsyncSession, scope: Organization, period: Period, zone: str, today: date) -> Stats:
    window = Window.of(period, zone)
    ref_year = min(period.end, today).year
    users, areas = await _user_level(session, scope.id, window, ref_year)
    routes = await _route_level(session, scope.id, window)
    indicators = []
    for spec in DEFINITIONS:
        if spec.reason:
            indicators.append(Indicator(spec, None, {}))
            continue
        if spec.code == "3":
            by_group = {group: Ratio(num, den) for group, (num, den) in routes.items()}
        else:
            by_group = _ratio(users, *spec.columns)
        total = Ratio(sum(r.num for r in by_group.values()), sum(r.den for r in by_group.values()))
        indicators.append(Indicator(spec, total, by_group))
    return Stats(scope, period, sum(row["teachers"] for row in users.values()),
                 await _groups(session, scope, set(users) | set(routes)), indicators,
                 await _deficits(session, areas), await _events(session, scope.id, window))


async def require_scope(session: AsyncSession, identity: Identity, org_id: int) -> Organization:
    """Statistics are for methodists inside their scope and for admins anywhere; ids are re-checked."""
    roles.require_methodist(identity)
    await roles.require_methodist_for(session, identity, org_id)
    org = await session.get(Organization, org_id)
    if org is None:
        raise NotFound("Организация не найдена.")
    return org
