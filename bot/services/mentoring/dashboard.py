"""What the mentor sees of each mentee (progress, activity, the last check-in, the competency
profile) and what the mentee sees of their mentors."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import diagnosis
from bot.services import route as routes
from bot.services.mentoring.access import mentor_pair
from bot.services.mentoring.common import latest_results, pair_rows
from bot.services.mentoring.rules import MENTEE_PAGE
from bot.services.shared import orgs
from bot.services.shared.paging import Page, paged
from models import (
    AreaResult,
    CheckIn,
    DiagnosisAnswer,
    DiagnosisAttempt,
    Event,
    EventRegistration,
    MentorPair,
    PairStatus,
    Route,
    RouteStep,
    StepStatus,
    User,
)


@dataclass(frozen=True)
class MenteeSummary:
    pair: MentorPair
    mentee: User
    diagnosed_at: datetime | None
    route: Route | None
    steps: list[RouteStep]
    progress: int
    overdue: int
    attended_30d: int
    last_activity: datetime | None
    last_checkin: date | None


async def _summary(session: AsyncSession, pair: MentorPair, now: datetime) -> MenteeSummary:
    mentee = await session.get(User, pair.mentee_id)
    attempt = await diagnosis.latest_completed(session, mentee.id)
    route = await routes.current(session, mentee)
    steps = await routes.steps_of(session, route.id) if route else []
    today = routes.today(mentee, now)
    attended = (
        await session.scalar(
            select(func.count())
            .select_from(EventRegistration)
            .join(Event, Event.id == EventRegistration.event_id)
            .where(
                EventRegistration.user_id == mentee.id,
                EventRegistration.attended.is_(True),
                Event.starts_at.between(now - timedelta(days=30), now),
            )
        )
        or 0
    )
    moments = [
        await session.scalar(
            select(func.max(DiagnosisAnswer.answered_at))
            .join(DiagnosisAttempt, DiagnosisAttempt.id == DiagnosisAnswer.attempt_id)
            .where(DiagnosisAttempt.user_id == mentee.id)
        ),
        await session.scalar(
            select(func.max(RouteStep.done_at))
            .join(Route, Route.id == RouteStep.route_id)
            .where(Route.user_id == mentee.id)
        ),
        await session.scalar(
            select(func.max(EventRegistration.created_at)).where(EventRegistration.user_id == mentee.id)
        ),
    ]
    last_checkin = await session.scalar(select(func.max(CheckIn.held_on)).where(CheckIn.pair_id == pair.id))
    return MenteeSummary(
        pair,
        mentee,
        attempt.completed_at if attempt else None,
        route,
        steps,
        routes.progress(steps),
        sum(s.status == StepStatus.planned and s.deadline < today for s in steps),
        attended,
        max((m for m in moments if m is not None), default=None),
        last_checkin,
    )


async def my_mentees(session: AsyncSession, mentor: User, now: datetime, page: int = 0) -> Page:
    query = (
        select(MentorPair)
        .where(MentorPair.mentor_id == mentor.id, MentorPair.status == PairStatus.active)
        .order_by(MentorPair.id)
    )
    found = await paged(session, query, page, size=MENTEE_PAGE)
    return Page([await _summary(session, p, now) for p in found.items], found.page, found.pages)


@dataclass(frozen=True)
class MenteeCard:
    summary: MenteeSummary
    organization: str
    results: list[AreaResult]


async def mentee_card(session: AsyncSession, mentor: User, pair_id: int, now: datetime) -> MenteeCard:
    pair = await mentor_pair(session, mentor, pair_id)
    summary = await _summary(session, pair, now)
    _, results = await latest_results(session, pair.mentee_id)
    return MenteeCard(summary, await orgs.display_name(session, summary.mentee.organization_id), results)


async def mentee_result(session: AsyncSession, mentor: User, pair_id: int) -> diagnosis.Result | None:
    """The mentee's latest diagnosis result (for the chart), or None before the first one."""
    pair = await mentor_pair(session, mentor, pair_id)
    mentee = await session.get(User, pair.mentee_id)
    attempt = await diagnosis.latest_completed(session, mentee.id)
    return await diagnosis.result(session, mentee, attempt.id) if attempt else None


@dataclass(frozen=True)
class MyMentor:
    pair: MentorPair
    mentor: User
    organization: str
    last_checkin: date | None


async def my_mentors(session: AsyncSession, mentee: User) -> list[MyMentor]:
    pairs = list(
        await session.scalars(
            select(MentorPair)
            .where(MentorPair.mentee_id == mentee.id, MentorPair.status == PairStatus.active)
            .order_by(MentorPair.id)
        )
    )
    return (
        [
            MyMentor(
                row.pair, row.mentor, await orgs.display_name(session, row.mentor.organization_id), row.last_checkin
            )
            for row in await pair_rows(session, pairs)
        ]
        if pairs
        else []
    )
