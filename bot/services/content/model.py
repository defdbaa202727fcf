"""The typed questionnaire: areas of statements, the answer scale, the scoring rules, built from
data that has already passed validation."""

import math
from dataclasses import dataclass

from bot.services.content.schema import SCALE_VALUES


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
        deficit_zones=frozenset(s["deficit_zones"]),
        point_deficit_value=s["point_deficit_value"],
        priority=tuple(s["priority"]),
        max_priorities=s["max_priorities"],
        overcome_zones=s["overcome"]["zones_up"],
        overcome_points=s["overcome"]["points_up"],
        mentor_zone=s["mentor"].get("zone"),
        mentor_all_max=bool(s["mentor"].get("all_items_max")),
    )
    areas = tuple(
        Area(a["code"], a["title"], tuple(Item(i["code"], a["code"], i["text"]) for i in a["items"]))
        for a in data["areas"]
    )
    return Questionnaire(
        content_version_id,
        kind,
        data["version"],
        data["title"],
        tuple((p["value"], p["text"]) for p in data["scale"]),
        areas,
        scoring,
        data["retake_interval_days"],
    )
