"""Rows of the /report workbook: teachers, events and mentoring pairs of a scope and period.

Same scope and population rules as the indicators; each sheet is one SQL query whose per-row
facts (latest attempt, zones, route progress, mentor) come from index-backed subqueries."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.services.monitoring import indicators
from bot.services.monitoring.indicators import (
    IOM_STATUSES,
    Window,
    events_in_scope,
    latest_attempt,
    pair_in_period,
    people,
    scope_cte,
)
from bot.services.shared.timefmt import local
from models import (
    AreaResult,
    CheckIn,
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
    RouteStep,
    StepStatus,
    User,
)

AREAS = indicators.AREAS
ZONES = ("severe", "partial", "norm", "resource")
ERASED = "(данные удалены)"


@dataclass(frozen=True)
class TeacherRow:
    full_name: str
    organization: str
    position: Position
    diagnosed_on: date | None  # the latest completed diagnosis before the period ended
    zones: dict[str, str]  # area code -> zone code
    route_progress: int | None  # % of live steps done in the current ИОМ
    mentor: str


@dataclass(frozen=True)
class EventRow:
    title: str
    starts_at: datetime  # naive, in the reader's zone
    format: EventFormat
    organization: str
    status: EventStatus
    registered: int
    attended: int
    avg_rating: float | None


@dataclass(frozen=True)
class PairRow:
    mentor: str
    mentee: str
    organization: str
    type: PairType
    starts_on: date
    planned_end: date
    status: PairStatus
    check_ins: int


async def teachers(session: AsyncSession, root_id: int, window: Window, zone: str) -> list[TeacherRow]:
    route_id = (
        select(Route.id)
        .where(Route.user_id == User.id, Route.status.in_(IOM_STATUSES))
        .order_by(Route.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    mentor = aliased(User)
    mentor_name = (
        select(mentor.full_name)
        .select_from(MentorPair)
        .join(mentor, mentor.id == MentorPair.mentor_id)
        .where(MentorPair.mentee_id == User.id, MentorPair.status == PairStatus.active)
        .order_by(MentorPair.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    base = (
        people(
            scope_cte(root_id),
            window,
            User.full_name,
            User.position,
            Organization.name.label("org"),
            latest_attempt(User.id, window.end_at).label("latest"),
            route_id.label("route_id"),
            mentor_name.label("mentor"),
        )
        .join(Organization, Organization.id == User.organization_id)
        .subquery("t")
    )
    live = select(func.count()).where(RouteStep.route_id == base.c.route_id, RouteStep.status != StepStatus.removed)
    done = select(func.count()).where(RouteStep.route_id == base.c.route_id, RouteStep.status == StepStatus.done)
    query = (
        select(
            base,
            DiagnosisAttempt.completed_at,
            live.scalar_subquery().label("live"),
            done.scalar_subquery().label("done"),
            _zones_code(base.c.latest).label("zones"),
        )
        .outerjoin(DiagnosisAttempt, DiagnosisAttempt.id == base.c.latest)
        .order_by(base.c.org, base.c.full_name, base.c.user_id)
    )
    rows = []
    for row in await session.execute(query):
        m = row._mapping
        progress = round(100 * m["done"] / m["live"]) if m["route_id"] and m["live"] else None
        rows.append(
            TeacherRow(
                row.full_name or ERASED,
                row.org,
                row.position,
                local(row.completed_at, zone).date() if row.completed_at else None,
                _zones(row.zones),
                progress if m["route_id"] else None,
                row.mentor or "",
            )
        )
    return rows


def _zones_code(attempt_id):
    """All zones of the attempt in one walk over its areas: base-5 digit k is the zone of AREAS[k]
    (1 severe … 4 resource, 0 none), instead of one lookup per area and teacher."""
    digit = case({zone: n for n, zone in enumerate(ZONES, start=1)}, value=AreaResult.zone, else_=0)
    weight = case({area: 5**k for k, area in enumerate(AREAS)}, value=AreaResult.area, else_=0)
    return select(func.sum(digit * weight)).where(AreaResult.attempt_id == attempt_id).scalar_subquery()


def _zones(code: int | None) -> dict[str, str]:
    zones, code = {}, int(code or 0)
    for area in AREAS:
        code, digit = divmod(code, 5)
        if digit:
            zones[area] = ZONES[digit - 1]
    return zones


async def events(session: AsyncSession, root_id: int, window: Window, zone: str) -> list[EventRow]:
    ev = events_in_scope(root_id, window).subquery("ev")
    registered = select(func.count()).where(
        EventRegistration.event_id == Event.id, EventRegistration.status == RegistrationStatus.registered
    )
    attended = registered.where(EventRegistration.attended.is_(True))
    rating = select(func.avg(EventFeedback.rating)).where(EventFeedback.event_id == Event.id)
    query = (
        select(
            Event, Organization.name, registered.scalar_subquery(), attended.scalar_subquery(), rating.scalar_subquery()
        )
        .join(ev, ev.c.id == Event.id)
        .join(Organization, Organization.id == Event.scope_org_id)
        .order_by(Event.starts_at, Event.id)
    )
    return [
        EventRow(
            e.title,
            local(e.starts_at, zone).replace(tzinfo=None),
            e.format,
            org,
            e.status,
            int(regs),
            int(came),
            float(avg) if avg is not None else None,
        )
        for e, org, regs, came, avg in await session.execute(query)
    ]


async def pairs(session: AsyncSession, root_id: int, window: Window) -> list[PairRow]:
    """Pairs whose mentee is in the scope and that were active during the period."""
    pop = people(scope_cte(root_id), window).subquery("pop")
    mentor, mentee = aliased(User), aliased(User)
    check_ins = select(func.count()).where(CheckIn.pair_id == MentorPair.id).scalar_subquery()
    query = (
        select(MentorPair, mentor.full_name, mentee.full_name, Organization.name, check_ins)
        .join(pop, pop.c.user_id == MentorPair.mentee_id)
        .join(mentor, mentor.id == MentorPair.mentor_id)
        .join(mentee, mentee.id == MentorPair.mentee_id)
        .outerjoin(Organization, Organization.id == mentee.organization_id)
        .where(pair_in_period(window))
        .order_by(Organization.name, mentee.full_name, MentorPair.id)
    )
    return [
        PairRow(
            mentor_name or ERASED,
            mentee_name or ERASED,
            org or "",
            p.type,
            p.starts_on,
            p.planned_end,
            p.status,
            int(n),
        )
        for p, mentor_name, mentee_name, org, n in await session.execute(query)
    ]
