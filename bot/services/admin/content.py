"""/content for regional methodists and admins: current versions as YAML (questionnaires, the
catalogue, the task bank of the objective check), uploads of new versions
(validated by bot.services.content, which changes nothing on an error), and catalogue activities
added one by one. Uploads and additions are audited."""

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import content
from bot.services.shared import audit
from bot.services.shared.errors import AccessDenied, InvalidInput
from bot.services.shared.roles import Identity
from bot.services.shared.validation import ascii_number, clean_text
from models import Activity, ActivityForm, ContentVersion, Organization, OrgKind, Role

KINDS = tuple(content.FILES)  # questionnaire_teacher | questionnaire_leader | catalog | objective_tasks
MAX_UPLOAD_BYTES = 1_000_000
AREAS = content.AREA_CODES["questionnaire_teacher"] + content.AREA_CODES["questionnaire_leader"]
MAX_TITLE, MAX_DESCRIPTION, MAX_URL, MAX_HOURS = 300, 2000, 500, 1000


CONTENT_ADMINS_ONLY = "Анкеты, каталог и банк заданий меняют методисты регионального уровня и администраторы."


async def is_content_admin(session: AsyncSession, identity: Identity) -> bool:
    """Content is regional: admins, or methodists with a grant on a region."""
    if identity.is_admin:
        return True
    scopes = [s for s in identity.scopes(Role.methodist) if s is not None]
    return (
        bool(scopes)
        and await session.scalar(
            select(Organization.id).where(Organization.id.in_(scopes), Organization.kind == OrgKind.region).limit(1)
        )
        is not None
    )


async def require_content_admin(session: AsyncSession, identity: Identity) -> None:
    if not await is_content_admin(session, identity):
        raise AccessDenied(CONTENT_ADMINS_ONLY)


async def current_versions(session: AsyncSession) -> dict[str, ContentVersion | None]:
    rows = await session.scalars(select(ContentVersion).where(ContentVersion.is_current).order_by(ContentVersion.id))
    found = {row.kind: row for row in rows}
    return {kind: found.get(kind) for kind in KINDS}


def check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise InvalidInput(f"Неизвестный вид файла «{kind}». Допустимы: {', '.join(KINDS)}.")
    return kind


def kind_from_filename(filename: str | None) -> str | None:
    stem = (filename or "").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return next((kind for kind in KINDS if stem == kind or stem.startswith(f"{kind}_")), None)


async def download(session: AsyncSession, identity: Identity, kind: str) -> tuple[str, bytes]:
    """The current version of `kind` as a methodist can edit and upload back: the file as it was
    loaded, comments included (versions loaded before the text was kept: their data as YAML)."""
    await require_content_admin(session, identity)
    row = await content.current_version(session, check_kind(kind))
    if row.source is not None:
        return content.FILES[kind], row.source.encode("utf-8")
    import yaml  # loaded by the few who download content, not by every bot process

    text = yaml.safe_dump(row.data, allow_unicode=True, sort_keys=False, width=120)
    return content.FILES[kind], text.encode("utf-8")


def check_file(filename: str | None, size: int | None) -> None:
    if not (filename or "").lower().endswith((".yaml", ".yml")):
        raise InvalidInput("Пришлите файл YAML (.yaml или .yml) документом.")
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise InvalidInput("Файл больше 1 МБ: это не похоже на анкету, каталог или банк заданий.")


async def upload(
    session: AsyncSession, identity: Identity, kind: str, filename: str, raw: bytes, *, change_framework: bool = False
) -> tuple[ContentVersion, bool]:
    """Validate and make current; returns the version and whether it is new (not a re-upload).
    `change_framework`: the methodist confirmed a questionnaire that changes the areas or their
    number of statements (otherwise that raises content.FrameworkChange)."""
    await require_content_admin(session, identity)
    check_kind(kind)
    check_file(filename, len(raw))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(f"{filename}: файл должен быть в кодировке UTF-8.") from None
    before = {row.id for row in await session.scalars(select(ContentVersion).where(ContentVersion.kind == kind))}
    row = await content.load_content(session, kind, text, identity.telegram_id, change_framework=change_framework)
    created = row.id not in before
    await audit.record(
        session,
        identity.telegram_id,
        "content.upload",
        f"content:{kind}",
        version=row.version,
        content_version_id=row.id,
        checksum=row.checksum[:16],
        filename=filename[:100],
        new=created,
        framework_changed=change_framework,
    )
    return row, created


@dataclass(frozen=True)
class ActivityDraft:
    area: str
    title: str
    format: str
    form: str
    hours: int
    description: str
    url: str | None


def parse_title(text: str | None) -> str:
    title = " ".join(clean_text(text, MAX_TITLE, "Название").split())
    if len(title) < 3:
        raise InvalidInput(f"Название — от 3 до {MAX_TITLE} символов.")
    return title


def parse_hours(text: str | None) -> int:
    value = ascii_number(text, 4)
    if value is None or not 1 <= value <= MAX_HOURS:
        raise InvalidInput(f"Часы — целое число от 1 до {MAX_HOURS}, например 36.")
    return value


def parse_details(text: str | None) -> tuple[str, str | None]:
    """Free text with an optional link: the first http(s) word becomes the url."""
    words = (text or "").split()
    url = next((w for w in words if w.startswith(("https://", "http://"))), None)
    description = " ".join(w for w in words if w != url) if url else (text or "").strip()
    if not description and not url:
        raise InvalidInput("Нужно описание или ссылка.")
    if url and len(url) > MAX_URL:
        raise InvalidInput(f"Описание — до {MAX_DESCRIPTION} символов, ссылка — до {MAX_URL}.")
    return clean_text(description, MAX_DESCRIPTION, "Описание") if description else "", url


def check_choice(area: str, format_: str, form: str) -> None:
    if area not in AREAS or format_ not in content.FORMATS or form not in {f.value for f in ActivityForm}:
        raise InvalidInput("Эта кнопка устарела: начните добавление заново — /content.")


async def add_activity(session: AsyncSession, identity: Identity, draft: ActivityDraft) -> Activity:
    await require_content_admin(session, identity)
    check_choice(draft.area, draft.format, draft.form)
    activity = Activity(
        code=f"custom-{uuid.uuid4().hex[:12]}",
        area=draft.area,
        title=parse_title(draft.title),
        format=draft.format,
        form=ActivityForm(draft.form),
        hours=draft.hours,
        description=draft.description,
        url=draft.url,
        is_active=True,
        added_by=identity.telegram_id,
    )
    session.add(activity)
    await session.flush()
    await audit.record(
        session,
        identity.telegram_id,
        "content.activity_add",
        f"activity:{activity.id}",
        code=activity.code,
        area=activity.area,
        title=activity.title[:100],
    )
    return activity
