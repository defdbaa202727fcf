"""The gates every mentoring action passes: the methodist's scope (for pairs and for people to
pair), the mentor's own active pair, a member of the pair."""

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import route as routes
from bot.services.mentoring.rules import is_young_specialist
from bot.services.shared import roles
from bot.services.shared.errors import AccessDenied, InvalidInput, NotFound
from bot.services.shared.roles import Identity
from models import MentorPair, PairStatus, PairType, User

NOT_YOURS = "Это не ваш подопечный: наставничество завершено или закреплено за другим наставником."


async def methodist_scope(session: AsyncSession, identity: Identity) -> set[int] | None:
    """Organization ids a methodist covers; None means everywhere (admins)."""
    roles.require_methodist(identity)
    return await identity.scope.org_ids(session)


def in_scope(column, scope: set[int] | None):
    return column.is_not(None) if scope is None else column.in_(scope)


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


async def mentee_in_scope(session: AsyncSession, identity: Identity, mentee_id: int) -> User:
    roles.require_methodist(identity)
    mentee = await session.get(User, mentee_id)
    await roles.require_methodist_for(session, identity, mentee.organization_id if mentee else None)
    if mentee is None or mentee.telegram_id is None:
        raise NotFound("Педагог не найден: возможно, он удалил свои данные.")
    return mentee


async def mentee_for(
    session: AsyncSession, identity: Identity, mentee_id: int, pair_type: PairType, now: datetime
) -> User:
    mentee = await mentee_in_scope(session, identity, mentee_id)
    if pair_type == PairType.young_specialist and not is_young_specialist(
        mentee.birth_year, mentee.experience_years, routes.today(mentee, now)
    ):
        raise InvalidInput("Форма «наставник — молодой специалист» — для педагогов до 35 лет со стажем до 3 лет.")
    return mentee
