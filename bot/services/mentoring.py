"""Mentoring: pairs and who may make them, mentor suggestions, young specialists, what a mentor
sees of a mentee and does for them (comments, ИОМ approval, proposed steps, check-ins), the relay
between the two sides, and the check-in cadence with escalation to methodists.

Pair, step, proposal and user ids all arrive from buttons, i.e. from the user. Every action loads
its pair through one of three gates (the methodist's scope, the mentor's own active pair, a member
of the pair), so a forged id is refused before anything changes."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from html import escape

from sqlalchemy import exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.services import audit, diagnosis, orgs, outbox, roles, routes
from bot.services.errors import AccessDenied, InvalidInput, NotFound
from bot.services.roles import Identity
from bot.services.route_builder import add_months, area_title
from models import (
    AreaResult, AttemptStatus, CheckIn, DiagnosisAnswer, DiagnosisAttempt, Event, EventRegistration, MentorPair,
    OrgKind, Organization, PairStatus, PairType, Position, ProposalStatus, Role, RoleGrant, Route, RouteComment,
    RouteStep, StepProposal, StepStatus, User,
)

CAPACITY = 3  # active mentees per mentor (there is no per-mentor column yet)
DEFAULT_CADENCE, CADENCES = 14, (7, 14, 30)
MIN_CADENCE, MAX_CADENCE = 7, 60
DEFAULT_TERM, MIN_TERM, MAX_TERM = 6, 3, 9  # months, domain.md §4: наставничество 3–9 мес.
YOUNG_AGE, YOUNG_EXPERIENCE = 35, 3  # «до 35 лет», «первые 3 года работы»
MAX_GOAL, MAX_TEXT, PAGE_SIZE, MENTEE_PAGE = 500, 2000, 6, 5
LEADERS = (Position.head, Position.deputy_head)
TYPE_LABELS = {
    PairType.young_specialist: "наставник — молодой специалист",
    PairType.subject: "по предмету",
    PairType.competency: "владеющий компетенцией → испытывающий дефицит",
    PairType.managerial: "менторство для руководителей",
}
NOT_YOURS = "Это не ваш подопечный: наставничество завершено или закреплено за другим наставником."


# --- callback strings the outbox carries (handlers' CallbackData must pack the same way) ----


def open_mentee_callback(pair_id: int) -> str:
    """Must match handlers' MenteeOpenCb(prefix="mopen", pair_id: int)."""
    return f"mopen:{pair_id}"


def pair_card_callback(pair_id: int) -> str:
    """Must match handlers' PairCb(prefix="mpair", action: str, pair_id: int, value: int = 0)."""
    return f"mpair:card:{pair_id}:0"


def proposal_callback(proposal_id: int, accept: bool) -> str:
    """Must match handlers' ProposalCb(prefix="mprop", proposal_id: int, accept: bool)."""
    return f"mprop:{proposal_id}:{int(accept)}"


def review_callback(pair_id: int) -> str:
    """Must match handlers' ReviewCb(prefix="mrev", pair_id: int)."""
    return f"mrev:{pair_id}"


# --- pure rules -----------------------------------------------------------------------------


def is_young_specialist(birth_year: int | None, experience_years: int | None, today: date) -> bool:
    """Under 35 counted by birth year (this year minus it) with at most 3 years of experience."""
    if birth_year is None or experience_years is None:
        return False
    return today.year - birth_year < YOUNG_AGE and experience_years <= YOUNG_EXPERIENCE


