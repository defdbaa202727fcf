"""A pair's life as the methodist runs it: every check before creation, creation with the default
terms, changing the terms, the lists of pairs, ending, and the final reviews of both sides."""

from datetime import date, datetime, timedelta
from html import escape

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import route as routes
from bot.services.mentoring.access import in_scope, member_pair, mentee_for, methodist_pair, methodist_scope
from bot.services.mentoring.common import PairRow, municipality_of, pair_rows, tell
from bot.services.mentoring.rules import (
    DEFAULT_CADENCE,
    DEFAULT_CAPACITY,
    DEFAULT_TERM,
    MAX_CADENCE,
    MAX_GOAL,
    MAX_TERM,
    MAX_TEXT,
    MIN_CADENCE,
    MIN_TERM,
    PAGE_SIZE,
    TYPE_LABELS,
    cadence_label,
    check_term,
    parse_day,
)
from bot.services.route.plan import add_months
from bot.services.shared import audit, orgs, outbox, roles
from bot.services.shared.errors import AccessDenied, InvalidInput, NotFound
from bot.services.shared.labels import plural
from bot.services.shared.paging import Page, paged
from bot.services.shared.roles import Identity
from bot.services.shared.validation import clean_text
from models import MentorPair, PairStatus, PairType, Role, RoleGrant, User


async def active_count(session: AsyncSession, mentor_id: int) -> int:
    return (
        await session.scalar(
            select(func.count())
            .select_from(MentorPair)
            .where(MentorPair.mentor_id == mentor_id, MentorPair.status == PairStatus.active)
        )
        or 0
    )


async def prepare_pair(
    session: AsyncSession,
    identity: Identity,
    mentee_id: int,
    mentor_id: int,
    pair_type: PairType,
    now: datetime,
    capacity: int = DEFAULT_CAPACITY,
) -> tuple[User, User]:
    """Every check a new pair must pass; run when the methodist taps a candidate and again on creation."""
    mentee = await mentee_for(session, identity, mentee_id, pair_type, now)
    mentor = await session.scalar(select(User).where(User.id == mentor_id).with_for_update())
    if mentor is None or mentor.telegram_id is None:
        raise NotFound("Наставник не найден: возможно, он удалил свои данные.")
    if mentor.id == mentee.id:
        raise InvalidInput("Педагог не может быть наставником самому себе.")
    muni = await municipality_of(session, mentee.organization_id)
    if not (
        muni and await orgs.is_within(session, mentor.organization_id, muni.id)
    ) and not await roles.methodist_covers(session, identity, mentor.organization_id):
        raise AccessDenied("Наставник должен работать в том же муниципалитете или в вашей зоне ответственности.")
    if await session.scalar(
        select(MentorPair.id).where(
            MentorPair.mentor_id == mentor.id, MentorPair.mentee_id == mentee.id, MentorPair.status == PairStatus.active
        )
    ):
        raise InvalidInput("Эта пара уже работает.")
    load = await active_count(session, mentor.id)
    if load >= capacity:
        raise InvalidInput(
            f"У этого наставника уже {load} {plural(load, 'подопечный', 'подопечных', 'подопечных')}"
            f" — это предел ({capacity}). Выберите другого наставника или завершите одну из его пар."
        )
    return mentee, mentor


async def create_pair(
    session: AsyncSession,
    identity: Identity,
    mentee_id: int,
    mentor_id: int,
    pair_type: PairType,
    goal: str | None,
    now: datetime,
    capacity: int = DEFAULT_CAPACITY,
) -> MentorPair:
    """A pair with the default terms (from today, 6 months, a meeting every 2 weeks); the mentor
    gets the mentor role in the mentee's organization; both sides are told through the outbox."""
    mentee, mentor = await prepare_pair(session, identity, mentee_id, mentor_id, pair_type, now, capacity)
    today = routes.today(mentee, now)
    pair = MentorPair(
        mentor_id=mentor.id,
        mentee_id=mentee.id,
        type=pair_type,
        goal=clean_text(goal, MAX_GOAL, "Цель наставничества"),
        starts_on=today,
        planned_end=add_months(today, DEFAULT_TERM),
        cadence_days=DEFAULT_CADENCE,
        status=PairStatus.active,
        created_by=identity.telegram_id,
        escalation_level=0,
    )
    session.add(pair)
    await session.flush()
    await _ensure_mentor_role(session, mentor, mentee.organization_id)
    await audit.record(
        session,
        identity.telegram_id,
        "pair.create",
        f"pair:{pair.id}",
        mentor=mentor.id,
        mentee=mentee.id,
        type=pair_type.value,
    )
    await _announce(session, pair, mentor, mentee)
    return pair


