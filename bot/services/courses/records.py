"""A teacher's own course records: the draft a dialog fills, saving it, the list, finishing a course
that was in progress, replacing the certificate of a returned record, and removing a record."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.courses.inputs import check_dates, parse_frdpp_number, parse_hours, parse_provider, parse_title
from bot.services.route.common import LIVE, today
from bot.services.shared.errors import InvalidInput, NotFound
from bot.services.shared.labels import AREA_TITLES
from bot.services.shared.paging import window
from models import CourseForm, CourseRecord, CourseStatus, Route, RouteStep, StepStatus, User

PAGE_SIZE = 6
TEACHER_AREAS = tuple(code for code in AREA_TITLES if code.isdigit())
NOT_YOURS = "Запись о курсе не найдена среди ваших: возможно, она удалена."


@dataclass(frozen=True)
class CourseDraft:
    """What the /courses dialog collected; `save` checks it all again (the FSM data is user-held state)."""

    completed: bool
    title: str
    provider: str
    hours: int
    start: date
    end: date
    form: str
    frdpp: bool
    frdpp_number: str | None
    area: str | None
    step_id: int | None
    file_id: str | None
    file_kind: str | None


async def route_steps_for_courses(session: AsyncSession, user: User) -> list[RouteStep]:
    """The planned formal steps of the teacher's live ИОМ: a course recorded for one completes it."""
    return list(
        await session.scalars(
            select(RouteStep)
            .join(Route, Route.id == RouteStep.route_id)
            .where(
                Route.user_id == user.id,
                Route.status.in_(LIVE),
                RouteStep.status == StepStatus.planned,
                RouteStep.form == "formal",
            )
            .order_by(RouteStep.deadline, RouteStep.position)
            .limit(5)
        )
    )


async def check_link(session: AsyncSession, user: User, area: str | None, step_id: int | None) -> str | None:
    """The area a course develops: a teacher area, or the area of one of the teacher's own steps."""
    if step_id:
        steps = {step.id: step for step in await route_steps_for_courses(session, user)}
        if step_id not in steps:
            raise NotFound("Этот шаг не найден среди запланированных шагов вашего ИОМ.")
        return steps[step_id].area
    if area is not None and area not in TEACHER_AREAS:
        raise InvalidInput("Выберите область из списка.")
    return area


async def save(session: AsyncSession, user: User, draft: CourseDraft, now: datetime) -> CourseRecord:
    check_dates(draft.start, draft.end, today(user, now), completed=draft.completed)
    if draft.completed and not draft.file_id:
        raise InvalidInput("Пришлите удостоверение фотографией или PDF-файлом.")
    area = await check_link(session, user, draft.area, draft.step_id)
    record = CourseRecord(
        user_id=user.id,
        title=parse_title(draft.title),
        provider=parse_provider(draft.provider),
        hours=parse_hours(str(draft.hours)),
        start_date=draft.start,
        end_date=draft.end,
        form=CourseForm(draft.form),
        frdpp=draft.frdpp,
        frdpp_number=parse_frdpp_number(draft.frdpp_number) if draft.frdpp else None,
        area=area,
        step_id=draft.step_id or None,
        certificate_file_id=draft.file_id[:200] if draft.file_id else None,
        certificate_kind=draft.file_kind if draft.file_id else None,
        status=CourseStatus.pending if draft.completed else CourseStatus.in_progress,
        source="teacher",
    )
    session.add(record)
    await session.flush()
    return record


async def owned(session: AsyncSession, user: User, record_id: int) -> CourseRecord:
    record = await session.get(CourseRecord, record_id)
    if record is None or record.user_id != user.id:
        raise NotFound(NOT_YOURS)
    return record


@dataclass(frozen=True)
class CoursePage:
    items: list[CourseRecord]
    page: int
    pages: int
    total: int


async def my_courses(session: AsyncSession, user: User, page: int = 0) -> CoursePage:
    where = CourseRecord.user_id == user.id
    total = await session.scalar(select(func.count()).select_from(CourseRecord).where(where)) or 0
    at = window(total, page, PAGE_SIZE)
    items = await session.scalars(
        select(CourseRecord)
        .where(where)
        .order_by(CourseRecord.end_date.desc(), CourseRecord.id.desc())
        .offset(at.offset)
        .limit(at.limit)
    )
    return CoursePage(list(items), at.page, at.pages, total)


async def finish(
    session: AsyncSession, user: User, record_id: int, end: date, file_id: str, file_kind: str, now: datetime
) -> CourseRecord:
    """A course in progress is over: its real end date and the certificate send it for verification."""
    record = await owned(session, user, record_id)
    if record.status != CourseStatus.in_progress:
        raise InvalidInput("Этот курс уже отмечен завершённым.")
    check_dates(record.start_date, end, today(user, now), completed=True)
    record.end_date, record.status = end, CourseStatus.pending
    record.certificate_file_id, record.certificate_kind = file_id[:200], file_kind
    return record


async def resubmit(session: AsyncSession, user: User, record_id: int, file_id: str, file_kind: str) -> CourseRecord:
    """A returned record goes back to the methodist with a new certificate."""
    record = await owned(session, user, record_id)
    if record.status != CourseStatus.returned:
        raise InvalidInput("Эта запись не возвращена на доработку.")
    record.certificate_file_id, record.certificate_kind = file_id[:200], file_kind
    record.status, record.return_reason = CourseStatus.pending, None
    return record


async def remove(session: AsyncSession, user: User, record_id: int) -> None:
    record = await owned(session, user, record_id)
    if record.status == CourseStatus.verified:
        raise InvalidInput("Подтверждённый методистом курс удалить нельзя: он уже учтён в отчётах.")
    await session.delete(record)
