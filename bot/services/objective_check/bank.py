"""The task bank of the objective check, versioned content like the questionnaires: the shipped
bot/content/objective_tasks.yaml is seeded as a content version and /content replaces it, with the
validation of bot/services/content/task_bank_file.py. A check keeps the label of the version it was
taken on and is asked and graded from that version, whatever is current since.

The teacher-facing view of a task never carries its key."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.content.task_bank_file import KIND, MIN_TASKS_PER_AREA, TEACHER_AREAS, TaskBankCheck
from bot.services.shared.errors import NotFound
from models import ContentVersion

__all__ = ["KIND", "MIN_TASKS_PER_AREA", "TEACHER_AREAS", "PublicTask", "TaskBankCheck", "current", "of_version"]

NOT_LOADED = "Банк заданий проверки ещё не загружен. Сообщите администратору: нужно выполнить python -m bot seed."


@dataclass(frozen=True)
class PublicTask:
    """What a teacher's client may see: the text and the options, never the answer."""

    code: str
    text: str
    options: tuple[str, ...]


# Validated bank data by (checksum, label): a version's content never changes, so a check's every
# press reads one small row (id, label, checksum) and the tasks come from here. Callers only read it.
_banks: dict[tuple[str, str], dict] = {}


async def _bank(session: AsyncSession, *where) -> dict | None:
    row = (
        await session.execute(
            select(ContentVersion.id, ContentVersion.version, ContentVersion.checksum)
            .where(ContentVersion.kind == KIND, *where)
            .order_by(ContentVersion.id.desc())
            .limit(1)
        )
    ).first()
    if row is None:
        return None
    data = _banks.get((row.checksum, row.version))
    if data is None:
        data = await session.scalar(select(ContentVersion.data).where(ContentVersion.id == row.id))
        if len(_banks) >= 16:
            _banks.clear()
        _banks[(row.checksum, row.version)] = data
    return data


async def current(session: AsyncSession) -> dict:
    """The current bank: what a new check asks."""
    data = await _bank(session, ContentVersion.is_current)
    if data is None:
        raise NotFound(NOT_LOADED)
    return data


async def of_version(session: AsyncSession, label: str) -> dict | None:
    """The bank a check was taken on, by its label (labels of one kind are unique: see
    content.versions); None if no such version was ever loaded."""
    return await _bank(session, ContentVersion.version == label)


def public(task: dict) -> PublicTask:
    return PublicTask(task["code"], task["text"], tuple(task["options"]))


def task(bank: dict, area: str, code: str) -> dict | None:
    return next((t for t in bank["areas"].get(area, []) if t["code"] == code), None)


def is_correct(bank: dict, area: str, task_code: str, chosen: int) -> bool:
    """Graded on the server: `chosen` (1-based) is user input, the key never leaves the bank."""
    found = task(bank, area, task_code)
    return found is not None and chosen == found["answer"]
