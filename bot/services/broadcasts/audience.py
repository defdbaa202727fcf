"""Who receives a broadcast: the filter a methodist builds, checked value by value, and its
resolution into recipients. The result is always inside the author's methodist scope.

A filter is a JSON dict kept on the Broadcast row. Values of one dimension are alternatives
(any of the chosen subjects), dimensions combine (a subject AND a municipality). An empty filter
means everyone the author may reach.
"""

from dataclasses import dataclass

from sqlalchemy import and_, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.diagnosis.scoring import DEFICIT_ZONES
from bot.services.onboarding.users import SUBJECTS
from bot.services.shared import orgs, roles, validation
from bot.services.shared.errors import InvalidInput, NotFound
from bot.services.shared.paging import window
from bot.services.shared.population import pedagogical_worker
from bot.services.shared.roles import Identity
from models import (
    AreaResult,
    AttemptStatus,
    DiagnosisAttempt,
    Event,
    EventRegistration,
    EventStatus,
    Organization,
    Position,
    RegistrationStatus,
    Role,
    RoleGrant,
    User,
)

AREAS = ("1", "2", "3", "4", "5", "6", "7", "8", "L1", "L2", "L3", "L4")
AUDIENCE_ROLES = ("teacher", "mentor")  # mentor: holds a mentor grant; teacher: does not
YOUNG_MAX_AGE, YOUNG_MAX_EXPERIENCE = 35, 3
LIST_KEYS = ("orgs", "roles", "positions", "subjects", "deficit")
MAX_ORGS = 20


@dataclass(frozen=True)
class Recipient:
    user_id: int
    telegram_id: int
    timezone: str


def normalize(spec: dict | None) -> dict:
    """Drop empty dimensions so that two equal filters are equal dicts."""
    spec = dict(spec or {})
    clean = {key: sorted(set(spec[key])) for key in LIST_KEYS if spec.get(key)}
    for flag in ("young", "undiagnosed"):
        if spec.get(flag):
            clean[flag] = True
    if spec.get("event"):
        clean["event"] = int(spec["event"])
    return clean


def _toggled(values: list, value) -> list:
    return [v for v in values if v != value] if value in values else [*values, value]


async def toggle(session: AsyncSession, identity: Identity, spec: dict, dimension: str, value: str) -> dict:
    """Flip one value of one dimension. Every value comes from callback_data: check it here."""
    spec = normalize(spec)
    if dimension == "all":
        return {}
    if dimension in ("young", "undiagnosed"):
        spec[dimension] = not spec.get(dimension)
        if dimension == "undiagnosed" and spec[dimension]:
            spec.pop("deficit", None)  # «not diagnosed» and «a deficit in the diagnosis» exclude each other
        return normalize(spec)
    if dimension == "org":
        org_id = _int(value)
        await orgs.get(session, org_id)
        await roles.require_methodist_for(session, identity, org_id)
        spec["orgs"] = _toggled(spec.get("orgs", []), org_id)
        if len(spec["orgs"]) > MAX_ORGS:
            raise InvalidInput(f"Можно выбрать не больше {MAX_ORGS} организаций и территорий.")
    elif dimension == "role":
        spec["roles"] = _toggled(spec.get("roles", []), _one_of(value, AUDIENCE_ROLES))
    elif dimension == "position":
        spec["positions"] = _toggled(spec.get("positions", []), _one_of(value, [p.value for p in Position]))
    elif dimension == "subject":
        index = _int(value)
        if not 0 <= index < len(SUBJECTS):
            raise InvalidInput("Неизвестный предмет.")
        spec["subjects"] = _toggled(spec.get("subjects", []), SUBJECTS[index])
    elif dimension == "deficit":
        spec["deficit"] = _toggled(spec.get("deficit", []), _one_of(value, AREAS))
        spec.pop("undiagnosed", None)
    elif dimension == "event":
        event_id = _int(value)
        if spec.get("event") == event_id:
            spec.pop("event")
        else:
            await visible_event(session, identity, event_id)
            spec["event"] = event_id
    else:
        raise InvalidInput("Неизвестный фильтр аудитории.")
    return normalize(spec)


def _int(value: str) -> int:
    number = validation.ascii_number(value, 18)  # from callback data: bounded before it reaches SQL
    if number is None:
        raise InvalidInput("Неверные данные кнопки.")
    return number


def _one_of(value: str, allowed) -> str:
    if value not in allowed:
        raise InvalidInput("Неизвестное значение фильтра.")
    return value


async def visible_event(session: AsyncSession, identity: Identity, event_id: int) -> Event:
    event = await session.get(Event, event_id)
    if event is None:
        raise NotFound("Мероприятие не найдено: возможно, оно удалено.")
    if not await roles.methodist_covers(session, identity, event.scope_org_id):
        raise InvalidInput("Это мероприятие вне вашей зоны ответственности.")
    if event.status == EventStatus.cancelled:  # the list (event_page) never offers one
        raise InvalidInput("Это мероприятие отменено: его участникам рассылку не адресовать.")
    return event


async def scope_org_ids(session: AsyncSession, identity: Identity) -> set[int] | None:
    """Organizations the author may address; None means everywhere (admins)."""
    return await identity.scope.org_ids(session)


