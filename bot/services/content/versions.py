"""Content versions: raw YAML parsed and validated, a version row per distinct checksum and kind,
the newest loaded made current; a current catalogue is mirrored into the activities table."""

import hashlib
import json

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.content import CONTENT_DIR
from bot.services.content.catalog_file import CatalogCheck
from bot.services.content.questionnaire_file import QuestionnaireCheck
from bot.services.content.schema import FILES
from bot.services.shared.errors import InvalidInput
from models import Activity, ActivityForm, ContentVersion


def parse(kind: str, raw_text: str) -> tuple[dict, str]:
    """Validate raw YAML; return the normalized data and its checksum. Raises InvalidInput."""
    if kind not in FILES:
        raise InvalidInput(f"Неизвестный вид содержания «{kind}»: допустимы {', '.join(FILES)}.")
    filename = FILES[kind]
    import yaml  # only seeding and /content uploads parse YAML; the running bot reads rows

    try:
        raw = yaml.load(raw_text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (строка {mark.line + 1})" if mark is not None else ""
        raise InvalidInput(f"{filename}: файл не читается как YAML{where}: {getattr(exc, 'problem', exc)}") from None
    if kind == "catalog":
        data = CatalogCheck(filename).catalog(raw)
    else:
        data = QuestionnaireCheck(filename).questionnaire(kind, raw)
    checksum = hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    if not data.get("version"):
        data["version"] = checksum[:8]
    return data, checksum


async def load_content(session: AsyncSession, kind: str, raw_text: str, loaded_by: int | None) -> ContentVersion:
    """Validate raw YAML and make it the current version of `kind`. On error nothing changes."""
    data, checksum = parse(kind, raw_text)
    return await _make_current(session, kind, data, checksum, loaded_by)


async def seed_content(session: AsyncSession) -> None:
    """Load the bundled files. A file already loaded once (even if replaced since by an upload)
    is left alone, so a restart never undoes a methodist's upload; a changed file becomes current."""
    for kind, filename in FILES.items():
        data, checksum = parse(kind, (CONTENT_DIR / filename).read_text(encoding="utf-8"))
        known = await session.scalar(
            select(ContentVersion.id).where(ContentVersion.kind == kind, ContentVersion.checksum == checksum)
        )
        if known is None:
            await _make_current(session, kind, data, checksum, None)


async def _make_current(
    session: AsyncSession, kind: str, data: dict, checksum: str, loaded_by: int | None
) -> ContentVersion:
    row = await session.scalar(
        select(ContentVersion).where(ContentVersion.kind == kind, ContentVersion.checksum == checksum)
    )
    if row is None:
        row = ContentVersion(kind=kind, version=data["version"], checksum=checksum, data=data, loaded_by=loaded_by)
        session.add(row)
        await session.flush()
    await session.execute(
        update(ContentVersion).where(ContentVersion.kind == kind, ContentVersion.id != row.id).values(is_current=False)
    )
    row.is_current = True
    if kind == "catalog":
        await _sync_activities(session, data["activities"])
    await session.flush()
    return row


async def _sync_activities(session: AsyncSession, entries: list[dict]) -> None:
    """Upsert by code; entries that left the file are hidden, never deleted (steps point at them)."""
    existing = {a.code: a for a in await session.scalars(select(Activity))}
    for entry in entries:
        activity = existing.pop(entry["code"], None)
        if activity is None:
            activity = Activity(code=entry["code"])
            session.add(activity)
        for name in ("area", "title", "format", "hours", "description", "url"):
            setattr(activity, name, entry[name])
        activity.form = ActivityForm(entry["form"])
        activity.is_active = True
    for activity in existing.values():
        if activity.added_by is None:
            activity.is_active = False
