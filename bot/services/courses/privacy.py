"""A person's course records in their data export, and what erasure blanks: the certificate (a
photo of a document with their name) and the methodist's return reason. Hours, dates and the ФР ДПП
flag stay for the anonymous indicators, like the rest of an erased person's row."""

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import CourseRecord


async def export(session: AsyncSession, user_id: int) -> list[dict]:
    records = await session.scalars(
        select(CourseRecord).where(CourseRecord.user_id == user_id).order_by(CourseRecord.start_date, CourseRecord.id)
    )
    return [
        {
            "title": r.title,
            "provider": r.provider,
            "hours": r.hours,
            "start": r.start_date.isoformat(),
            "end": r.end_date.isoformat(),
            "form": r.form.value,
            "frdpp_number": r.frdpp_number,
            "area": r.area,
            "status": r.status.value,
            "certificate": r.certificate_kind,
            "return_reason": r.return_reason,
        }
        for r in records
    ]


async def erase(session: AsyncSession, user_id: int) -> None:
    await session.execute(
        update(CourseRecord)
        .where(CourseRecord.user_id == user_id)
        .values(certificate_file_id=None, certificate_kind=None, return_reason=None)
    )
