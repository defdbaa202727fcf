"""Validation of the activity catalogue file: unique codes, known areas, formats and forms, hours,
a description or a link."""

from typing import Any

from bot.services.content.checks import Check
from bot.services.content.schema import AREA_CODES, FORM_ORDER, FORMATS


class CatalogCheck(Check):
    """The catalogue: a list of activities, each checked and normalized."""

    def catalog(self, raw: Any) -> dict:
        raw = self.top(raw, "catalog")
        all_areas = AREA_CODES["questionnaire_teacher"] + AREA_CODES["questionnaire_leader"]
        activities, seen = [], set()
        for n, entry in enumerate(self.field(raw, "activities", "", list), start=1):
            where = f"activities, запись {n}"
            if not isinstance(entry, dict):
                self.fail(where, "ожидались поля code, area, title, format, form, hours")
            code = self.field(entry, "code", where, str, limit=64)
            where = f"activities, запись {n} (code: {code}{self.line('activities', n - 1)})"
            if code in seen:
                self.fail(where, f"код «{code}» повторяется: коды мероприятий должны быть уникальными")
            seen.add(code)
            item = {
                "code": code,
                "area": self.field(entry, "area", where, str),
                "title": self.field(entry, "title", where, str, limit=300),
                "format": self.field(entry, "format", where, str),
                "form": self.field(entry, "form", where, str),
                "hours": self.field(entry, "hours", where, int),
                "description": self.field(entry, "description", where, str, "", 2000),
                "url": self.field(entry, "url", where, str, None, 500),
            }
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
