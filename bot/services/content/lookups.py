"""Reading content: the current version of a kind, a questionnaire by version (as an attempt
keeps it) or the current one of a variant, the active catalogue entries."""

from collections.abc import Iterable
from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.content.model import Questionnaire, build_questionnaire
from bot.services.content.schema import FORM_ORDER, VARIANT_KINDS
from bot.services.shared.errors import InvalidInput, NotFound
from models import Activity, ContentVersion


async def current_version(session: AsyncSession, kind: str) -> ContentVersion:
    row = await session.scalar(
        select(ContentVersion)
        .where(ContentVersion.kind == kind, ContentVersion.is_current)
        .order_by(ContentVersion.id.desc())
        .limit(1)
    )
    if row is None:
        raise NotFound("Анкета ещё не загружена. Сообщите администратору: нужно выполнить python -m bot seed.")
    return row


async def questionnaire(session: AsyncSession, content_version_id: int) -> Questionnaire:
    row = (
        await session.execute(
            select(ContentVersion.kind, ContentVersion.checksum).where(ContentVersion.id == content_version_id)
        )
    ).first()
    if row is None or row.kind not in VARIANT_KINDS.values():
        raise NotFound("Версия анкеты не найдена.")
    return await questionnaire_of(session, content_version_id, row.kind, row.checksum)


async def current_questionnaire(session: AsyncSession, variant: str) -> Questionnaire:
    if variant not in VARIANT_KINDS:
        raise InvalidInput("Неизвестный вариант анкеты.")
    kind = VARIANT_KINDS[variant]
    row = (
        await session.execute(
            select(ContentVersion.id, ContentVersion.checksum)
            .where(ContentVersion.kind == kind, ContentVersion.is_current)
            .order_by(ContentVersion.id.desc())
            .limit(1)
        )
    ).first()
    if row is None:
        await current_version(session, kind)  # raises the "not loaded" message
    return await questionnaire_of(session, row.id, kind, row.checksum)


# Parsed questionnaires by content: a checksum is the hash of the validated data, so the same
# checksum always means the same questionnaire, whichever database or row it came from.
_parsed: dict[tuple[str, str], Questionnaire] = {}


async def questionnaire_of(session: AsyncSession, content_version_id: int, kind: str, checksum: str) -> Questionnaire:
    """The questionnaire of a version whose kind and checksum the caller already selected."""
    template = _parsed.get((kind, checksum))
    if template is None:
        data = await session.scalar(select(ContentVersion.data).where(ContentVersion.id == content_version_id))
        template = build_questionnaire(content_version_id, kind, data)
        if len(_parsed) >= 64:
            _parsed.clear()
        _parsed[(kind, checksum)] = template
    return replace(template, content_version_id=content_version_id)


async def activities(session: AsyncSession, areas: Iterable[str] | None = None) -> list[Activity]:
    """Active catalogue entries, formal first within an area."""
    query = select(Activity).where(Activity.is_active)
    if areas is not None:
        query = query.where(Activity.area.in_(list(areas)))
    rows = list(await session.scalars(query))
    return sorted(rows, key=lambda a: (a.area, FORM_ORDER[a.form.value], a.code))
