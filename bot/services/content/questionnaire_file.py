"""Validation of a questionnaire file: the scale, areas of statements with their codes, and the
scoring rules (zone thresholds, deficits, priorities, overcoming, mentor readiness)."""

from collections import Counter
from typing import Any

from bot.services.content.checks import Check
from bot.services.content.schema import AREA_CODES, SCALE_VALUES, ZONE_CODES
from bot.services.shared.labels import plural


def plural_items(n: int) -> str:
    return f"{n} {plural(n, 'утверждение', 'утверждения', 'утверждений')}"


class QuestionnaireCheck(Check):
    """A questionnaire variant: scale, areas and scoring, checked and normalized."""

    def questionnaire(self, kind: str, raw: Any) -> dict:
        raw = self.top(raw, kind)
        data = {
            "kind": kind,
            "version": self.field(raw, "version", "", str, "", 32),
            "title": self.field(raw, "title", "", str, limit=100),
            "retake_interval_days": self.field(raw, "retake_interval_days", "", int, 180),
        }
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
        return {
            "value": self.field(point, "value", where, int),
            "text": self.field(point, "text", where, str, limit=200),
        }

    def _areas(self, kind: str, raw_areas: list) -> list[dict]:
        areas, area_codes, item_codes = [], set(), set()
        for n, raw in enumerate(raw_areas, start=1):
            where = f"areas, область {n}"
            if not isinstance(raw, dict):
                self.fail(where, "ожидались поля code, title, items")
            code = self.field(raw, "code", where, str)
            where = f"areas, область {n} (code: {code}{self.line('areas', n - 1)})"
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
                item_where = f"{where}, утверждение {m} (code: {item_code}{self.line('areas', n - 1, 'items', m - 1)})"
                if not item_code.startswith(f"{code}."):
                    self.fail(item_where, f"код утверждения должен начинаться с «{code}.»")
                if item_code in item_codes:
                    self.fail(item_where, f"код утверждения «{item_code}» повторяется")
                item_codes.add(item_code)
                items.append({"code": item_code, "text": self.field(item, "text", item_where, str, limit=1000)})
            areas.append({"code": code, "title": self.field(raw, "title", where, str, limit=100), "items": items})
        if not areas:
            self.fail("areas", "нет ни одной области")
        self._same_item_counts(areas)
        return areas

    def _same_item_counts(self, areas: list[dict]) -> None:
        """Zone thresholds are shared by all areas, so each needs as many statements as the others:
        the message names the areas that differ from the usual count, with their lines."""
        counts = Counter(len(a["items"]) for a in areas)
        if len(counts) < 2:
            return
        usual = counts.most_common(1)[0][0]
        odd = [
            f"в области {a['code']} «{a['title']}»{self._on_line('areas', n)} {plural_items(len(a['items']))}"
            for n, a in enumerate(areas)
            if len(a["items"]) != usual
        ]
        self.fail(
            "areas",
            f"{'; '.join(odd)}, а в остальных по {usual}: во всех областях должно быть одинаковое число "
            "утверждений, пороги зон общие",
        )

    def _on_line(self, *path: Any) -> str:
        line = self.lines.at(*path)
        return f" (строка {line})" if line else ""

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
                self.fail(
                    where,
                    f"порог min = {low}, а должен быть {expected}: пороги идут по возрастанию без "
                    "пропусков и пересечений, начиная с 0",
                )
            if high < low:
                self.fail(where, f"порог max = {high} меньше min = {low}")
            zones.append(
                {"code": code, "title": self.field(zone, "title", where, str, limit=60), "min": low, "max": high}
            )
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
            "zones": zones,
            "deficit_zones": deficit,
            "priority": priority,
            "point_deficit_value": self.field(raw, "point_deficit_value", "scoring", int, 0),
            "max_priorities": self.field(raw, "max_priorities", "scoring", int, 3),
            "overcome": {
                "zones_up": self.field(overcome, "zones_up", "scoring.overcome", int, 1),
                "points_up": self.field(overcome, "points_up", "scoring.overcome", int, 3),
            },
            "mentor": {
                "zone": mentor.get("zone"),
                "all_items_max": self.field(mentor, "all_items_max", "scoring.mentor", bool, False),
            },
        }
        if data["point_deficit_value"] not in SCALE_VALUES:
            self.fail("scoring.point_deficit_value", "должно быть от 0 до 3")
        if data["max_priorities"] < 1 or min(data["overcome"].values()) < 1:
            self.fail("scoring", "max_priorities, overcome.zones_up и overcome.points_up должны быть не меньше 1")
        return data
