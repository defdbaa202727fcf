"""Whom a methodist pairs: young specialists still without a mentor, a teacher found by name, and
the colleagues who could mentor them, ranked and explained."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import diagnosis
from bot.services import route as routes
from bot.services.mentoring.access import in_scope, mentee_for, methodist_scope
from bot.services.mentoring.common import latest_results, municipality_of
from bot.services.mentoring.rules import (
    DEFAULT_CAPACITY,
    PAGE_SIZE,
    YOUNG_AGE,
    YOUNG_EXPERIENCE,
    is_young_specialist,
)
from bot.services.practices.standing import standings as practice_standings
from bot.services.shared import orgs
from bot.services.shared.errors import InvalidInput
from bot.services.shared.labels import area_title, plural
from bot.services.shared.paging import Page, paged, window
from bot.services.shared.population import pedagogical_worker
from bot.services.shared.roles import Identity
from bot.services.shared.validation import clean_text
from models import (
    AreaResult,
    AttemptStatus,
    DiagnosisAttempt,
    MentorPair,
    Organization,
    OrgKind,
    PairStatus,
    PairType,
    Position,
    Role,
    RoleGrant,
    User,
)

LEADERS = (Position.head, Position.deputy_head)


@dataclass(frozen=True)
class Candidate:
    user: User
    resource_areas: tuple[str, ...]  # the candidate's resource zones among the mentee's deficits
    subjects: tuple[str, ...]  # subjects both teach
    same_org: bool
    org_is_school: bool
    free: int
    capacity: int = DEFAULT_CAPACITY
    invited: bool = False  # holds the mentor role (joined by a methodist's mentor invite, or mentors already)
    shares: int = 0  # approved practices in the bank: the candidate «транслирует опыт» (issue 15)


def rank(candidates: list[Candidate], pair_type: PairType) -> list[Candidate]:
    """Best first: invited mentors before other colleagues; then a competency pair leads with
    resource zones, a subject pair with the subject; then the same school, more free places, and
    the name for a stable order."""

    def key(c: Candidate):
        competence, subject = len(c.resource_areas), len(c.subjects) > 0
        lead = (subject, competence) if pair_type == PairType.subject else (competence, subject)
        return (
            -c.invited,
            *(-int(x) for x in lead),
            -c.shares,
            -c.same_org,
            -c.free,
            c.user.full_name or "",
            c.user.id,
        )

    return sorted(candidates, key=key)


def reason(c: Candidate) -> str:
    parts = ["приглашён(а) наставником"] if c.invited else []
    if c.resource_areas:
        parts.append("ресурсная зона: " + ", ".join(area_title(a) for a in c.resource_areas))
    if c.shares:
        parts.append(f"транслирует опыт: {c.shares} {plural(c.shares, 'практика', 'практики', 'практик')} в банке")
    if c.subjects:
        parts.append(f"{'тот же предмет' if len(c.subjects) == 1 else 'те же предметы'}: {', '.join(c.subjects)}")
    parts.append(("та же школа" if c.org_is_school else "та же организация") if c.same_org else "тот же муниципалитет")
    parts.append(f"свободно {c.free} {plural(c.free, 'место', 'места', 'мест')} из {c.capacity}")
    return "; ".join(parts)


def _has_active_mentor():
    return exists().where(MentorPair.mentee_id == User.id, MentorPair.status == PairStatus.active)


async def _with_orgs(session: AsyncSession, people: list[User]) -> list[tuple[User, str]]:
    return [(u, await orgs.display_name(session, u.organization_id)) for u in people]


async def young_specialists(session: AsyncSession, identity: Identity, now: datetime, page: int = 0) -> Page:
    """Young specialists in the methodist's scope without an active pair as mentee: (user, org)."""
    scope = await methodist_scope(session, identity)
    query = (
        select(User)
        .where(
            in_scope(User.organization_id, scope),
            User.telegram_id.is_not(None),
            User.birth_year > now.year - YOUNG_AGE,
            User.experience_years <= YOUNG_EXPERIENCE,
            ~_has_active_mentor(),
            pedagogical_worker(),  # as in the indicators' «молодые специалисты»
        )
        .order_by(User.full_name, User.id)
    )
    found = await paged(session, query, page, PAGE_SIZE)
    return Page(await _with_orgs(session, found.items), found.page, found.pages)


async def search_teachers(session: AsyncSession, identity: Identity, text: str | None) -> list[tuple[User, str]]:
    """Registered people in scope whose name contains the typed fragment (as typed, capitalised
    or lower case: SQLite folds case for ASCII only)."""
    fragment = " ".join(clean_text(text, 100, "ФИО").split())
    if len(fragment) < 2:
        raise InvalidInput("Введите хотя бы две буквы фамилии.")
    scope = await methodist_scope(session, identity)
    variants = {fragment, fragment.lower(), fragment.capitalize(), fragment.title()}
    return await _with_orgs(
        session,
        list(
            await session.scalars(
                select(User)
                .where(
                    in_scope(User.organization_id, scope),
                    User.telegram_id.is_not(None),
                    or_(*(User.full_name.contains(v, autoescape=True) for v in variants)),
                )
                .order_by(User.full_name, User.id)
                .limit(10)
            )
        ),
    )


