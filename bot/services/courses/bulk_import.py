"""Bulk import of completed courses from a provider's list (CSV or XLSX) by a methodist.

`preview` reads the file, matches every row to a teacher of the methodist's scope and checks its
fields; it writes nothing. `apply` writes the matched rows (as verified records: the methodist
vouches for the list) after the methodist confirms, re-checking scope and duplicates, since the
rows come back from the dialog's state."""

from dataclasses import dataclass, field
from datetime import date, datetime
from html import escape

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.courses import inputs, tabular
from bot.services.courses.route_link import complete_step
from bot.services.shared import audit, outbox, roles
from bot.services.shared.errors import InvalidInput
from bot.services.shared.labels import AREA_TITLES
from bot.services.shared.roles import Identity
from models import CourseForm, CourseRecord, CourseStatus, Organization, User

# Header keywords, checked in this order (a «№ программы в ФР ДПП» column is not the title).
COLUMNS = (
    ("frdpp", ("фр дпп", "реестр")),
    ("provider", ("кто проводил", "провайдер", "исполнитель", "организатор")),
    ("name", ("фио", "педагог", "слушатель")),
    ("start", ("начал",)),
    ("end", ("оконч", "завершен")),
    ("hours", ("час", "объем")),
    ("form", ("форма",)),
    ("area", ("област",)),
    ("title", ("программ", "курс", "название")),
    ("org", ("организац", "школ", "оо")),
)
REQUIRED = {"name": "ФИО", "title": "Программа", "hours": "Часы", "start": "Начало", "end": "Окончание"}
NO_PROVIDER = "не указано в списке"


def norm(text: str) -> str:
    return " ".join(text.casefold().replace("ё", "е").replace(".", " ").split())


