"""Content as data: questionnaires, scoring rules and the activity catalogue.

Files are validated before anything is written; a version row is kept per distinct checksum and
kind, the newest loaded is current, and an attempt keeps the version it was taken on.
"""

import hashlib
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

import yaml
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.content import CONTENT_DIR
from bot.services.errors import InvalidInput, NotFound
from models import Activity, ActivityForm, ContentVersion

FILES = {"questionnaire_teacher": "questionnaire_teacher.yaml", "questionnaire_leader": "questionnaire_leader.yaml",
         "catalog": "catalog.yaml"}
VARIANT_KINDS = {"teacher": "questionnaire_teacher", "leader": "questionnaire_leader"}
AREA_CODES = {"questionnaire_teacher": tuple(str(n) for n in range(1, 9)),
              "questionnaire_leader": ("L1", "L2", "L3", "L4")}
ZONE_CODES = ("severe", "partial", "norm", "resource")
FORMATS = ("курс ДПО", "вебинар", "семинар", "мастер-класс", "стажировка", "наставничество", "самообразование")
FORM_ORDER = {form.value: n for n, form in enumerate(ActivityForm)}
SCALE_VALUES = (0, 1, 2, 3)
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Item:
    code: str
    area: str
    text: str


@dataclass(frozen=True)
class Area:
    code: str
    title: str
    items: tuple[Item, ...]

    @property
    def max_score(self) -> int:
        return SCALE_VALUES[-1] * len(self.items)


@dataclass(frozen=True)
class Zone:
    code: str
    title: str
    min: int
    max: int


@dataclass(frozen=True)
class Scoring:
    zones: tuple[Zone, ...]  # lowest first
    deficit_zones: frozenset[str]
    point_deficit_value: int
    priority: tuple[str, ...]  # within a zone these areas go first, in this order (domain §2)
    max_priorities: int
    overcome_zones: int
    overcome_points: int
    mentor_zone: str | None
    mentor_all_max: bool

    def zone_for(self, score: int) -> Zone:
        for zone in self.zones:
            if zone.min <= score <= zone.max:
                return zone
        raise ValueError(f"score {score} outside every zone")

    def zone_title(self, zone_code: str) -> str:
        return next((zone.title for zone in self.zones if zone.code == zone_code), zone_code)


@dataclass(frozen=True)
class Questionnaire:
    content_version_id: int
    kind: str
    version: str
    title: str
    scale: tuple[tuple[int, str], ...]
    areas: tuple[Area, ...]
    scoring: Scoring
    retake_interval_days: int

    @property
    def variant(self) -> str:
        return self.kind.removeprefix("questionnaire_")

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(item for area in self.areas for item in area.items)

    @property
    def total(self) -> int:
        return sum(len(area.items) for area in self.areas)

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.total / 5))  # about a minute per five statements

    def area(self, code: str) -> Area:
        return next(area for area in self.areas if area.code == code)


def build_questionnaire(content_version_id: int, kind: str, data: dict) -> Questionnaire:
    """Turn already-validated data into the typed object (no checks here)."""
    s = data["scoring"]
    scoring = Scoring(
        zones=tuple(Zone(z["code"], z["title"], z["min"], z["max"]) for z in s["zones"]),
        deficit_zones=frozenset(s["deficit_zones"]), point_deficit_value=s["point_deficit_value"],
        priority=tuple(s["priority"]), max_priorities=s["max_priorities"],
        overcome_zones=s["overcome"]["zones_up"], overcome_points=s["overcome"]["points_up"],
        mentor_zone=s["mentor"].get("zone"), mentor_all_max=bool(s["mentor"].get("all_items_max")),
    )
    areas = tuple(Area(a["code"], a["title"], tuple(Item(i["code"], a["code"], i["text"]) for i in a["items"]))
                  for a in data["areas"])
    return Questionnaire(content_version_id, kind, data["version"], data["title"],
                         tuple((p["value"], p["text"]) for p in data["scale"]), areas, scoring,
                         data["retake_interval_days"])


# --- loading --------------------------------------------------------------------------------


