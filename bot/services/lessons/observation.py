"""The visitor's observation card: the items of the lesson's areas rated 0–3 as the host showed
them, what to take into one's own practice, an optional question. It reaches the host (the ratings
are for the host only) and completes the visitor's ИОМ step for the visit."""

from datetime import datetime
from html import escape

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.lessons import hosting, inputs
from bot.services.practices.publishing import known_items
from bot.services.shared import orgs, outbox
from bot.services.shared.errors import InvalidInput, NotFound
from models import LessonStatus, LessonVisit, OpenLesson, StepStatus, User, VisitStatus

SCALE = (0, 1, 2, 3)


async def items_of(session: AsyncSession, lesson: OpenLesson) -> list[tuple[str, str]]:
    """(code, statement) of the questionnaire items of the lesson's areas, in order."""
    return [(code, text) for code, text in (await known_items(session)).items() if code.split(".")[0] in lesson.areas]


async def open_card(session: AsyncSession, user: User, lesson_id: int, now: datetime) -> OpenLesson:
    """The lesson whose card the visitor may fill now: booked, begun, not cancelled, not filled yet."""
    lesson = await session.get(OpenLesson, lesson_id)
    visit = await session.scalar(
        select(LessonVisit).where(LessonVisit.lesson_id == lesson_id, LessonVisit.visitor_id == user.id)
    )
    if lesson is None or visit is None or visit.status != VisitStatus.booked:
        raise NotFound("Карточку наблюдения заполняют гости, записанные на этот урок.")
    if lesson.status == LessonStatus.cancelled or lesson.starts_at > now:
        raise InvalidInput("Карточку можно заполнить после урока.")
    if visit.card_at is not None:
        raise InvalidInput("Вы уже отправили карточку по этому уроку.")
    return lesson


async def save(
    session: AsyncSession,
    user: User,
    lesson_id: int,
    ratings: dict[str, int],
    takeaway: str | None,
    question: str | None,
    now: datetime,
) -> LessonVisit:
    lesson = await open_card(session, user, lesson_id, now)
    expected = {code for code, _ in await items_of(session, lesson)}
    if set(ratings) != expected or any(value not in SCALE for value in ratings.values()):
        raise InvalidInput("Оцените каждый пункт кнопками 0–3.")
    visit = await session.scalar(
        select(LessonVisit).where(LessonVisit.lesson_id == lesson.id, LessonVisit.visitor_id == user.id)
    )
    visit.ratings = dict(sorted(ratings.items()))
    visit.takeaway = inputs.parse_note(takeaway, "Что возьмёте в свою практику")
    visit.question = inputs.parse_note(question, "Вопрос автору урока") if question else None
    visit.card_at = now
    await _complete_step(session, visit, now)
    await _tell_host(session, lesson, visit, user)
    return visit


async def _complete_step(session: AsyncSession, visit: LessonVisit, now: datetime) -> None:
    found = await hosting.visit_step(session, visit)
    if found is None:
        return  # no step, removed by the teacher, or a rebuilt route
    route, step = found
    step.status, step.done_at, step.reflection = StepStatus.done, now, visit.takeaway
    await hosting.settle_step(session, route, step)


async def _tell_host(session: AsyncSession, lesson: OpenLesson, visit: LessonVisit, visitor: User) -> None:
    host = await session.get(User, lesson.host_id)
    if host is None or host.telegram_id is None:
        return
    where = await orgs.display_name(session, visitor.organization_id)
    scores = ", ".join(f"{code} — {value}" for code, value in visit.ratings.items())
    lines = [
        f"📝 Карточка наблюдения по вашему уроку «{escape(lesson.topic)}»",
        f"От: {escape(visitor.full_name or '')} ({escape(where)})",
        f"Оценки (видите только вы): {scores}",
        f"Возьму в свою практику: {escape(visit.takeaway or '')}",
    ]
    if visit.question:
        lines.append(f"Вопрос: {escape(visit.question)}")
    await outbox.enqueue(
        session,
        key=f"lesson_observation:{visit.id}",
        chat_id=host.telegram_id,
        purpose="lesson_observation",
        text="\n".join(lines),
        timezone=host.timezone,
    )