def checkin_state(anchor: date, cadence_days: int, today: date) -> tuple[date | None, int]:
    """For a pair last met (or started) on `anchor`: the due date of the reminder owed now (None
    when the next meeting is not due yet) and the escalation level: 1 after twice the cadence
    without a check-in, 2 after three times."""
    silent = (today - anchor).days
    if silent < cadence_days:
        return None, 0
    due = anchor + timedelta(days=cadence_days * (silent // cadence_days))
    return due, 2 if silent >= 3 * cadence_days else 1 if silent >= 2 * cadence_days else 0


def plural(n: int, one: str, few: str, many: str) -> str:
    if n % 10 == 1 and n % 100 != 11:
        return one
    return few if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14 else many


def cadence_label(days: int) -> str:
    return {7: "раз в неделю", 14: "раз в 2 недели", 30: "раз в месяц"}.get(days, f"раз в {days} дн.")


def clean_text(text: str | None, limit: int, what: str) -> str:
    value = (text or "").strip()
    if not value:
        raise InvalidInput(f"{what}: пришлите текст.")
    if len(value) > limit:
        raise InvalidInput(f"{what}: слишком длинно ({len(value)} симв.), можно до {limit}.")
    return value


def parse_day(text: str | None) -> date:
    parts = (text or "").strip().split(".")
    try:
        if len(parts) != 3 or len(parts[2]) != 4:
            raise ValueError
        return date(int(parts[2]), int(parts[1]), int(parts[0]))
    except ValueError:
        raise InvalidInput("Не понял дату. Введите её так: <code>25.12.2026</code>.") from None


def check_term(starts_on: date, planned_end: date) -> None:
    if not add_months(starts_on, MIN_TERM) <= planned_end <= add_months(starts_on, MAX_TERM):
        raise InvalidInput(f"Срок наставничества — от {MIN_TERM} до {MAX_TERM} месяцев: окончание между "
                           f"{add_months(starts_on, MIN_TERM):%d.%m.%Y} и {add_months(starts_on, MAX_TERM):%d.%m.%Y}.")


@dataclass(frozen=True)
class Candidate:
    user: User
    resource_areas: tuple[str, ...]  # the candidate's resource zones among the mentee's deficits
    subjects: tuple[str, ...]  # subjects both teach
    same_org: bool
    org_is_school: bool
    free: int
    capacity: int = CAPACITY


def rank(candidates: list[Candidate], pair_type: PairType) -> list[Candidate]:
    """Best first: a competency pair leads with resource zones, a subject pair with the subject;
    then the same school, more free places, and the name for a stable order."""
    def key(c: Candidate):
        competence, subject = len(c.resource_areas), len(c.subjects) > 0
        lead = (subject, competence) if pair_type == PairType.subject else (competence, subject)
        return (*(-int(x) for x in lead), -c.same_org, -c.free, c.user.full_name or "", c.user.id)
    return sorted(candidates, key=key)


def reason(c: Candidate) -> str:
    parts = []
    if c.resource_areas:
        parts.append("ресурсная зона: " + ", ".join(area_title(a) for a in c.resource_areas))
    if c.subjects:
        parts.append(f"{'тот же предмет' if len(c.subjects) == 1 else 'те же предметы'}: {', '.join(c.subjects)}")
    parts.append(("та же школа" if c.org_is_school else "та же организация") if c.same_org else "тот же муниципалитет")
    parts.append(f"свободно {c.free} {plural(c.free, 'место', 'места', 'мест')} из {c.capacity}")
    return "; ".join(parts)


# --- lookups --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    items: list
    page: int
    pages: int


async def _paged(session: AsyncSession, query, page: int, size: int = PAGE_SIZE) -> Page:
    total = await session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    pages = max(1, -(-total // size))
    page = min(max(page, 0), pages - 1)
    rows = (await session.execute(query.offset(page * size).limit(size))).all()
    return Page([row[0] if len(row) == 1 else tuple(row) for row in rows], page, pages)


async def methodist_scope(session: AsyncSession, identity: Identity) -> set[int] | None:
    """Organization ids a methodist covers; None means everywhere (admins)."""
    roles.require_methodist(identity)
    scopes = identity.scopes(Role.methodist)
    if identity.is_admin or None in scopes:
        return None
    covered: set[int] = set()
    for scope in scopes:
        covered |= await orgs.subtree_ids(session, scope)
    return covered


async def municipality_of(session: AsyncSession, org_id: int | None) -> Organization | None:
    chain = await orgs.lineage(session, org_id) if org_id else []
    return next((o for o in chain if o.kind == OrgKind.municipality), chain[0] if chain else None)


async def active_count(session: AsyncSession, mentor_id: int) -> int:
    return await session.scalar(select(func.count()).select_from(MentorPair).where(
        MentorPair.mentor_id == mentor_id, MentorPair.status == PairStatus.active)) or 0


async def latest_results(session: AsyncSession, user_id: int) -> tuple[DiagnosisAttempt | None, list[AreaResult]]:
    attempt = await diagnosis.latest_completed(session, user_id)
    return (attempt, await diagnosis.area_results(session, attempt.id)) if attempt else (None, [])


async def methodist_pair(session: AsyncSession, identity: Identity, pair_id: int) -> MentorPair:
    roles.require_methodist(identity)
    pair = await session.get(MentorPair, pair_id)
    if pair is None:
        raise NotFound("Пара не найдена.")
    mentee = await session.get(User, pair.mentee_id)
    await roles.require_methodist_for(session, identity, mentee.organization_id if mentee else None)
    return pair


async def mentor_pair(session: AsyncSession, mentor: User, pair_id: int) -> MentorPair:
    pair = await session.get(MentorPair, pair_id)
    if pair is None or pair.mentor_id != mentor.id or pair.status != PairStatus.active:
        raise AccessDenied(NOT_YOURS)
    return pair


async def member_pair(session: AsyncSession, user: User, pair_id: int, *, active: bool = True) -> MentorPair:
    pair = await session.get(MentorPair, pair_id)
    if pair is None or user.id not in (pair.mentor_id, pair.mentee_id):
        raise AccessDenied("Эта наставническая пара вам недоступна.")
    if active and pair.status != PairStatus.active:
        raise InvalidInput("Наставничество уже завершено.")
    return pair


async def _tell(session: AsyncSession, user: User | None, key: str, text: str, buttons: list | None = None,
                purpose: str = "mentoring") -> int:
    """One outbox message; nothing for someone who erased their data."""
    if user is None or user.telegram_id is None:
        return 0
    return int(await outbox.enqueue(session, key=key, chat_id=user.telegram_id, purpose=purpose,
                                    timezone=user.timezone, text=text, buttons=buttons))


# --- the methodist: young specialists, suggestions, pairs -----------------------------------


def _in_scope(column, scope: set[int] | None):
    return column.is_not(None) if scope is None else column.in_(scope)


def _has_active_mentor():
    return exists().where(MentorPair.mentee_id == User.id, MentorPair.status == PairStatus.active)


async def _with_orgs(session: AsyncSession, people: list[User]) -> list[tuple[User, str]]:
    return [(u, await orgs.display_name(session, u.organization_id)) for u in people]


async def young_specialists(session: AsyncSession, identity: Identity, now: datetime, page: int = 0) -> Page:
    """Young specialists in the methodist's scope without an active pair as mentee: (user, org)."""
    scope = await methodist_scope(session, identity)
    query = select(User).where(
        _in_scope(User.organization_id, scope), User.telegram_id.is_not(None),
        User.birth_year > now.year - YOUNG_AGE, User.experience_years <= YOUNG_EXPERIENCE, ~_has_active_mentor(),
    ).order_by(User.full_name, User.id)
    found = await _paged(session, query, page)
    return Page(await _with_orgs(session, found.items), found.page, found.pages)


async def search_teachers(session: AsyncSession, identity: Identity, text: str | None) -> list[tuple[User, str]]:
    """Registered people in scope whose name contains the typed fragment (as typed, capitalised
    or lower case: SQLite folds case for ASCII only)."""
    fragment = " ".join(clean_text(text, 100, "ФИО").split())
    if len(fragment) < 2:
        raise InvalidInput("Введите хотя бы две буквы фамилии.")
    scope = await methodist_scope(session, identity)
    variants = {fragment, fragment.lower(), fragment.capitalize(), fragment.title()}
    return await _with_orgs(session, list(await session.scalars(select(User).where(
        _in_scope(User.organization_id, scope), User.telegram_id.is_not(None),
        or_(*(User.full_name.contains(v, autoescape=True) for v in variants)),
    ).order_by(User.full_name, User.id).limit(10))))


def parse_type(value: str) -> PairType:
    try:
        return PairType(value)
    except ValueError:
        raise InvalidInput("Выберите форму наставничества кнопкой из списка.") from None


async def mentee_in_scope(session: AsyncSession, identity: Identity, mentee_id: int) -> User:
    roles.require_methodist(identity)
    mentee = await session.get(User, mentee_id)
    await roles.require_methodist_for(session, identity, mentee.organization_id if mentee else None)
    if mentee is None or mentee.telegram_id is None:
        raise NotFound("Педагог не найден: возможно, он удалил свои данные.")
    return mentee


async def _mentee_for(session: AsyncSession, identity: Identity, mentee_id: int, pair_type: PairType,
                      now: datetime) -> User:
    mentee = await mentee_in_scope(session, identity, mentee_id)
    if pair_type == PairType.young_specialist and not is_young_specialist(
            mentee.birth_year, mentee.experience_years, routes.today(mentee, now)):
        raise InvalidInput("Форма «наставник — молодой специалист» — для педагогов до 35 лет со стажем до 3 лет.")
    return mentee


@dataclass(frozen=True)
class Suggestions:
    mentee: User
    organization: str
    pair_type: PairType
    deficits: list[str]
    page: Page  # of (Candidate, organization name)


async def suggestions(session: AsyncSession, identity: Identity, mentee_id: int, pair_type: PairType,
                      now: datetime, page: int = 0) -> Suggestions:
    """Registered colleagues of the mentee's municipality with free places, ranked, with reasons."""
    mentee = await _mentee_for(session, identity, mentee_id, pair_type, now)
    today = routes.today(mentee, now)
    _, results = await latest_results(session, mentee.id)  # severe deficits first, then partial
    deficits = [r.area for r in sorted(results, key=lambda r: (r.zone != "severe", r.id))
                if r.zone in diagnosis.DEFICIT_ZONES]
    muni = await municipality_of(session, mentee.organization_id)
    area = await orgs.subtree_ids(session, muni.id) if muni else set()
    busy = select(MentorPair.mentor_id).where(MentorPair.mentee_id == mentee.id,
                                              MentorPair.status == PairStatus.active)
    conditions = [User.organization_id.in_(area), User.telegram_id.is_not(None), User.is_active.is_(True),
                  User.id != mentee.id, User.id.not_in(busy)]
    if pair_type == PairType.managerial:
        conditions.append(User.position.in_(LEADERS))
    pool = list(await session.scalars(select(User).where(*conditions)))
    if pair_type == PairType.young_specialist:
        pool = [u for u in pool if not is_young_specialist(u.birth_year, u.experience_years, today)]
    loads = dict((await session.execute(select(MentorPair.mentor_id, func.count()).where(
        MentorPair.status == PairStatus.active, MentorPair.mentor_id.in_([u.id for u in pool]))
        .group_by(MentorPair.mentor_id))).all())
    resources = await _resource_areas(session, [u.id for u in pool], set(deficits))
    schools = set(await session.scalars(select(Organization.id).where(
        Organization.id.in_(area), Organization.kind == OrgKind.school)))
    candidates = [Candidate(
        user=u, resource_areas=tuple(sorted(resources.get(u.id, ()))),
        subjects=tuple(s for s in mentee.subjects or [] if s in (u.subjects or [])),
        same_org=u.organization_id == mentee.organization_id, org_is_school=u.organization_id in schools,
        free=CAPACITY - loads.get(u.id, 0),
    ) for u in pool if loads.get(u.id, 0) < CAPACITY]
    ranked = rank(candidates, pair_type)
    pages = max(1, -(-len(ranked) // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    shown = ranked[page * PAGE_SIZE:(page + 1) * PAGE_SIZE]
    named = [(c, await orgs.display_name(session, c.user.organization_id)) for c in shown]
    return Suggestions(mentee, await orgs.display_name(session, mentee.organization_id), pair_type, deficits,
                       Page(named, page, pages))


async def _resource_areas(session: AsyncSession, user_ids: list[int], wanted: set[str]) -> dict[int, set[str]]:
    """Per user, the wanted areas in the resource zone of their latest completed diagnosis."""
    if not user_ids or not wanted:
        return {}
    latest: dict[int, int] = {}
    for user_id, attempt_id in await session.execute(
            select(DiagnosisAttempt.user_id, DiagnosisAttempt.id).where(
                DiagnosisAttempt.user_id.in_(user_ids), DiagnosisAttempt.status == AttemptStatus.completed)
            .order_by(DiagnosisAttempt.completed_at, DiagnosisAttempt.id)):
        latest[user_id] = attempt_id
    owner = {attempt_id: user_id for user_id, attempt_id in latest.items()}
    found: dict[int, set[str]] = {}
    for attempt_id, area in await session.execute(select(AreaResult.attempt_id, AreaResult.area).where(
            AreaResult.attempt_id.in_(list(owner)), AreaResult.zone == "resource", AreaResult.area.in_(wanted))):
        found.setdefault(owner[attempt_id], set()).add(area)
    return found


async def prepare_pair(session: AsyncSession, identity: Identity, mentee_id: int, mentor_id: int,
                       pair_type: PairType, now: datetime) -> tuple[User, User]:
    """Every check a new pair must pass; run when the methodist taps a candidate and again on creation."""
    mentee = await _mentee_for(session, identity, mentee_id, pair_type, now)
    mentor = await session.scalar(select(User).where(User.id == mentor_id).with_for_update())
    if mentor is None or mentor.telegram_id is None:
        raise NotFound("Наставник не найден: возможно, он удалил свои данные.")
    if mentor.id == mentee.id:
        raise InvalidInput("Педагог не может быть наставником самому себе.")
    muni = await municipality_of(session, mentee.organization_id)
    if not (muni and await orgs.is_within(session, mentor.organization_id, muni.id)) and \
            not await roles.methodist_covers(session, identity, mentor.organization_id):
        raise AccessDenied("Наставник должен работать в том же муниципалитете или в вашей зоне ответственности.")
    if await session.scalar(select(MentorPair.id).where(
            MentorPair.mentor_id == mentor.id, MentorPair.mentee_id == mentee.id,
            MentorPair.status == PairStatus.active)):
        raise InvalidInput("Эта пара уже работает.")
    load = await active_count(session, mentor.id)
    if load >= CAPACITY:
        raise InvalidInput(f"У этого наставника уже {load} {plural(load, 'подопечный', 'подопечных', 'подопечных')}"
                           f" — это предел ({CAPACITY}). Выберите другого наставника или завершите одну из его пар.")
    return mentee, mentor


async def create_pair(session: AsyncSession, identity: Identity, mentee_id: int, mentor_id: int,
                      pair_type: PairType, goal: str | None, now: datetime) -> MentorPair:
    """A pair with the default terms (from today, 6 months, a meeting every 2 weeks); the mentor
    gets the mentor role in the mentee's organization; both sides are told through the outbox."""
    mentee, mentor = await prepare_pair(session, identity, mentee_id, mentor_id, pair_type, now)
    today = routes.today(mentee, now)
    pair = MentorPair(mentor_id=mentor.id, mentee_id=mentee.id, type=pair_type,
                      goal=clean_text(goal, MAX_GOAL, "Цель наставничества"), starts_on=today,
                      planned_end=add_months(today, DEFAULT_TERM), cadence_days=DEFAULT_CADENCE,
                      status=PairStatus.active, created_by=identity.telegram_id, escalation_level=0)
    session.add(pair)
    await session.flush()
    await _ensure_mentor_role(session, mentor, mentee.organization_id)
    await audit.record(session, identity.telegram_id, "pair.create", f"pair:{pair.id}", mentor=mentor.id,
                       mentee=mentee.id, type=pair_type.value)
    await _announce(session, pair, mentor, mentee)
    return pair


async def _ensure_mentor_role(session: AsyncSession, mentor: User, org_id: int | None) -> None:
    """Grant the mentor role in the mentee's organization unless a grant already covers it."""
    scopes = await session.scalars(select(RoleGrant.scope_org_id).where(
        RoleGrant.telegram_id == mentor.telegram_id, RoleGrant.role == Role.mentor))
    if org_id is None or any([await orgs.is_within(session, org_id, scope) for scope in scopes]):
        return
    await roles.grant(session, None, Role.mentor, mentor.telegram_id, org_id)


async def _announce(session: AsyncSession, pair: MentorPair, mentor: User, mentee: User) -> None:
    terms = (f"Форма: {TYPE_LABELS[pair.type]}\nЦель: {escape(pair.goal)}\n"
             f"Срок: {pair.starts_on:%d.%m.%Y} — {pair.planned_end:%d.%m.%Y}, "
             f"встречи {cadence_label(pair.cadence_days)}")
    mentee_org = escape(await orgs.display_name(session, mentee.organization_id))
    mentor_org = escape(await orgs.display_name(session, mentor.organization_id))
    await _tell(session, mentor, f"pair:{pair.id}:mentor",
                f"🤝 Вы назначены наставником: <b>{escape(mentee.full_name or '')}</b> ({mentee_org}).\n{terms}\n\n"
                "Подопечные, их маршруты и записи встреч — /mentees",
                [[{"text": "Открыть карточку", "callback_data": open_mentee_callback(pair.id)}]])
    await _tell(session, mentee, f"pair:{pair.id}:mentee",
                f"🤝 Вам назначен наставник: <b>{escape(mentor.full_name or '')}</b> ({mentor_org}).\n{terms}\n\n"
                "Написать наставнику можно через бота: /mentor")


async def active_pair_for_methodist(session: AsyncSession, identity: Identity, pair_id: int) -> MentorPair:
    pair = await methodist_pair(session, identity, pair_id)
    if pair.status != PairStatus.active:
        raise InvalidInput("Пара уже завершена — её условия не меняются.")
    return pair


async def update_terms(session: AsyncSession, identity: Identity, pair_id: int, now: datetime, *,
                       months: int | None = None, cadence_days: int | None = None, start_text: str | None = None,
                       end_text: str | None = None) -> MentorPair:
    """Change the defaults a pair was created with: the term (3–9 months), the start, the cadence."""
    pair = await active_pair_for_methodist(session, identity, pair_id)
    if start_text is not None:  # moving the start keeps the length of the term
        mentee = await session.get(User, pair.mentee_id)
        start = parse_start(start_text, routes.today(mentee, now))
        pair.planned_end, pair.starts_on = pair.planned_end + (start - pair.starts_on), start
    end = add_months(pair.starts_on, months) if months else parse_day(end_text) if end_text else pair.planned_end
    check_term(pair.starts_on, end)
    if cadence_days is not None and not MIN_CADENCE <= cadence_days <= MAX_CADENCE:
        raise InvalidInput(f"Встречи — не реже раза в {MAX_CADENCE} дн. и не чаще раза в {MIN_CADENCE} дн.")
    pair.planned_end, pair.cadence_days = end, cadence_days or pair.cadence_days
    return pair


def parse_start(text: str | None, today: date) -> date:
    day = parse_day(text)
    if not today - timedelta(days=30) <= day <= today + timedelta(days=90):
        raise InvalidInput("Дата начала — не раньше чем 30 дней назад и не позже чем через 90 дней.")
    return day


@dataclass(frozen=True)
class PairRow:
    pair: MentorPair
    mentor: User
    mentee: User
    last_checkin: date | None


async def _rows(session: AsyncSession, pairs: list[MentorPair]) -> list[PairRow]:
    people = {u.id: u for u in await session.scalars(select(User).where(
        User.id.in_({p.mentor_id for p in pairs} | {p.mentee_id for p in pairs})))}
    last = dict((await session.execute(select(CheckIn.pair_id, func.max(CheckIn.held_on)).where(
        CheckIn.pair_id.in_([p.id for p in pairs])).group_by(CheckIn.pair_id))).all())
    return [PairRow(p, people[p.mentor_id], people[p.mentee_id], last.get(p.id)) for p in pairs]


async def pairs_in_scope(session: AsyncSession, identity: Identity, status: PairStatus, page: int = 0) -> Page:
    scope = await methodist_scope(session, identity)
    query = (select(MentorPair).join(User, User.id == MentorPair.mentee_id)
             .where(MentorPair.status == status, _in_scope(User.organization_id, scope))
             .order_by(MentorPair.id.desc()))
    found = await _paged(session, query, page)
    return Page(await _rows(session, found.items), found.page, found.pages)


async def pair_row(session: AsyncSession, identity: Identity, pair_id: int) -> PairRow:
    return (await _rows(session, [await methodist_pair(session, identity, pair_id)]))[0]


async def end_pair(session: AsyncSession, identity: Identity, pair_id: int, now: datetime) -> MentorPair:
    """The pair stays in history; both sides are asked for a short final review."""
    pair = await methodist_pair(session, identity, pair_id)
    if pair.status != PairStatus.active:
        return pair  # a double tap
    pair.status, pair.ended_at = PairStatus.ended, now
    await outbox.cancel_pending(session, f"checkin:{pair.id}:")
    await outbox.cancel_pending(session, f"escalation:{pair.id}:")
    await audit.record(session, identity.telegram_id, "pair.end", f"pair:{pair.id}")
    mentor, mentee = await session.get(User, pair.mentor_id), await session.get(User, pair.mentee_id)
    for who, other, role in ((mentor, mentee, "mentor"), (mentee, mentor, "mentee")):
        await _tell(session, who, f"pair:{pair.id}:ended:{role}",
                    f"Наставничество завершено ({escape(other.full_name or '—') if other else '—'}). Спасибо за "
                    "работу! Напишите, пожалуйста, короткий итоговый отзыв: что получилось, что пригодится дальше.",
                    [[{"text": "Оставить отзыв", "callback_data": review_callback(pair.id)}]])
    return pair


async def review_pair(session: AsyncSession, user: User, pair_id: int) -> MentorPair:
    pair = await member_pair(session, user, pair_id, active=False)
    if pair.status != PairStatus.ended:
        raise InvalidInput("Отзыв пишут, когда наставничество завершено.")
    return pair


async def save_review(session: AsyncSession, user: User, pair_id: int, text: str | None) -> MentorPair:
    pair = await review_pair(session, user, pair_id)
    review = clean_text(text, MAX_TEXT, "Отзыв")
    if user.id == pair.mentor_id:
        pair.mentor_review = review
    else:
        pair.mentee_review = review
    return pair


# --- the mentor -----------------------------------------------------------------------------


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
    attended = await session.scalar(select(func.count()).select_from(EventRegistration).join(
        Event, Event.id == EventRegistration.event_id).where(
        EventRegistration.user_id == mentee.id, EventRegistration.attended.is_(True),
        Event.starts_at.between(now - timedelta(days=30), now))) or 0
    moments = [
        await session.scalar(select(func.max(DiagnosisAnswer.answered_at)).join(
            DiagnosisAttempt, DiagnosisAttempt.id == DiagnosisAnswer.attempt_id).where(
            DiagnosisAttempt.user_id == mentee.id)),
        await session.scalar(select(func.max(RouteStep.done_at)).join(Route, Route.id == RouteStep.route_id)
                             .where(Route.user_id == mentee.id)),
        await session.scalar(select(func.max(EventRegistration.created_at)).where(
            EventRegistration.user_id == mentee.id)),
    ]
    last_checkin = await session.scalar(select(func.max(CheckIn.held_on)).where(CheckIn.pair_id == pair.id))
    return MenteeSummary(
        pair, mentee, attempt.completed_at if attempt else None, route, steps, routes.progress(steps),
        sum(s.status == StepStatus.planned and s.deadline < today for s in steps), attended,
        max((m for m in moments if m is not None), default=None), last_checkin)


async def my_mentees(session: AsyncSession, mentor: User, now: datetime, page: int = 0) -> Page:
    query = select(MentorPair).where(MentorPair.mentor_id == mentor.id, MentorPair.status == PairStatus.active) \
        .order_by(MentorPair.id)
    found = await _paged(session, query, page, size=MENTEE_PAGE)
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


async def _mentee_route(session: AsyncSession, pair: MentorPair) -> tuple[User, Route]:
    mentee = await session.get(User, pair.mentee_id)
    route = await routes.current(session, mentee)
    if route is None:
        raise InvalidInput("У подопечного пока нет ИОМ: он появится после самодиагностики.")
    return mentee, route


async def route_steps(session: AsyncSession, mentor: User, pair_id: int) -> list[RouteStep]:
    pair = await mentor_pair(session, mentor, pair_id)
    _, route = await _mentee_route(session, pair)
    return await routes.steps_of(session, route.id)


async def comment(session: AsyncSession, mentor: User, pair_id: int, step_id: int | None,
                  text: str | None) -> RouteComment:
    pair = await mentor_pair(session, mentor, pair_id)
    mentee, route = await _mentee_route(session, pair)
    step = None
    if step_id:
        step = await session.get(RouteStep, step_id)
        if step is None or step.route_id != route.id or step.status == StepStatus.removed:
            raise NotFound("Шаг не найден в текущем ИОМ подопечного: возможно, маршрут перестроен.")
    note = RouteComment(route_id=route.id, step_id=step.id if step else None, author_id=mentor.id,
                        text=clean_text(text, MAX_TEXT, "Комментарий"))
    session.add(note)
    await session.flush()
    where = f"к шагу «{escape(step.title)}»" if step else "к вашему ИОМ"
    buttons = [[{"text": "Открыть шаг", "callback_data": routes.step_callback(step.id)}]] if step else None
    await _tell(session, mentee, f"route_comment:{note.id}",
                f"💬 Комментарий наставника {escape(mentor.full_name or '')} {where}:\n\n{escape(note.text)}"
                + ("" if step else "\n\nВаш маршрут — /route"), buttons)
    return note


async def approve_route(session: AsyncSession, mentor: User, pair_id: int, now: datetime) -> Route:
    pair = await mentor_pair(session, mentor, pair_id)
    _, route = await _mentee_route(session, pair)
    return await routes.approve(session, route.id, mentor.telegram_id, now)  # a double tap is harmless there


def parse_deadline(text: str | None, today: date) -> date:
    day = parse_day(text)
    if day <= today:
        raise InvalidInput("Срок должен быть в будущем.")
    if day > add_months(today, 12):
        raise InvalidInput("Срок — не дальше чем через год.")
    return day


async def proposal_deadline(session: AsyncSession, mentor: User, pair_id: int, text: str | None,
                            now: datetime) -> date:
    pair = await mentor_pair(session, mentor, pair_id)
    return parse_deadline(text, routes.today(await session.get(User, pair.mentee_id), now))


async def propose_step(session: AsyncSession, mentor: User, pair_id: int, title: str | None,
                       deadline: date) -> StepProposal:
    pair = await mentor_pair(session, mentor, pair_id)
    mentee, _ = await _mentee_route(session, pair)
    proposal = StepProposal(pair_id=pair.id, title=routes.parse_title(title), deadline=deadline,
                            status=ProposalStatus.pending)
    session.add(proposal)
    await session.flush()
    await _tell(session, mentee, f"proposal:{proposal.id}",
                f"📌 Наставник {escape(mentor.full_name or '')} предлагает шаг в ваш ИОМ:\n"
                f"<b>{escape(proposal.title)}</b>\nСрок: {deadline:%d.%m.%Y}",
                [[{"text": "✅ Добавить в ИОМ", "callback_data": proposal_callback(proposal.id, True)},
                  {"text": "Отказаться", "callback_data": proposal_callback(proposal.id, False)}]])
    return proposal


async def answer_proposal(session: AsyncSession, mentee: User, proposal_id: int,
                          accept: bool) -> tuple[StepProposal, RouteStep | None]:
    proposal = await session.get(StepProposal, proposal_id)
    pair = await session.get(MentorPair, proposal.pair_id) if proposal else None
    if pair is None or pair.mentee_id != mentee.id:
        raise NotFound("Предложение не найдено.")
    if proposal.status != ProposalStatus.pending:
        raise InvalidInput("Вы уже ответили на это предложение.")
    if pair.status != PairStatus.active:
        raise InvalidInput("Наставничество уже завершено.")
    step = None
    if accept:
        step = await routes.add_own(session, mentee, proposal.title, proposal.deadline)
        step.task = "Шаг, предложенный наставником"
    proposal.status = ProposalStatus.accepted if accept else ProposalStatus.declined
    verdict = "добавил(а) в свой ИОМ" if accept else "отказался(лась) от"
    await _tell(session, await session.get(User, pair.mentor_id), f"proposal_answer:{proposal.id}",
                f"{escape(mentee.full_name or '')} {verdict} шаг «{escape(proposal.title)}».")
    return proposal, step


def parse_checkin_day(text: str | None, pair: MentorPair, today: date) -> date:
    return check_checkin_day(parse_day(text), pair, today)


def check_checkin_day(day: date, pair: MentorPair, today: date) -> date:
    if day > today:
        raise InvalidInput("Дата встречи не может быть в будущем.")
    if day < pair.starts_on:
        raise InvalidInput(f"Наставничество началось {pair.starts_on:%d.%m.%Y}: встреча не может быть раньше.")
    return day


async def checkin_day(session: AsyncSession, mentor: User, pair_id: int, text: str | None, now: datetime) -> date:
    pair = await mentor_pair(session, mentor, pair_id)
    return parse_checkin_day(text, pair, routes.today(mentor, now))


async def log_checkin(session: AsyncSession, mentor: User, pair_id: int, held_on: date, discussed: str | None,
                      next_steps: str | None, now: datetime) -> CheckIn:
    pair = await mentor_pair(session, mentor, pair_id)
    held_on = check_checkin_day(held_on, pair, routes.today(mentor, now))
    steps = (next_steps or "").strip()
    checkin = CheckIn(pair_id=pair.id, held_on=held_on, discussed=clean_text(discussed, MAX_TEXT, "Что обсуждали"),
                      next_steps="" if steps in ("", "-", "—") else clean_text(steps, MAX_TEXT, "Договорённости"))
    session.add(checkin)
    pair.escalation_level = 0
    await session.flush()
    await outbox.cancel_pending(session, f"checkin:{pair.id}:")
    await outbox.cancel_pending(session, f"escalation:{pair.id}:")  # a queued alarm is moot now
    agreed = f"\n<b>Договорились:</b> {escape(checkin.next_steps)}" if checkin.next_steps else ""
    await _tell(session, await session.get(User, pair.mentee_id), f"checkin_copy:{checkin.id}",
                f"📝 Встреча с наставником {escape(mentor.full_name or '')} {held_on:%d.%m.%Y}\n"
                f"<b>Обсуждали:</b> {escape(checkin.discussed)}{agreed}")
    return checkin


# --- the mentee and the relay ---------------------------------------------------------------


@dataclass(frozen=True)
class MyMentor:
    pair: MentorPair
    mentor: User
    organization: str
    last_checkin: date | None


async def my_mentors(session: AsyncSession, mentee: User) -> list[MyMentor]:
    pairs = list(await session.scalars(select(MentorPair).where(
        MentorPair.mentee_id == mentee.id, MentorPair.status == PairStatus.active).order_by(MentorPair.id)))
    return [MyMentor(row.pair, row.mentor, await orgs.display_name(session, row.mentor.organization_id),
                     row.last_checkin) for row in await _rows(session, pairs)] if pairs else []


@dataclass(frozen=True)
class Relay:
    pair_id: int
    recipient: User
    text: str  # ready HTML: the sender's words escaped under a header


async def relay_peer(session: AsyncSession, user: User, pair_id: int) -> tuple[MentorPair, User]:
    pair = await member_pair(session, user, pair_id)
    peer = await session.get(User, pair.mentee_id if user.id == pair.mentor_id else pair.mentor_id)
    if peer is None or peer.telegram_id is None:
        raise InvalidInput("Собеседник удалил свои данные из бота: сообщение не доставить.")
    return pair, peer


async def relay(session: AsyncSession, user: User, pair_id: int, text: str | None) -> Relay:
    """A message through the bot: neither side learns the other's account, username or phone."""
    pair, peer = await relay_peer(session, user, pair_id)
    body = clean_text(text, MAX_TEXT, "Сообщение")
    who = "наставника" if user.id == pair.mentor_id else "подопечного"
    return Relay(pair.id, peer, f"✉️ Сообщение от {who} <b>{escape(user.full_name or '')}</b>:\n\n{escape(body)}")


# --- cadence: reminders to the mentor, escalation to methodists ------------------------------


async def _methodists_near(session: AsyncSession, org_id: int | None, level: int, skip: int | None) -> list[int]:
    """Level 1: the nearest scope holding methodists, school first; level 2: the municipality's
    (or, if it has none, the nearest above). The mentor is never told about themself."""
    chain = await orgs.lineage(session, org_id) if org_id else []
    if level >= 2:
        chain = chain[next((i for i, o in enumerate(chain) if o.kind == OrgKind.municipality), 0):]
    for org in chain:
        found = [t for t in await session.scalars(select(RoleGrant.telegram_id).where(
            RoleGrant.role == Role.methodist, RoleGrant.scope_org_id == org.id).order_by(RoleGrant.id)) if t != skip]
        if found:
            return found
    return []


async def enqueue_checkin_reminders_and_escalations(session: AsyncSession, now: datetime) -> int:
    """Periodic and idempotent: a reminder per due date to the mentor, and an escalation per level
    to methodists, keyed on the last check-in so that logging a check-in starts afresh."""
    last = select(CheckIn.pair_id, func.max(CheckIn.held_on).label("held_on")).group_by(CheckIn.pair_id).subquery()
    mentors, mentees = aliased(User), aliased(User)
    rows = (await session.execute(
        select(MentorPair, mentors, mentees, last.c.held_on).join(mentors, mentors.id == MentorPair.mentor_id)
        .join(mentees, mentees.id == MentorPair.mentee_id).outerjoin(last, last.c.pair_id == MentorPair.id)
        .where(MentorPair.status == PairStatus.active))).all()
    queued = 0
    for pair, mentor, mentee, held_on in rows:
        anchor = held_on or pair.starts_on
        due, level = checkin_state(anchor, pair.cadence_days, routes.today(mentor, now))
        if due is None:
            continue
        since = f"последняя встреча — {held_on:%d.%m.%Y}" if held_on else f"встреч ещё не было (с {anchor:%d.%m.%Y})"
        queued += await _tell(
            session, mentor, f"checkin:{pair.id}:{due.isoformat()}",
            f"📅 Пора встретиться с подопечным {escape(mentee.full_name or '')}: встречи "
            f"{cadence_label(pair.cadence_days)}, {since}. После встречи запишите её в карточке.",
            [[{"text": "Открыть карточку", "callback_data": open_mentee_callback(pair.id)}]], "mentor_checkin")
        told: set[int] = set()  # when both levels fall due at once, nobody gets the alarm twice
        for step in range(pair.escalation_level + 1, level + 1):
            text = (f"⚠️ Наставническая пара без встреч {(routes.today(mentor, now) - anchor).days} дн.: наставник "
                    f"{escape(mentor.full_name or '—')} — подопечный {escape(mentee.full_name or '—')} "
                    f"({escape(await orgs.display_name(session, mentee.organization_id))}). "
                    f"План — {cadence_label(pair.cadence_days)}, {since}.")
            for telegram_id in await _methodists_near(session, mentee.organization_id, step, mentor.telegram_id):
                if telegram_id in told:
                    continue
                told.add(telegram_id)
                queued += await outbox.enqueue(
                    session, key=f"escalation:{pair.id}:{anchor.isoformat()}:{step}:{telegram_id}",
                    chat_id=telegram_id, purpose="mentor_escalation", text=text, timezone=mentee.timezone,
                    buttons=[[{"text": "Открыть пару", "callback_data": pair_card_callback(pair.id)}]])
        pair.escalation_level = max(pair.escalation_level, level)
    return queued