def parse(kind: str, raw_text: str) -> tuple[dict, str]:
    """Validate raw YAML; return the normalized data and its checksum. Raises InvalidInput."""
    if kind not in FILES:
        raise InvalidInput(f"Неизвестный вид содержания «{kind}»: допустимы {', '.join(FILES)}.")
    filename = FILES[kind]
    try:
        raw = yaml.load(raw_text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (строка {mark.line + 1})" if mark is not None else ""
        raise InvalidInput(f"{filename}: файл не читается как YAML{where}: {getattr(exc, 'problem', exc)}") from None
    check = _Check(filename)
    data = check.catalog(raw) if kind == "catalog" else check.questionnaire(kind, raw)
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
        known = await session.scalar(select(ContentVersion.id).where(
            ContentVersion.kind == kind, ContentVersion.checksum == checksum))
        if known is None:
            await _make_current(session, kind, data, checksum, None)


async def _make_current(session: AsyncSession, kind: str, data: dict, checksum: str,
                        loaded_by: int | None) -> ContentVersion:
    row = await session.scalar(select(ContentVersion).where(
        ContentVersion.kind == kind, ContentVersion.checksum == checksum))
    if row is None:
        row = ContentVersion(kind=kind, version=data["version"], checksum=checksum, data=data, loaded_by=loaded_by)
        session.add(row)
        await session.flush()
    await session.execute(update(ContentVersion).where(ContentVersion.kind == kind, ContentVersion.id != row.id)
                          .values(is_current=False))
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


# --- accessors ------------------------------------------------------------------------------


async def current_version(session: AsyncSession, kind: str) -> ContentVersion:
    row = await session.scalar(select(ContentVersion).where(ContentVersion.kind == kind, ContentVersion.is_current)
                               .order_by(ContentVersion.id.desc()).limit(1))
    if row is None:
        raise NotFound("Анкета ещё не загружена. Сообщите администратору: нужно выполнить python -m bot seed.")
    return row


async def questionnaire(session: AsyncSession, content_version_id: int) -> Questionnaire:
    row = (await session.execute(select(ContentVersion.kind, ContentVersion.checksum)
                                 .where(ContentVersion.id == content_version_id))).first()
    if row is None or row.kind not in VARIANT_KINDS.values():
        raise NotFound("Версия анкеты не найдена.")
    return await questionnaire_of(session, content_version_id, row.kind, row.checksum)


async def current_questionnaire(session: AsyncSession, variant: str) -> Questionnaire:
    if variant not in VARIANT_KINDS:
        raise InvalidInput("Неизвестный вариант анкеты.")
    kind = VARIANT_KINDS[variant]
    row = (await session.execute(select(ContentVersion.id, ContentVersion.checksum)
                                 .where(ContentVersion.kind == kind, ContentVersion.is_current)
                                 .order_by(ContentVersion.id.desc()).limit(1))).first()
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


class _Check:
    """Validation with messages that name the file, the entry and what is wrong."""

    def __init__(self, filename: str) -> None:
        self.filename = filename

    def fail(self, where: str, what: str):
        raise InvalidInput(f"{self.filename}: {where}: {what}" if where else f"{self.filename}: {what}")

    def field(self, data: dict, key: str, where: str, kind: type, default: Any = ..., limit: int = 0) -> Any:
        value = data.get(key)
        if value is None or value == "":
            if default is ...:
                self.fail(where, f"нет обязательного поля «{key}»")
            return default
        if kind is str and isinstance(value, int) and not isinstance(value, bool):
            value = str(value)  # `code: 3` written without quotes
        if kind is str and isinstance(value, float):
            self.fail(where, f"поле «{key}»: {value} прочитано как число, возьмите значение в кавычки")
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            names = {str: "строкой", int: "целым числом", list: "списком", dict: "набором полей", bool: "true/false"}
            self.fail(where, f"поле «{key}» должно быть {names[kind]}, а не {value!r}")
        if kind is str:
            value = value.strip()
            if limit and len(value) > limit:
                self.fail(where, f"поле «{key}» длиннее {limit} символов")
        return value

    def top(self, raw: Any, kind: str) -> dict:
        if not isinstance(raw, dict):
            self.fail("", "ожидался набор полей (kind, version, …) на верхнем уровне")
        found = self.field(raw, "kind", "", str)
        if found != kind:
            self.fail("поле «kind»", f"ожидалось «{kind}», в файле «{found}»")
        return raw

    def questionnaire(self, kind: str, raw: Any) -> dict:
        raw = self.top(raw, kind)
        data = {"kind": kind, "version": self.field(raw, "version", "", str, "", 32),
                "title": self.field(raw, "title", "", str, limit=100),
                "retake_interval_days": self.field(raw, "retake_interval_days", "", int, 180)}
        if not 0 <= data["retake_interval_days"] <= 3650:
            self.fail("поле «retake_interval_days»", "должно быть от 0 до 3650 дней")
        scale = self.field(raw, "scale", "", list)
        data["scale"] = [self._scale_point(p, n) for n, p in enumerate(scale)]
        if [p["value"] for p in data["scale"]] != list(SCALE_VALUES):
            self.fail("scale", "шкала должна содержать значения 0, 1, 2, 3 по порядку")
        data["areas"] = self._areas(kind, self.field(raw, "areas", "", list))
        data["scoring"] = self._scoring(self.field(raw, "scoring", "", dict), data["areas"])
        return data

    def _scale_point(self, point: Any, n: int) -> dict:
        where = f"scale, значение {n + 1}"
        if not isinstance(point, dict):
            self.fail(where, "ожидались поля value и text")
        return {"value": self.field(point, "value", where, int), "text": self.field(point, "text", where, str, limit=200)}

    def _areas(self, kind: str, raw_areas: list) -> list[dict]:
        areas, area_codes, item_codes = [], set(), set()
        for n, raw in enumerate(raw_areas, start=1):
            where = f"areas, область {n}"
            if not isinstance(raw, dict):
                self.fail(where, "ожидались поля code, title, items")
            code = self.field(raw, "code", where, str)
            where = f"areas, область {n} (code: {code})"
            if code not in AREA_CODES[kind]:
                self.fail(where, f"код области должен быть одним из {', '.join(AREA_CODES[kind])}")
            if code in area_codes:
                self.fail(where, f"код области «{code}» повторяется")
            area_codes.add(code)
            items = []
            for m, item in enumerate(self.field(raw, "items", where, list), start=1):
                item_where = f"{where}, утверждение {m}"
                if not isinstance(item, dict):
                    self.fail(item_where, "ожидались поля code и text")
                item_code = self.field(item, "code", item_where, str, limit=16)
                item_where = f"{where}, утверждение {m} (code: {item_code})"
                if not item_code.startswith(f"{code}."):
                    self.fail(item_where, f"код утверждения должен начинаться с «{code}.»")
                if item_code in item_codes:
                    self.fail(item_where, f"код утверждения «{item_code}» повторяется")
                item_codes.add(item_code)
                items.append({"code": item_code, "text": self.field(item, "text", item_where, str, limit=1000)})
            areas.append({"code": code, "title": self.field(raw, "title", where, str, limit=100), "items": items})
        if not areas:
            self.fail("areas", "нет ни одной области")
        if len({len(a["items"]) for a in areas}) > 1:
            self.fail("areas", "во всех областях должно быть одинаковое число утверждений: пороги зон общие")
        return areas

    def _scoring(self, raw: dict, areas: list[dict]) -> dict:
        max_score = SCALE_VALUES[-1] * len(areas[0]["items"])
        zones = []
        for n, zone in enumerate(self.field(raw, "zones", "scoring", list), start=1):
            where = f"scoring.zones, зона {n}"
            if not isinstance(zone, dict):
                self.fail(where, "ожидались поля code, title, min, max")
            code = self.field(zone, "code", where, str)
            where = f"scoring.zones, зона {n} (code: {code})"
            if code not in ZONE_CODES:
                self.fail(where, f"неизвестная зона «{code}», допустимы: {', '.join(ZONE_CODES)}")
            if zones and ZONE_CODES.index(code) <= ZONE_CODES.index(zones[-1]["code"]):
                self.fail(where, f"зоны должны идти от низшей к высшей без повторов: {', '.join(ZONE_CODES)}")
            low, high = self.field(zone, "min", where, int), self.field(zone, "max", where, int)
            expected = zones[-1]["max"] + 1 if zones else 0
            if low != expected:
                self.fail(where, f"порог min = {low}, а должен быть {expected}: пороги идут по возрастанию без "
                                 "пропусков и пересечений, начиная с 0")
            if high < low:
                self.fail(where, f"порог max = {high} меньше min = {low}")
            zones.append({"code": code, "title": self.field(zone, "title", where, str, limit=60), "min": low,
                          "max": high})
        if not zones or zones[-1]["max"] != max_score:
            self.fail("scoring.zones", f"последняя зона должна заканчиваться максимальной суммой области {max_score}")
        zone_codes = [z["code"] for z in zones]
        deficit = self.field(raw, "deficit_zones", "scoring", list, ["severe", "partial"])
        if unknown := [z for z in deficit if z not in zone_codes]:
            self.fail("scoring.deficit_zones", f"зона «{unknown[0]}» не описана в scoring.zones")
        codes = [a["code"] for a in areas]
        priority = [str(code) for code in self.field(raw, "priority", "scoring", list, [])]
        for code in priority:
            if code not in codes:
                self.fail("scoring.priority", f"области «{code}» нет в анкете")
        if len(set(priority)) != len(priority):
            self.fail("scoring.priority", "область указана дважды")
        overcome = self.field(raw, "overcome", "scoring", dict, {})
        mentor = self.field(raw, "mentor", "scoring", dict, {})
        if mentor.get("zone") is not None and mentor["zone"] not in zone_codes:
            self.fail("scoring.mentor", f"зона «{mentor['zone']}» не описана в scoring.zones")
        data = {
            "zones": zones, "deficit_zones": deficit, "priority": priority,
            "point_deficit_value": self.field(raw, "point_deficit_value", "scoring", int, 0),
            "max_priorities": self.field(raw, "max_priorities", "scoring", int, 3),
            "overcome": {"zones_up": self.field(overcome, "zones_up", "scoring.overcome", int, 1),
                         "points_up": self.field(overcome, "points_up", "scoring.overcome", int, 3)},
            "mentor": {"zone": mentor.get("zone"),
                       "all_items_max": self.field(mentor, "all_items_max", "scoring.mentor", bool, False)},
        }
        if data["point_deficit_value"] not in SCALE_VALUES:
            self.fail("scoring.point_deficit_value", "должно быть от 0 до 3")
        if data["max_priorities"] < 1 or min(data["overcome"].values()) < 1:
            self.fail("scoring", "max_priorities, overcome.zones_up и overcome.points_up должны быть не меньше 1")
        return data

    def catalog(self, raw: Any) -> dict:
        raw = self.top(raw, "catalog")
        all_areas = AREA_CODES["questionnaire_teacher"] + AREA_CODES["questionnaire_leader"]
        activities, seen = [], set()
        for n, entry in enumerate(self.field(raw, "activities", "", list), start=1):
            where = f"activities, запись {n}"
            if not isinstance(entry, dict):
                self.fail(where, "ожидались поля code, area, title, format, form, hours")
            code = self.field(entry, "code", where, str, limit=64)
            where = f"activities, запись {n} (code: {code})"
            if code in seen:
                self.fail(where, f"код «{code}» повторяется: коды мероприятий должны быть уникальными")
            seen.add(code)
            item = {"code": code, "area": self.field(entry, "area", where, str),
                    "title": self.field(entry, "title", where, str, limit=300),
                    "format": self.field(entry, "format", where, str), "form": self.field(entry, "form", where, str),
                    "hours": self.field(entry, "hours", where, int),
                    "description": self.field(entry, "description", where, str, "", 2000),
                    "url": self.field(entry, "url", where, str, None, 500)}
            if item["area"] not in all_areas:
                self.fail(where, f"неизвестная область «{item['area']}», допустимы: {', '.join(all_areas)}")
            if item["format"] not in FORMATS:
                self.fail(where, f"неизвестный формат «{item['format']}», допустимы: {', '.join(FORMATS)}")
            if item["form"] not in FORM_ORDER:
                self.fail(where, f"неизвестная форма «{item['form']}», допустимы: {', '.join(FORM_ORDER)}")
            if not 1 <= item["hours"] <= 1000:
                self.fail(where, "часы (hours) должны быть от 1 до 1000")
            if item["url"] is not None and not item["url"].startswith(("https://", "http://")):
                self.fail(where, "ссылка (url) должна начинаться с https:// или http://")
            if not item["description"] and not item["url"]:
                self.fail(where, "нужно описание (description) или ссылка (url)")
            activities.append(item)
        if not activities:
            self.fail("activities", "нет ни одного мероприятия")
        return {"kind": "catalog", "version": self.field(raw, "version", "", str, "", 32), "activities": activities}