async def _ensure_mentor_role(session: AsyncSession, mentor: User, org_id: int | None) -> None:
    """Grant the mentor role in the mentee's organization unless a grant already covers it."""
    scopes = await session.scalars(
        select(RoleGrant.scope_org_id).where(RoleGrant.telegram_id == mentor.telegram_id, RoleGrant.role == Role.mentor)
    )
    if org_id is None or any([await orgs.is_within(session, org_id, scope) for scope in scopes]):
        return
    await roles.grant(session, None, Role.mentor, mentor.telegram_id, org_id)


async def _announce(session: AsyncSession, pair: MentorPair, mentor: User, mentee: User) -> None:
    terms = (
        f"Форма: {TYPE_LABELS[pair.type]}\nЦель: {escape(pair.goal)}\n"
        f"Срок: {pair.starts_on:%d.%m.%Y} — {pair.planned_end:%d.%m.%Y}, "
        f"встречи {cadence_label(pair.cadence_days)}"
    )
    mentee_org = escape(await orgs.display_name(session, mentee.organization_id))
    mentor_org = escape(await orgs.display_name(session, mentor.organization_id))
    await tell(
        session,
        mentor,
        f"pair:{pair.id}:mentor",
        f"🤝 Вы назначены наставником: <b>{escape(mentee.full_name or '')}</b> ({mentee_org}).\n{terms}\n\n"
        "Подопечные, их маршруты и записи встреч — /mentees",
        [[outbox.button("Открыть карточку", "mentee_open", pair_id=pair.id)]],
    )
    await tell(
        session,
        mentee,
        f"pair:{pair.id}:mentee",
        f"🤝 Вам назначен наставник: <b>{escape(mentor.full_name or '')}</b> ({mentor_org}).\n{terms}\n\n"
        "Написать наставнику можно через бота: /mentor",
    )


async def active_pair_for_methodist(session: AsyncSession, identity: Identity, pair_id: int) -> MentorPair:
    pair = await methodist_pair(session, identity, pair_id)
    if pair.status != PairStatus.active:
        raise InvalidInput("Пара уже завершена — её условия не меняются.")
    return pair


async def update_terms(
    session: AsyncSession,
    identity: Identity,
    pair_id: int,
    now: datetime,
    *,
    months: int | None = None,
    cadence_days: int | None = None,
    start_text: str | None = None,
    end_text: str | None = None,
) -> MentorPair:
    """Change the defaults a pair was created with: the term (3–9 months), the start, the cadence."""
    pair = await active_pair_for_methodist(session, identity, pair_id)
    if start_text is not None:  # moving the start keeps the length of the term
        mentee = await session.get(User, pair.mentee_id)
        start = parse_start(start_text, routes.today(mentee, now))
        pair.planned_end, pair.starts_on = pair.planned_end + (start - pair.starts_on), start
    if months and not MIN_TERM <= months <= MAX_TERM:  # from a button: bounded before any date arithmetic
        raise InvalidInput(f"Срок наставничества — от {MIN_TERM} до {MAX_TERM} месяцев.")
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


async def pairs_in_scope(session: AsyncSession, identity: Identity, status: PairStatus, page: int = 0) -> Page:
    scope = await methodist_scope(session, identity)
    query = (
        select(MentorPair)
        .join(User, User.id == MentorPair.mentee_id)
        .where(MentorPair.status == status, in_scope(User.organization_id, scope))
        .order_by(MentorPair.id.desc())
    )
    found = await paged(session, query, page, PAGE_SIZE)
    return Page(await pair_rows(session, found.items), found.page, found.pages)


async def pair_row(session: AsyncSession, identity: Identity, pair_id: int) -> PairRow:
    return (await pair_rows(session, [await methodist_pair(session, identity, pair_id)]))[0]


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
        await tell(
            session,
            who,
            f"pair:{pair.id}:ended:{role}",
            f"Наставничество завершено ({escape(other.full_name or '—') if other else '—'}). Спасибо за "
            "работу! Напишите, пожалуйста, короткий итоговый отзыв: что получилось, что пригодится дальше.",
            [[outbox.button("Оставить отзыв", "pair_review", pair_id=pair.id)]],
        )
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
