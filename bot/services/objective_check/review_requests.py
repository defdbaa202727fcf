"""A teacher asks for a lesson review (разбор урока) with a methodist or mentor instead of relying on
the objective check (domain.md §2, «Проверка самооценки»). One open request per teacher: a double
tap or a repeat finds the open one (and adds the areas it names). The teacher's mentors (active
pairs) and the nearest methodists of the teacher's organization hear of it through the outbox; every
methodist whose scope covers the teacher sees it in /review_requests (review_queue)."""

from dataclasses import dataclass
from datetime import datetime
from html import escape

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.mentoring.dashboard import my_mentors
from bot.services.objective_check import attempts
from bot.services.objective_check.bank import TEACHER_AREAS
from bot.services.shared import orgs, outbox, roles
from bot.services.shared.errors import InvalidInput
from bot.services.shared.labels import area_label
from models import LessonReviewRequest, User

PURPOSE = "lesson_review_request"


@dataclass(frozen=True)
class Asked:
    request: LessonReviewRequest
    created: bool  # False: one was open already (a double tap, or asked again)
    mentors: list[str]  # names of the mentors told
    methodists: int  # how many methodists were told


def areas_text(areas: list[str]) -> str:
    return "; ".join(area_label(a) for a in areas) if areas else "область не указана"


async def open_request(session: AsyncSession, user_id: int) -> LessonReviewRequest | None:
    return await session.scalar(select(LessonReviewRequest).where(LessonReviewRequest.open_user_id == user_id))


async def ask(session: AsyncSession, user: User, areas: list[str], now: datetime) -> Asked:
    """Record the request (or find the open one) and tell the mentors and the methodists."""
    if any(area not in TEACHER_AREAS for area in areas):
        raise InvalidInput("Такой области нет в проверке. Откройте /check и нажмите кнопку заново.")
    # Two taps at once (PostgreSQL): the second waits here and then finds the first one's request.
    await session.execute(select(User.id).where(User.id == user.id).with_for_update())
    existing = await open_request(session, user.id)
    if existing is not None:
        merged = sorted(set(existing.areas) | set(areas), key=int)
        if merged != list(existing.areas):
            existing.areas = merged
        return Asked(existing, False, [], 0)
    request = LessonReviewRequest(
        user_id=user.id, areas=sorted(set(areas), key=int), open_user_id=user.id, created_at=now
    )
    session.add(request)
    await session.flush()
    who = f"{escape(user.full_name or '—')} ({escape(await orgs.display_name(session, user.organization_id))})"
    about = escape(areas_text(request.areas))
    mentors = await my_mentors(session, user)
    mentor_ids = {m.mentor.telegram_id for m in mentors}
    methodists = [
        (telegram_id, zone)
        for telegram_id, zone in await roles.methodists_near(session, user.organization_id, skip=user.telegram_id)
        if telegram_id not in mentor_ids  # a methodist who is also the mentor hears it once, as the mentor
    ]
    also = "; методист тоже получил запрос" if methodists else ""
    for mine in mentors:
        await outbox.tell(
            session,
            mine.mentor,
            key=f"lesson-review:{request.id}:mentor:{mine.mentor.id}",
            purpose=PURPOSE,
            text=f"🧑‍🏫 Ваш подопечный {who} просит разбор урока вместо объективной проверки самооценки.\n"
            f"Области: {about}.\nДоговоритесь о посещении урока и разберите его вместе{also}.",
            buttons=[[outbox.button("Открыть карточку подопечного", "mentee_open", pair_id=mine.pair.id)]],
        )
    for telegram_id, zone in methodists:
        await outbox.enqueue(
            session,
            key=f"lesson-review:{request.id}:methodist:{telegram_id}",
            chat_id=telegram_id,
            purpose=PURPOSE,
            timezone=zone,
            text=(
                f"🧑‍🏫 Запрос на разбор урока: {who}.\nОбласти: {about}.\nПедагог просит разбор урока "
                "вместо объективной проверки самооценки. Все запросы вашей зоны: /review_requests"
            ),
            buttons=[[outbox.button("Открыть запрос", "lesson_review", request_id=request.id)]],
        )
    return Asked(request, True, [m.mentor.full_name or "—" for m in mentors], len(methodists))


async def export(session: AsyncSession, user_id: int) -> list[dict]:
    """A person's requests in their data export (/my_data)."""
    rows = await session.scalars(
        select(LessonReviewRequest).where(LessonReviewRequest.user_id == user_id).order_by(LessonReviewRequest.id)
    )
    return [
        {
            "areas": list(r.areas),
            "status": r.status.value,
            "created_at": r.created_at.isoformat(),
            "handled_at": r.handled_at.isoformat() if r.handled_at else None,
        }
        for r in rows
    ]


async def forget(session: AsyncSession, user: User) -> None:
    """/delete_me: the person's requests go (a request is about them and counts in no figure); the
    methodist who handled others' requests is no longer named on them."""
    await session.execute(delete(LessonReviewRequest).where(LessonReviewRequest.user_id == user.id))
    if user.telegram_id is not None:
        await session.execute(
            update(LessonReviewRequest)
            .where(LessonReviewRequest.handled_by == user.telegram_id)
            .values(handled_by=None)
        )


async def severe_areas(session: AsyncSession, user_id: int) -> list[str]:
    """What a request from the /check list is about: the areas of the latest self-assessment in the
    severe zone, those the check is offered for (none: the methodist asks the teacher)."""
    _, zones = await attempts.self_assessment(session, user_id)
    return sorted((area for area, zone in zones.items() if zone == "severe" and area in TEACHER_AREAS), key=int)