def columns(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = norm(cell)
        for key, words in COLUMNS:
            if key not in found and any(word in name for word in words):
                found[key] = index
                break
    missing = [title for key, title in REQUIRED.items() if key not in found]
    if missing:
        raise InvalidInput(
            "Строка 1: нет столбцов " + ", ".join(f"«{m}»" for m in missing) + ". Нужны: ФИО, Программа, Часы, "
            "Начало, Окончание; по желанию — Организация, Кто проводил, Форма, Номер в ФР ДПП."
        )
    return found


@dataclass
class Preview:
    ready: list[dict] = field(default_factory=list)  # rows to write, JSON-safe (kept in the dialog state)
    refused: list[tuple[int, str, str]] = field(default_factory=list)  # line, who, reason


def _form(value: str) -> str:
    value = norm(value)
    if any(word in value for word in ("дист", "онлайн", "заоч")):
        return CourseForm.distance.value
    return CourseForm.in_person.value


async def _people(session: AsyncSession, identity: Identity) -> dict[str, list[tuple[int, int | None, int | None]]]:
    ids = await identity.scope.org_ids(session)
    query = select(User.id, User.full_name, User.organization_id, User.telegram_id).where(User.erased_at.is_(None))
    if ids is not None:
        query = query.where(User.organization_id.in_(ids))
    people: dict[str, list[tuple[int, int | None, int | None]]] = {}
    for user_id, name, org_id, telegram_id in await session.execute(query):
        people.setdefault(norm(name or ""), []).append((user_id, org_id, telegram_id))
    return people


async def _existing(session: AsyncSession, user_ids: set[int]) -> set[tuple[int, str, date]]:
    if not user_ids:
        return set()
    rows = await session.execute(
        select(CourseRecord.user_id, CourseRecord.title, CourseRecord.end_date).where(
            CourseRecord.user_id.in_(user_ids)
        )
    )
    return {(user_id, norm(title), end) for user_id, title, end in rows}


async def preview(session: AsyncSession, identity: Identity, kind: str, data: bytes, today: date) -> Preview:
    roles.require_methodist(identity)
    header, rows = tabular.read(kind, data)
    col = columns(header)
    people = await _people(session, identity)
    org_names = dict((await session.execute(select(Organization.id, Organization.name))).all())
    result, seen = Preview(), set()
    parsed = []
    for line, row in enumerate(rows, start=2):
        cells = {key: row[index].strip() if index < len(row) else "" for key, index in col.items()}
        who = cells.get("name") or "(без ФИО)"
        try:
            parsed.append((line, who, _row(cells, people, org_names, identity, today)))
        except InvalidInput as exc:
            result.refused.append((line, who, exc.user_message))
    existing = await _existing(session, {p["user_id"] for _, _, p in parsed})
    for line, who, item in parsed:
        key = (item["user_id"], norm(item["title"]), date.fromisoformat(item["end"]))
        if key in existing:
            result.refused.append((line, who, "этот курс уже есть в боте"))
        elif key in seen:
            result.refused.append((line, who, "строка повторяет одну из предыдущих"))
        else:
            seen.add(key)
            result.ready.append({**item, "line": line, "who": who})
    result.refused.sort()
    return result


def _row(cells: dict[str, str], people, org_names: dict[int, str], identity: Identity, today: date) -> dict:
    cell = lambda key: cells.get(key, "")  # noqa: E731
    candidates = people.get(norm(cell("name")), [])
    org = norm(cell("org"))
    if org and len(candidates) > 1:
        candidates = [
            c for c in candidates if org in norm(org_names.get(c[1], "")) or norm(org_names.get(c[1], "")) in org
        ]
    if not candidates:
        raise InvalidInput("не найден среди педагогов вашей зоны (проверьте ФИО)")
    if len(candidates) > 1:
        raise InvalidInput("несколько педагогов с таким ФИО: укажите организацию в столбце «Организация»")
    user_id, _, telegram_id = candidates[0]
    if telegram_id is not None and telegram_id == identity.telegram_id:
        raise InvalidInput("свою запись о курсе подтверждает другой методист")
    start, end = inputs.parse_date(cell("start")), inputs.parse_date(cell("end"))
    inputs.check_dates(start, end, today, completed=True)
    number = inputs.parse_frdpp_number(cell("frdpp")) if cell("frdpp") else None
    return {
        "user_id": user_id,
        "title": inputs.parse_title(cell("title")),
        "provider": inputs.parse_provider(cell("provider") or NO_PROVIDER),
        "hours": inputs.parse_hours(cell("hours")),
        "start": start.isoformat(),
        "end": end.isoformat(),
        "form": _form(cell("form")),
        "frdpp_number": number,
        "area": _area(cell("area")),
    }


def _area(value: str) -> str | None:
    """An area by its number (1–8) or its title; empty means none."""
    if not value:
        return None
    wanted = norm(value)
    for code, title in AREA_TITLES.items():
        if code.isdigit() and wanted in (code, norm(title), f"{code} {norm(title)}"):
            return code
    raise InvalidInput("область компетенций — номер от 1 до 8 или её название, например «Оценочная»")


async def apply(session: AsyncSession, identity: Identity, ready: list[dict], now: datetime) -> int:
    """Write the confirmed rows; a row whose teacher left the scope or that appeared meanwhile is skipped."""
    roles.require_methodist(identity)
    users = {u.id: u for u in await session.scalars(select(User).where(User.id.in_({r["user_id"] for r in ready})))}
    existing = await _existing(session, set(users))
    written = 0
    for row in ready:
        user = users.get(row["user_id"])
        end = date.fromisoformat(row["end"])
        if user is None or user.erased_at is not None or (row["user_id"], norm(row["title"]), end) in existing:
            continue
        if user.telegram_id == identity.telegram_id:
            continue
        if not await roles.methodist_covers(session, identity, user.organization_id):
            continue
        record = CourseRecord(
            user_id=user.id,
            title=inputs.parse_title(row["title"]),
            provider=inputs.parse_provider(row["provider"]),
            hours=inputs.parse_hours(str(row["hours"])),
            start_date=date.fromisoformat(row["start"]),
            end_date=end,
            form=CourseForm(row["form"]),
            frdpp=bool(row["frdpp_number"]),
            frdpp_number=row["frdpp_number"],
            area=row.get("area"),
            status=CourseStatus.verified,
            source="import",
            verified_by=identity.telegram_id,
            verified_at=now,
        )
        session.add(record)
        await session.flush()
        existing.add((user.id, norm(record.title), end))
        written += 1
        await complete_step(session, record, now)
        if user.telegram_id is not None:
            await outbox.enqueue(
                session,
                key=f"course-imported:{record.id}",
                chat_id=user.telegram_id,
                purpose="course_imported",
                timezone=user.timezone,
                text=f"Методист добавил ваш курс повышения квалификации «{escape(record.title, quote=False)}» "
                f"({record.hours} ч) по списку организатора. Ваши курсы: /courses",
            )
    await audit.record(session, identity.telegram_id, "course.import", None, rows=written)
    return written
