"""The methodist's side of the lesson-review requests (review_requests): the open ones of teachers in
their scope, oldest first, one request with the self-assessment and check it is about, and marking it
handled (the teacher is told). Every action re-checks the scope: a request id comes from a button."""

from dataclasses import dataclass
from datetime import datetime
from html import escape

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.objective_check import attempts
from bot.services.objective_check.review_requests import areas_text
from bot.services.shared import audit, orgs, outbox, roles
from bot.services.shared.errors import AccessDenied, NotFound
from bot.services.shared.paging import Page, paged
from bot.services.shared.roles import Identity
from models import LessonReviewRequest, ObjectiveCheck, ReviewRequestStatus, User

PAGE_SIZE = 8
GONE = "Запрос не найден: возможно, педагог удалил свои данные."
OWN_REQUEST = "Свой запрос на разбор урока отмечает другой методист."


@dataclass(frozen=True)
class Card:
    request: LessonReviewRequest
    teacher: User
    organization: str
    self_zones: dict[str, str]  # area -> zone of the latest diagnosis
    checks: dict[str, ObjectiveCheck]  # area -> the latest completed check


async def open_requests(session: AsyncSession, identity: Identity, page: int = 0) -> Page:
    roles.require_methodist(identity)
    where = [
        LessonReviewRequest.status == ReviewRequestStatus.open,
        or_(User.telegram_id.is_(None), User.telegram_id != identity.telegram_id),  # another methodist's
    ]
    scope = await identity.scope.org_ids(session)
    if scope is not None:
        where.append(User.organization_id.in_(scope))
    joined = select(LessonReviewRequest, User).join(User, User.id == LessonReviewRequest.user_id).where(*where)
    return await paged(
        session, joined.order_by(LessonReviewRequest.created_at, LessonReviewRequest.id), page, PAGE_SIZE
    )


async def for_methodist(session: AsyncSession, identity: Identity, request_id: int) -> tuple[LessonReviewRequest, User]:
    """The request and its teacher, if the identity is a methodist whose scope covers the teacher."""
    roles.require_methodist(identity)
    request = await session.get(LessonReviewRequest, request_id)
    teacher = await session.get(User, request.user_id) if request is not None else None
    if request is None or teacher is None:
        raise NotFound(GONE)
    await roles.require_methodist_for(session, identity, teacher.organization_id)
    if teacher.telegram_id is not None and teacher.telegram_id == identity.telegram_id:
        raise AccessDenied(OWN_REQUEST)
    return request, teacher


async def card(session: AsyncSession, identity: Identity, request_id: int) -> Card:
    request, teacher = await for_methodist(session, identity, request_id)
    _, zones = await attempts.self_assessment(session, teacher.id)
    return Card(
        request,
        teacher,
        await orgs.display_name(session, teacher.organization_id),
        zones,
        await attempts.latest_checks(session, teacher.id),
    )


async def handle(session: AsyncSession, identity: Identity, request_id: int, now: datetime) -> tuple[User, bool]:
    """Mark the request handled; its teacher, and False when it already was (a double tap, or
    another methodist)."""
    request, teacher = await for_methodist(session, identity, request_id)
    await session.refresh(request, with_for_update=True)  # two methodists at once: the second waits
    if request.status == ReviewRequestStatus.handled:
        return teacher, False
    request.status, request.open_user_id = ReviewRequestStatus.handled, None
    request.handled_at, request.handled_by = now, identity.telegram_id
    await audit.record(session, identity.telegram_id, "lesson_review.handle", f"lesson_review:{request.id}")
    await outbox.tell(
        session,
        teacher,
        key=f"lesson-review-handled:{request.id}",
        text=(
            "Методист отметил ваш запрос на разбор урока выполненным "
            f"(области: {escape(areas_text(request.areas))}).\n"
            "Если разбор ещё не состоялся или остались вопросы, попросите снова: /check"
        ),
        purpose="lesson_review_handled",
    )
    return teacher, True
