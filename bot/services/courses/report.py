"""The «Курсы ПК» sheet of the /report workbook: every course of the scope's teachers that ended in
the period (or is planned to), with its status, so the methodist sees what counts and what waits."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.monitoring.indicators import Window, people, scope_cte
from models import CourseForm, CourseRecord, CourseStatus, Organization, User

FORMS = {CourseForm.in_person: "очно", CourseForm.distance: "дистанционно"}
STATUSES = {
    CourseStatus.in_progress: "идёт",
    CourseStatus.pending: "на проверке",
    CourseStatus.returned: "возвращён на доработку",
    CourseStatus.verified: "подтверждён",
}


@dataclass(frozen=True)
class CourseRow:
    full_name: str
    organization: str
    title: str
    provider: str
    hours: int
    start: date
    end: date
    form: str
    frdpp_number: str  # empty when the programme is not in ФР ДПП
    status: str


async def course_rows(session: AsyncSession, root_id: int, window: Window) -> list[CourseRow]:
    pop = (
        people(scope_cte(root_id), window, User.full_name, Organization.name.label("org"))
        .join(Organization, Organization.id == User.organization_id)
        .subquery("pop")
    )
    query = (
        select(pop.c.full_name, pop.c.org, CourseRecord)
        .join(CourseRecord, CourseRecord.user_id == pop.c.user_id)
        .where(CourseRecord.end_date >= window.start, CourseRecord.end_date <= window.end)
        .order_by(pop.c.org, pop.c.full_name, CourseRecord.end_date, CourseRecord.id)
    )
    return [
        CourseRow(
            name or "(данные удалены)",
            org,
            c.title,
            c.provider,
            c.hours,
            c.start_date,
            c.end_date,
            FORMS[c.form],
            c.frdpp_number or "" if c.frdpp else "",
            STATUSES[c.status],
        )
        for name, org, c in await session.execute(query)
    ]
