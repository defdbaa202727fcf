"""Verification by a methodist of the teacher's scope: the queue, approve, return with a reason.
Every action re-checks the scope (the record id is user input) and refuses a person's own record."""

from dataclasses import dataclass
from datetime import datetime
from html import escape

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.courses.inputs import parse_reason
from bot.services.courses.route_link import complete_step
from bot.services.shared import audit, outbox, roles
from bot.services.shared.errors import AccessDenied, InvalidInput, NotFound
from bot.services.shared.paging import window
from bot.services.shared.roles import Identity
from models import CourseRecord, CourseStatus, RouteStep, User

PAGE_SIZE = 6
OWN_RECORD = "Свою запись о курсе проверяет другой методист."


@dataclass(frozen=True)
class Pending:
    items: list[tuple[CourseRecord, User]]
    page: int
    pages: int
    total: int


async def _in_scope(session: AsyncSession, identity: Identity):
    ids = await identity.scope.org_ids(session)
    return True if ids is None else User.organization_id.in_(ids)


async def pending(session: AsyncSession, identity: Identity, page: int = 0) -> Pending:
    roles.require_methodist(identity)
    not_own = or_(User.telegram_id.is_(None), User.telegram_id != identity.telegram_id)  # another methodist checks
    where = (CourseRecord.status == CourseStatus.pending, await _in_scope(session, identity), not_own)
    count = select(func.count()).select_from(CourseRecord).join(User, User.id == CourseRecord.user_id).where(*where)
    total = await session.scalar(count) or 0
    at = window(total, page, PAGE_SIZE)
    rows = await session.execute(
        select(CourseRecord, User)
        .join(User, User.id == CourseRecord.user_id)
        .where(*where)
        .order_by(CourseRecord.updated_at, CourseRecord.id)
        .offset(at.offset)
        .limit(at.limit)
    )
    return Pending([(record, user) for record, user in rows], at.page, at.pages, total)


async def for_review(session: AsyncSession, identity: Identity, record_id: int) -> tuple[CourseRecord, User]:
    """The record and its teacher, if the identity is a methodist covering the teacher."""
    roles.require_methodist(identity)
    record = await session.get(CourseRecord, record_id)
    teacher = await session.get(User, record.user_id) if record else None
    if record is None or teacher is None:
        raise NotFound("Запись о курсе не найдена: возможно, педагог её удалил.")
    if not await roles.methodist_covers(session, identity, teacher.organization_id):
        raise AccessDenied(roles.OUT_OF_SCOPE)
    if teacher.telegram_id is not None and teacher.telegram_id == identity.telegram_id:
        raise AccessDenied(OWN_RECORD)
    return record, teacher


async def approve(
    session: AsyncSession, identity: Identity, record_id: int, now: datetime
) -> tuple[CourseRecord, RouteStep | None]:
    record, teacher = await for_review(session, identity, record_id)
    if record.status == CourseStatus.verified:
        return record, None  # a double tap
    if record.status != CourseStatus.pending:
        raise InvalidInput("Эта запись не ждёт проверки.")
    record.status, record.verified_by, record.verified_at, record.return_reason = (
        CourseStatus.verified,
        identity.telegram_id,
        now,
        None,
    )
    step = await complete_step(session, record, now)
    await audit.record(session, identity.telegram_id, "course.verify", f"course:{record.id}")
    done = f"\nШаг ИОМ «{escape(step.title)}» отмечен выполненным, удостоверение приложено." if step else ""
    await outbox.tell(
        session,
        teacher,
        key=f"course-verified:{record.id}",
        purpose="course_verified",
        text=f"Методист подтвердил курс «{escape(record.title)}» ({record.hours} ч).{done}\nВаши курсы: /courses",
    )
    return record, step


async def send_back(
    session: AsyncSession, identity: Identity, record_id: int, reason: str, now: datetime
) -> CourseRecord:
    record, teacher = await for_review(session, identity, record_id)
    if record.status != CourseStatus.pending:
        raise InvalidInput("Эта запись не ждёт проверки.")
    record.status, record.return_reason = CourseStatus.returned, parse_reason(reason)
    await audit.record(session, identity.telegram_id, "course.return", f"course:{record.id}")
    await outbox.tell(
        session,
        teacher,
        key=f"course-returned:{record.id}:{now.isoformat()}",
        purpose="course_returned",
        text=(
            f"Методист вернул запись о курсе «{escape(record.title)}» на доработку.\n"
            f"Причина: {escape(record.return_reason)}\nИсправьте в /courses."
        ),
    )
    return record
