"""The methodist's side: the practices waiting in their scope, approving one with the scope it is
seen in, or returning it to the author with a comment. The author hears either through the outbox."""

from datetime import datetime
from html import escape

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.practices import inputs, scope
from bot.services.practices.finding import Card
from bot.services.shared import audit, orgs, outbox
from bot.services.shared.errors import AccessDenied, InvalidInput, NotFound
from bot.services.shared.paging import Window, window
from bot.services.shared.roles import Identity
from models import Practice, PracticeStatus, User

PAGE_SIZE = 6
OWN_PRACTICE = "Свою практику одобрить или вернуть нельзя: это сделает другой методист."


async def queue(session: AsyncSession, identity: Identity, page: int) -> tuple[list[Practice], Window]:
    """Pending practices of organizations in the methodist's scope, oldest first."""
    where = [Practice.status == PracticeStatus.pending]
    ids = await identity.scope.org_ids(session)
    if ids is not None:
        where.append(Practice.org_id.in_(ids))
    total = await session.scalar(select(func.count()).select_from(Practice).where(*where)) or 0
    at = window(total, page, PAGE_SIZE)
    rows = await session.scalars(
        select(Practice).where(*where).order_by(Practice.submitted_at, Practice.id).offset(at.offset).limit(at.limit)
    )
    return list(rows), at


async def for_moderator(session: AsyncSession, identity: Identity, practice_id: int) -> Practice:
    """A practice the methodist may moderate: in their scope, pending, not their own."""
    practice = await session.get(Practice, practice_id)
    if practice is None:
        raise NotFound("Практика не найдена: возможно, автор удалил свои данные.")
    if not await identity.scope.covers(session, practice.org_id):
        raise AccessDenied("Эта практика не из вашей зоны ответственности.")
    if identity.user is not None and practice.author_id == identity.user.id:
        raise AccessDenied(OWN_PRACTICE)
    if practice.status != PracticeStatus.pending:
        raise InvalidInput("Эта практика уже рассмотрена.")
    return practice


async def approve(
    session: AsyncSession, identity: Identity, practice_id: int, visibility: str, now: datetime
) -> Practice:
    practice = await for_moderator(session, identity, practice_id)
    seen_at = await scope.visibility_org(session, practice.org_id, visibility)
    if not await identity.scope.covers(session, seen_at):
        raise AccessDenied("Этот уровень шире вашей зоны ответственности: выберите уровень поуже.")
    practice.status, practice.visibility, practice.visibility_org_id = PracticeStatus.approved, visibility, seen_at
    practice.approved_at, practice.moderated_by, practice.moderator_comment = now, identity.telegram_id, None
    await audit.record(session, identity.telegram_id, "practice.approve", f"practice:{practice.id}", scope=visibility)
    await _tell_author(
        session,
        practice,
        "approved",
        f"✅ Ваша практика «{escape(practice.title)}» одобрена и видна коллегам "
        f"(уровень: {scope.VISIBILITY[visibility]}). Спасибо, что делитесь опытом!",
    )
    return practice


async def send_back(session: AsyncSession, identity: Identity, practice_id: int, comment: str | None) -> Practice:
    practice = await for_moderator(session, identity, practice_id)
    practice.moderator_comment = inputs.parse_comment(comment)
    practice.status, practice.moderated_by = PracticeStatus.returned, identity.telegram_id
    await audit.record(session, identity.telegram_id, "practice.return", f"practice:{practice.id}")
    await _tell_author(
        session,
        practice,
        "returned",
        f"↩️ Практику «{escape(practice.title)}» вернули на доработку.\n"
        f"Комментарий методиста: {escape(practice.moderator_comment)}\n\n"
        "Исправьте её и отправьте снова.",
    )
    return practice


async def _tell_author(session: AsyncSession, practice: Practice, what: str, text: str) -> None:
    await outbox.tell(
        session,
        await session.get(User, practice.author_id),
        key=f"practice:{practice.id}:{practice.revision}:{what}",
        purpose="practice_moderation",
        text=text,
        buttons=[[outbox.button("Открыть практику", "practice_mine", practice_id=practice.id)]],
    )


async def review_card(session: AsyncSession, identity: Identity, practice_id: int) -> Card:
    practice = await for_moderator(session, identity, practice_id)
    author = await session.get(User, practice.author_id)
    return Card(practice, author, await orgs.display_name(session, practice.org_id), None, 0, False)
