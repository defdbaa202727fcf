"""What /delete_me does to open lessons, for the same reason as to practices (see
bot/services/practices/privacy.py): a lesson names its host's school, class and subject, so it is
removed rather than anonymized. Lessons still to come are cancelled first, so their visitors are
told and their ИОМ steps for the visit go. The person's own observation cards lose their text."""

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.lessons import hosting
from models import LessonStatus, LessonVisit, OpenLesson, User, VisitStatus


async def forget(session: AsyncSession, user: User) -> None:
    planned = await session.scalars(
        select(OpenLesson.id).where(
            OpenLesson.host_id == user.id, OpenLesson.status.in_((LessonStatus.planned, LessonStatus.pending))
        )
    )
    for lesson_id in list(planned):
        await hosting.cancel(session, user, lesson_id)
    await session.flush()
    await session.execute(delete(OpenLesson).where(OpenLesson.host_id == user.id))
    for visit in await session.scalars(
        select(LessonVisit).where(LessonVisit.visitor_id == user.id, LessonVisit.status == VisitStatus.booked)
    ):
        lesson = await session.get(OpenLesson, visit.lesson_id)
        if lesson is not None and lesson.status == LessonStatus.planned:
            visit.status = VisitStatus.cancelled  # the place goes back to colleagues
    await session.execute(
        update(LessonVisit).where(LessonVisit.visitor_id == user.id).values(takeaway=None, question=None)
    )