async def _query(session: AsyncSession, identity: Identity, spec: dict, year: int):
    """The SQL part of the filter (subjects are a JSON list: matched in Python); None: nobody."""
    allowed = await scope_org_ids(session, identity)
    if spec.get("orgs"):
        chosen: set[int] = set()
        for org_id in spec["orgs"]:
            chosen |= await orgs.subtree_ids(session, org_id)
        allowed = chosen if allowed is None else allowed & chosen
    query = select(User.id, User.telegram_id, User.timezone, User.subjects).where(
        User.is_active.is_(True), User.telegram_id.is_not(None), pedagogical_worker()
    )
    if allowed is not None:
        if not allowed:
            return None
        query = query.where(User.organization_id.in_(sorted(allowed)))
    return _filtered(query, spec, year)


async def resolve(session: AsyncSession, identity: Identity, spec: dict, year: int) -> list[Recipient]:
    """Active, reachable users matching the filter inside the author's scope, ordered by id."""
    spec = normalize(spec)
    query = await _query(session, identity, spec, year)
    if query is None:
        return []
    rows = (await session.execute(query.order_by(User.id))).all()
    subjects = set(spec.get("subjects", []))
    return [
        Recipient(row.id, row.telegram_id, row.timezone)
        for row in rows
        if not subjects or subjects & set(row.subjects or [])
    ]


async def count(session: AsyncSession, identity: Identity, spec: dict, year: int) -> int:
    """How many `resolve` would return; counted in SQL unless subjects need a look at each row."""
    spec = normalize(spec)
    if spec.get("subjects"):
        return len(await resolve(session, identity, spec, year))
    query = await _query(session, identity, spec, year)
    return 0 if query is None else await session.scalar(select(func.count()).select_from(query.subquery())) or 0


def _filtered(query, spec: dict, year: int):
    if spec.get("positions"):
        query = query.where(User.position.in_([Position(p) for p in spec["positions"]]))
    if set(spec.get("roles", [])) == {"mentor"}:
        query = query.where(User.telegram_id.in_(_mentors()))
    elif set(spec.get("roles", [])) == {"teacher"}:
        query = query.where(User.telegram_id.not_in(_mentors()))
    if spec.get("young"):
        query = query.where(User.birth_year > year - YOUNG_MAX_AGE, User.experience_years <= YOUNG_MAX_EXPERIENCE)
    if spec.get("event"):
        query = query.where(
            User.id.in_(
                select(EventRegistration.user_id).where(
                    EventRegistration.event_id == spec["event"],
                    EventRegistration.status == RegistrationStatus.registered,
                )
            )
        )
    if spec.get("undiagnosed"):
        query = query.where(
            ~exists().where(DiagnosisAttempt.user_id == User.id, DiagnosisAttempt.status == AttemptStatus.completed)
        )
    if spec.get("deficit"):
        query = query.where(User.id.in_(_with_deficit(spec["deficit"])))
    return query


def _mentors():
    return select(RoleGrant.telegram_id).where(RoleGrant.role == Role.mentor)


def _with_deficit(areas: list[str]):
    """Users whose latest completed attempt has one of these areas in a deficit zone."""
    order = (DiagnosisAttempt.completed_at.desc(), DiagnosisAttempt.id.desc())
    ranked = (
        select(
            DiagnosisAttempt.id,
            DiagnosisAttempt.user_id,
            func.row_number().over(partition_by=DiagnosisAttempt.user_id, order_by=order).label("rank"),
        )
        .where(DiagnosisAttempt.status == AttemptStatus.completed)
        .subquery()
    )
    return (
        select(ranked.c.user_id)
        .join(
            AreaResult,
            and_(
                AreaResult.attempt_id == ranked.c.id,
                AreaResult.area.in_(areas),
                AreaResult.zone.in_(DEFICIT_ZONES),
            ),
        )
        .where(ranked.c.rank == 1)
    )


# --- what the audience screens offer ---------------------------------------------------------

EVENTS_PAGE = 6


async def org_level(
    session: AsyncSession, identity: Identity, parent_id: int, page: int
) -> tuple[Organization | None, orgs.Page, int]:
    """One level of the organization tree and the level above it, never above the author's
    scope (0: the top, i.e. the author's scopes, or the regions for admins). The top lists the
    scopes even when there is one: an organization is marked in the list its parent shows."""
    level = await identity.scope.level(session, parent_id, page, enter_single_root=False)
    return level.parent, level.page, level.up or 0


async def event_page(session: AsyncSession, identity: Identity, page: int) -> tuple[list[Event], int, int]:
    """Events inside the author's scope, latest first: their registrants can be addressed."""
    where = [Event.status != EventStatus.cancelled]
    allowed = await scope_org_ids(session, identity)
    if allowed is not None:
        where.append(Event.scope_org_id.in_(sorted(allowed)))
    total = await session.scalar(select(func.count()).select_from(Event).where(*where)) or 0
    at = window(total, page, EVENTS_PAGE)
    page, pages = at.page, at.pages
    items = await session.scalars(
        select(Event).where(*where).order_by(Event.starts_at.desc(), Event.id.desc()).offset(at.offset).limit(at.limit)
    )
    return list(items), page, pages


async def org_names(session: AsyncSession, spec: dict) -> list[str]:
    return [await orgs.display_name(session, org_id) for org_id in normalize(spec).get("orgs", [])]
