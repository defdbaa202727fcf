"""Content versions: raw YAML parsed and validated, a version row per distinct checksum and kind,
the newest loaded made current; a current catalogue is mirrored into the activities table. Kinds:
the two questionnaires, the activity catalogue and the task bank of the objective check."""

import hashlib
import json

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.content import CONTENT_DIR
from bot.services.content import framework
from bot.services.content.catalog_file import CatalogCheck
from bot.services.content.questionnaire_file import QuestionnaireCheck
from bot.services.content.schema import FILES, VARIANT_KINDS
from bot.services.content.task_bank_file import TaskBankCheck
from bot.services.content.yaml_text import load as load_yaml
from bot.services.shared.errors import InvalidInput
from models import Activity, ActivityForm, ContentVersion


def parse(kind: str, raw_text: str) -> tuple[dict, str]:
    """Validate raw YAML; return the normalized data and its checksum. Raises InvalidInput."""
    if kind not in FILES:
        raise InvalidInput(f"Неизвестный вид содержания «{kind}»: допустимы {', '.join(FILES)}.")
    filename = FILES[kind]
    raw, lines = load_yaml(raw_text, filename)
    if kind == "catalog":
        data = CatalogCheck(filename, lines).catalog(raw)
    elif kind == "objective_tasks":
        data = TaskBankCheck(filename, lines).bank(raw)
    else:
        data = QuestionnaireCheck(filename, lines).questionnaire(kind, raw)
    checksum = hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    if not data.get("version"):
        data["version"] = checksum[:8]
    return data, checksum


async def load_content(
    session: AsyncSession, kind: str, raw_text: str, loaded_by: int | None, *, change_framework: bool = False
) -> ContentVersion:
    """Validate raw YAML and make it the current version of `kind`; the text is kept as loaded.
    On error nothing changes. A label already given to other content is refused, and so is a
    questionnaire that changes the current one's framework (framework.FrameworkChange) unless
    `change_framework` says the methodist confirmed it."""
    data, checksum = parse(kind, raw_text)
    await _check_label(session, kind, data["version"], checksum)
    if kind in VARIANT_KINDS.values() and not change_framework:
        current = await session.scalar(
            select(ContentVersion).where(ContentVersion.kind == kind, ContentVersion.is_current)
        )
        if current is not None and (found := framework.changes(current.data, data)):
            raise framework.FrameworkChange(FILES[kind], found)
    return await _make_current(session, kind, data, checksum, loaded_by, raw_text)


async def _check_label(session: AsyncSession, kind: str, label: str, checksum: str) -> None:
    """Two different contents never share a label: results and reports name versions by it."""
    taken = await session.scalar(
        select(ContentVersion.id).where(
            ContentVersion.kind == kind, ContentVersion.version == label, ContentVersion.checksum != checksum
        )
    )
    if taken is not None:
        raise InvalidInput(
            f"{FILES[kind]}: версия «{label}» уже загружена с другим содержанием. У разных версий разные "
            "метки: укажите в поле version новую, например дату правки."
        )


async def seed_content(session: AsyncSession) -> None:
    """Load the bundled files. A file already loaded once (even if replaced since by an upload)
    is left alone, so a restart never undoes a methodist's upload; a changed file becomes current."""
    for kind, filename in FILES.items():
        text = (CONTENT_DIR / filename).read_text(encoding="utf-8")
        data, checksum = parse(kind, text)
        known = await session.scalar(
            select(ContentVersion.id).where(ContentVersion.kind == kind, ContentVersion.checksum == checksum)
        )
        if known is None:
            await _make_current(session, kind, await _free_label(session, kind, data, checksum), checksum, None, text)


async def _free_label(session: AsyncSession, kind: str, data: dict, checksum: str) -> dict:
    """A bundled file edited without a new label still gets a label of its own (seeding must not
    stop the bot): the label with the start of the checksum."""
    taken = await session.scalar(
        select(ContentVersion.id).where(ContentVersion.kind == kind, ContentVersion.version == data["version"])
    )
    return data if taken is None else {**data, "version": f"{data['version'][:23]}+{checksum[:8]}"}


async def _make_current(
    session: AsyncSession, kind: str, data: dict, checksum: str, loaded_by: int | None, source: str
) -> ContentVersion:
    row = await session.scalar(
        select(ContentVersion).where(ContentVersion.kind == kind, ContentVersion.checksum == checksum)
    )
    if row is None:
        row = ContentVersion(
            kind=kind, version=data["version"], checksum=checksum, data=data, loaded_by=loaded_by, source=source
        )
        session.add(row)
        await session.flush()
    elif row.source is None:
        row.source = source
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
