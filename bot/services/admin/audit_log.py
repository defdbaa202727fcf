"""Reading the audit trail (admins only): newest first, a page at a time, optionally narrowed
to one kind of action by its prefix ("role.", "broadcast.", ...)."""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.shared import roles, validation
from bot.services.shared.errors import InvalidInput
from bot.services.shared.paging import window
from bot.services.shared.roles import Identity
from models import AuditEntry, User

PAGE_SIZE = 10
# Filter key → action prefix. Keys travel in callback_data, so only these are accepted.
FILTERS = {
    "all": "",
    "role": "role.",
    "invite": "invite.",
    "broadcast": "broadcast.",
    "content": "content.",
    "event": "event.",
    "pair": "pair.",
}


@dataclass(frozen=True)
class Row:
    entry: AuditEntry
    actor_name: str | None  # the actor's full name when they are registered (and not erased)
    target_name: str | None  # the same for targets of the form "tg:<id>"


@dataclass(frozen=True)
class AuditPage:
    rows: list[Row]
    page: int
    pages: int
    total: int
    filter: str


def _prefix(filter_key: str) -> str:
    if filter_key not in FILTERS:
        raise InvalidInput("Неизвестный фильтр журнала.")
    return FILTERS[filter_key]


def _telegram_target(target: str | None) -> int | None:
    return validation.ascii_number(target[3:], 19) if target and target.startswith("tg:") else None


async def read(session: AsyncSession, identity: Identity, filter_key: str = "all", page: int = 0) -> AuditPage:
    roles.require_admin(identity)
    prefix = _prefix(filter_key)
    where = [AuditEntry.action.startswith(prefix, autoescape=True)] if prefix else []
    total = await session.scalar(select(func.count()).select_from(AuditEntry).where(*where)) or 0
    at = window(total, page, PAGE_SIZE)
    page, pages = at.page, at.pages
    entries = list(
        await session.scalars(
            select(AuditEntry)
            .where(*where)
            .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
            .offset(at.offset)
            .limit(at.limit)
        )
    )
    people = {e.actor_telegram_id for e in entries} | {_telegram_target(e.target) for e in entries}
    people.discard(None)
    names = (
        dict(
            (await session.execute(select(User.telegram_id, User.full_name).where(User.telegram_id.in_(people)))).all()
        )
        if people
        else {}
    )
    rows = [Row(e, names.get(e.actor_telegram_id), names.get(_telegram_target(e.target))) for e in entries]
    return AuditPage(rows, page, pages, total, filter_key)