@dataclass(frozen=True)
class Suggestions:
    mentee: User
    organization: str
    pair_type: PairType
    deficits: list[str]
    page: Page  # of (Candidate, organization name)


async def suggestions(
    session: AsyncSession,
    identity: Identity,
    mentee_id: int,
    pair_type: PairType,
    now: datetime,
    page: int = 0,
    capacity: int = DEFAULT_CAPACITY,
) -> Suggestions:
    """Eligible colleagues of the mentee's municipality with free places, ranked, with reasons.
    Eligible: a pedagogical worker (shared.population), not the methodist choosing, experienced
    beyond a young specialist's years, and not in a deficit zone of any of the mentee's deficit areas."""
    mentee = await mentee_for(session, identity, mentee_id, pair_type, now)
    today = routes.today(mentee, now)
    _, results = await latest_results(session, mentee.id)  # severe deficits first, then partial
    deficits = [
        r.area for r in sorted(results, key=lambda r: (r.zone != "severe", r.id)) if r.zone in diagnosis.DEFICIT_ZONES
    ]
    muni = await municipality_of(session, mentee.organization_id)
    area = await orgs.subtree_ids(session, muni.id) if muni else set()
    busy = select(MentorPair.mentor_id).where(MentorPair.mentee_id == mentee.id, MentorPair.status == PairStatus.active)
    conditions = [
        User.organization_id.in_(area),
        User.telegram_id.is_not(None),
        User.is_active.is_(True),
        User.id != mentee.id,
        User.id.not_in(busy),
        User.telegram_id != identity.telegram_id,
        User.experience_years > YOUNG_EXPERIENCE,
        pedagogical_worker(),
    ]
    if pair_type == PairType.managerial:
        conditions.append(User.position.in_(LEADERS))
    pool = list(await session.scalars(select(User).where(*conditions)))
    if pair_type == PairType.young_specialist:
        pool = [u for u in pool if not is_young_specialist(u.birth_year, u.experience_years, today)]
    loads = dict(
        (
            await session.execute(
                select(MentorPair.mentor_id, func.count())
                .where(MentorPair.status == PairStatus.active, MentorPair.mentor_id.in_([u.id for u in pool]))
                .group_by(MentorPair.mentor_id)
            )
        ).all()
    )
    zones = await _zones_in(session, [u.id for u in pool], set(deficits))
    pool = [u for u in pool if not set(zones.get(u.id, {}).values()) & set(diagnosis.DEFICIT_ZONES)]
    resources = {uid: {a for a, zone in found.items() if zone == "resource"} for uid, found in zones.items()}
    invited = set(
        await session.scalars(
            select(RoleGrant.telegram_id).where(
                RoleGrant.role == Role.mentor, RoleGrant.telegram_id.in_([u.telegram_id for u in pool])
            )
        )
    )
    shared = await practice_standings(session, [u.id for u in pool])
    schools = set(
        await session.scalars(
            select(Organization.id).where(Organization.id.in_(area), Organization.kind == OrgKind.school)
        )
    )
    candidates = [
        Candidate(
            user=u,
            resource_areas=tuple(sorted(resources.get(u.id, ()))),
            subjects=tuple(s for s in mentee.subjects or [] if s in (u.subjects or [])),
            same_org=u.organization_id == mentee.organization_id,
            org_is_school=u.organization_id in schools,
            free=capacity - loads.get(u.id, 0),
            capacity=capacity,
            invited=u.telegram_id in invited,
            shares=shared[u.id].practices if u.id in shared else 0,
        )
        for u in pool
        if loads.get(u.id, 0) < capacity
    ]
    ranked = rank(candidates, pair_type)
    at = window(len(ranked), page, PAGE_SIZE)
    page, pages = at.page, at.pages
    shown = at.slice(ranked)
    named = [(c, await orgs.display_name(session, c.user.organization_id)) for c in shown]
    return Suggestions(
        mentee, await orgs.display_name(session, mentee.organization_id), pair_type, deficits, Page(named, page, pages)
    )


async def _zones_in(session: AsyncSession, user_ids: list[int], wanted: set[str]) -> dict[int, dict[str, str]]:
    """Per user, the zones of the wanted areas in their latest completed diagnosis."""
    if not user_ids or not wanted:
        return {}
    latest: dict[int, int] = {}
    for user_id, attempt_id in await session.execute(
        select(DiagnosisAttempt.user_id, DiagnosisAttempt.id)
        .where(DiagnosisAttempt.user_id.in_(user_ids), DiagnosisAttempt.status == AttemptStatus.completed)
        .order_by(DiagnosisAttempt.completed_at, DiagnosisAttempt.id)
    ):
        latest[user_id] = attempt_id
    owner = {attempt_id: user_id for user_id, attempt_id in latest.items()}
    found: dict[int, dict[str, str]] = {}
    for attempt_id, area, zone in await session.execute(
        select(AreaResult.attempt_id, AreaResult.area, AreaResult.zone).where(
            AreaResult.attempt_id.in_(list(owner)), AreaResult.area.in_(wanted)
        )
    ):
        found.setdefault(owner[attempt_id], {})[area] = zone
    return found
