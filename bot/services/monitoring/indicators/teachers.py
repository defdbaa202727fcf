"""The per-teacher pass behind every indicator but 3: one row of flags a teacher (diagnosis,
deficits, repeat diagnosis, ИОМ and formal learning, mentoring, young specialist, leader), summed
by one GROUP BY into the per-group counts and the per-area deficit counts."""

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.communities.totals import member_in_period
from bot.services.monitoring.indicators.common import flag, latest_attempt, pair_in_period, people, scope_cte
from bot.services.monitoring.indicators.courses import courses_code
from bot.services.monitoring.indicators.deficits import AREAS, digit, zones_code
from bot.services.monitoring.indicators.overcome import Overcome, overcame, overcome_rule
from bot.services.monitoring.indicators.period import Window
from bot.services.monitoring.indicators.routes import routes_code
from models import AttemptStatus, CommunityKind, DiagnosisAttempt, MentorPair, PairType, Position, User

LEADER_POSITIONS = (Position.head, Position.deputy_head)
YOUNG_AGE, YOUNG_EXPERIENCE = 35, 3


def _flags_query(root_id: int, window: Window, ref_year: int, rule: Overcome):
    """Two materialized levels, each row one teacher: SQLite would otherwise re-run a shared
    subquery wherever its column is used. Every lookup walks an index by user or attempt."""
    scope = scope_cte(root_id)
    uid = User.id
    # One lookup for both: 1 = a mentee in the period, 2 = (also) in a competency pair.
    mentee = (
        select(func.max(case((MentorPair.type == PairType.competency, 2), else_=1)))
        .where(MentorPair.mentee_id == uid, pair_in_period(window))
        .scalar_subquery()
    )
    young = and_(User.birth_year > ref_year - YOUNG_AGE, User.experience_years <= YOUNG_EXPERIENCE)
    level1 = (
        people(
            scope,
            window,
            func.coalesce(routes_code(uid, window), 0).label("routes"),
            func.coalesce(courses_code(uid, window), 0).label("courses"),
            func.coalesce(mentee, 0).label("mentee"),
            flag(exists().where(MentorPair.mentor_id == uid, pair_in_period(window))).label("mentor"),
            flag(young).label("young"),
            flag(User.position.in_(LEADER_POSITIONS)).label("leader"),
            latest_attempt(uid, window.end_at).label("latest"),
            # communities (issue 14): a young teachers' community is a form of support (indicator 7)
            flag(member_in_period(uid, window.start_at, window.end_at, CommunityKind.young)).label("young_comm"),
            flag(member_in_period(uid, window.start_at, window.end_at)).label("in_comm"),
        )
        .cte("l1")
        .prefix_with("MATERIALIZED")
    )

    # The latest attempt before the period ended lies in the period exactly when the teacher was
    # diagnosed in it; it is then the "new" attempt of a repeat diagnosis.
    recent = DiagnosisAttempt.__table__.alias("recent")
    prev = DiagnosisAttempt.__table__.alias("prev_attempt")
    previous = (
        select(prev.c.id)
        .where(
            prev.c.user_id == level1.c.user_id,
            prev.c.status == AttemptStatus.completed.value,
            prev.c.variant == recent.c.variant,
            or_(
                prev.c.completed_at < recent.c.completed_at,
                and_(prev.c.completed_at == recent.c.completed_at, prev.c.id < recent.c.id),
            ),
        )
        .order_by(prev.c.completed_at.desc(), prev.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    level2 = (
        select(
            level1,
            recent.c.id.label("recent"),
            case((level1.c.latest.is_not(None), func.coalesce(zones_code(level1.c.latest), 0)), else_=0).label("zones"),
            case((recent.c.id.is_not(None), previous), else_=None).label("repeat_old"),
        )
        .select_from(
            level1.outerjoin(recent, and_(recent.c.id == level1.c.latest, recent.c.completed_at >= window.start_at))
        )
        .cte("l2")
        .prefix_with("MATERIALIZED")
    )
    return level2, overcame(level2.c.repeat_old, level2.c.recent, rule)


async def user_level(
    session: AsyncSession, root_id: int, window: Window, ref_year: int
) -> tuple[dict[int, dict], list[tuple[str, int, int]]]:
    """Per-group counts and the per-area deficit counts, in one pass over the teachers."""
    flags, overcome = _flags_query(root_id, window, ref_year, await overcome_rule(session))
    c = flags.c
    diag, repeat, iom = c.recent.is_not(None), c.repeat_old.is_not(None), c.routes.in_((1, 3))
    pk, frdpp = c.courses >= 1, c.courses == 2  # verified courses (indicators 5, 6, 11)
    young, deficit = c.young == 1, c.zones > 0
    severe = or_(*(digit(c.zones, k) == 2 for k in range(len(AREAS))))
    count = lambda *conditions: func.sum(flag(and_(*conditions)))  # noqa: E731
    counts = {
        "teachers": func.count(),
        "diag": count(diag),
        "iom": count(iom),
        "deficit": count(deficit),
        "deficit_iom": count(deficit, iom),
        "repeat": count(repeat),
        "overcome": count(repeat, overcome),
        "pk": count(pk),
        "pk_frdpp": count(frdpp),
        "young": count(young),
        "young_support": count(young, or_(c.mentee > 0, iom, c.young_comm == 1)),
        "young_mentor": count(young, c.mentee > 0),
        "severe": count(severe),
        "severe_pair": count(severe, c.mentee == 2),
        "mentor": count(c.mentor == 1),
        "leader": count(c.leader == 1),
        "leader_ok": count(c.leader == 1, diag, pk),
        "community": count(c.in_comm == 1),
    }
    per_area = [count(digit(c.zones, k) == zone) for k in range(len(AREAS)) for zone in (2, 1)]
    query = select(c.group_id, *(value.label(name) for name, value in counts.items()), *per_area).group_by(c.group_id)
    groups, areas = {}, [[0, 0] for _ in AREAS]
    for row in await session.execute(query):
        groups[row.group_id] = {name: int(row._mapping[name] or 0) for name in counts}
        tail = row[1 + len(counts) :]
        for k in range(len(AREAS)):
            areas[k][0] += int(tail[2 * k] or 0)
            areas[k][1] += int(tail[2 * k + 1] or 0)
    return groups, [
        (area, severe_n, partial_n)
        for area, (severe_n, partial_n) in zip(AREAS, areas, strict=True)
        if severe_n or partial_n
    ]
