"""What verified courses say about a teacher (hours per year, the last course) and who has had no
verified course for three years: the legal period of повышение квалификации (273-ФЗ, ст. 47)."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.route.plan import add_months
from bot.services.shared import roles
from bot.services.shared.paging import window
from bot.services.shared.roles import Identity
from models import CourseRecord, CourseStatus, Position, User

PERIOD_YEARS = 3
YEARS_SHOWN = 3
PAGE_SIZE = 10
TEACHING = (Position.teacher, Position.educator, Position.additional_ed, Position.head, Position.deputy_head)


@dataclass(frozen=True)
class CourseSummary:
    hours_by_year: dict[int, int]  # the last YEARS_SHOWN calendar years, newest first
    last_end: date | None
    overdue: bool  # no verified course ended in the last three years


def _since(today: date) -> date:
    return add_months(today, -12 * PERIOD_YEARS)


async def summary(session: AsyncSession, user_id: int, today: date) -> CourseSummary:
    verified = (CourseRecord.user_id == user_id, CourseRecord.status == CourseStatus.verified)
    last_end = await session.scalar(select(func.max(CourseRecord.end_date)).where(*verified))
    first_year = today.year - YEARS_SHOWN + 1
    rows = await session.execute(
        select(CourseRecord.end_date, CourseRecord.hours).where(
            *verified, CourseRecord.end_date >= date(first_year, 1, 1), CourseRecord.end_date <= today
        )
    )
    hours = dict.fromkeys(range(today.year, first_year - 1, -1), 0)
    for end, count in rows:
        hours[end.year] += count
    return CourseSummary(hours, last_end, last_end is None or last_end < _since(today))


@dataclass(frozen=True)
class StalePage:
    items: list[tuple[User, date | None]]  # the teacher and their last verified course, if any
    page: int
    pages: int
    total: int


async def stale(session: AsyncSession, identity: Identity, today: date, page: int = 0) -> StalePage:
    """Teachers of the methodist's scope without a verified course ended in the last three years."""
    roles.require_methodist(identity)
    last = (
        select(func.max(CourseRecord.end_date))
        .where(CourseRecord.user_id == User.id, CourseRecord.status == CourseStatus.verified)
        .scalar_subquery()
    )
    ids = await identity.scope.org_ids(session)
    where = [User.erased_at.is_(None), User.position.in_(TEACHING), (last.is_(None)) | (last < _since(today))]
    if ids is not None:
        where.append(User.organization_id.in_(ids))
    total = await session.scalar(select(func.count()).select_from(User).where(*where)) or 0
    at = window(total, page, PAGE_SIZE)
    rows = await session.execute(
        select(User, last.label("last"))
        .where(*where)
        .order_by(User.full_name, User.id)
        .offset(at.offset)
        .limit(at.limit)
    )
    return StalePage([(user, last_end) for user, last_end in rows], at.page, at.pages, total)
