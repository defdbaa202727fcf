"""The author's side: submitting a practice (new, or fixed after it was returned), the author's own
list, and telling the methodists who moderate it that one is waiting."""

from dataclasses import dataclass
from datetime import datetime
from html import escape
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.content import lookups
from bot.services.practices import inputs
from bot.services.shared import orgs, outbox
from bot.services.shared.errors import InvalidInput, NotFound
from models import Practice, PracticeStatus, PracticeUse, Role, RoleGrant, User

NOT_YOURS = "Практика не найдена среди ваших: возможно, она удалена."


async def known_items(session: AsyncSession) -> dict[str, str]:
    """Item code → statement of the current teacher questionnaire."""
    questionnaire = await lookups.current_questionnaire(session, "teacher")
    return {item.code: item.text for area in questionnaire.areas for item in area.items}


async def owned(session: AsyncSession, user: User, practice_id: int) -> Practice:
    practice = await session.get(Practice, practice_id)
    if practice is None or practice.author_id != user.id:
        raise NotFound(NOT_YOURS)
    return practice


async def submit(
    session: AsyncSession, user: User, draft: dict[str, Any], now: datetime, practice_id: int | None = None
) -> Practice:
    """Check every field of the dialog's draft and send the practice to moderation. With
    `practice_id` the author's returned (or still pending) practice is replaced and resubmitted."""
    if user.organization_id is None:
        raise InvalidInput("Укажите свою организацию в профиле (/profile): практику проверяет её методист.")
    areas = inputs.parse_areas(draft.get("areas"))
    fields = dict(
        title=inputs.parse_title(draft.get("title")),
        areas=areas,
        items=inputs.parse_items(draft.get("items"), areas, set(await known_items(session))),
        subject=inputs.parse_subject(draft.get("subject")),
        level=inputs.parse_level(draft.get("level")),
        description=inputs.parse_description(draft.get("description")),
        **_material(draft),
    )
    if practice_id:
        practice = await owned(session, user, practice_id)
        if practice.status == PracticeStatus.approved:
            raise InvalidInput("Практика уже одобрена: изменить её можно, только опубликовав заново.")
        for name, value in fields.items():
            setattr(practice, name, value)
        practice.revision += 1
    else:
        practice = Practice(author_id=user.id, revision=1, **fields)
        session.add(practice)
    practice.org_id, practice.status, practice.submitted_at = user.organization_id, PracticeStatus.pending, now
    practice.moderator_comment = None
    await session.flush()
    await _tell_moderators(session, practice, user)
    return practice


def _material(draft: dict[str, Any]) -> dict[str, str | None]:
    kind, ref = draft.get("material_kind"), draft.get("material_ref")
    if kind is None:
        return dict(material_kind=None, material_ref=None, material_name=None)
    if kind == "link":
        ref = inputs.parse_link(ref)
    elif kind not in ("document", "photo") or not ref:
        raise InvalidInput("Материал не распознан: пришлите его ещё раз.")
    return dict(material_kind=kind, material_ref=ref, material_name=(draft.get("material_name") or None))


async def _tell_moderators(session: AsyncSession, practice: Practice, author: User) -> None:
    """Methodists whose scope holds the author's organization hear that a practice waits for them."""
    above = [org.id for org in await orgs.lineage(session, practice.org_id)]
    chats = await session.scalars(
        select(RoleGrant.telegram_id)
        .where(RoleGrant.role == Role.methodist, RoleGrant.scope_org_id.in_(above))
        .distinct()
        .limit(20)
    )
    for chat_id in chats:
        if chat_id == author.telegram_id:
            continue  # an author who is a methodist cannot approve their own practice anyway
        await outbox.enqueue(
            session,
            key=f"practice:{practice.id}:{practice.revision}:review:{chat_id}",
            chat_id=chat_id,
            purpose="practice_review",
            text=f"📚 На модерации новая практика: «{escape(practice.title)}». Проверьте её: /practices_review",
        )


@dataclass(frozen=True)
class Mine:
    practice: Practice
    uses: int
    applied: int


async def mine(session: AsyncSession, user: User) -> list[Mine]:
    """The author's practices, newest first, with how many took them into a route and applied them."""
    rows = await session.execute(
        select(Practice, func.count(PracticeUse.id), func.count(PracticeUse.applied_at))
        .outerjoin(PracticeUse, PracticeUse.practice_id == Practice.id)
        .where(Practice.author_id == user.id)
        .group_by(Practice.id)
        .order_by(Practice.submitted_at.desc(), Practice.id.desc())
        .limit(30)
    )
    return [Mine(practice, uses, applied) for practice, uses, applied in rows.all()]
