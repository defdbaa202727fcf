"""The framework of a questionnaire: its areas and how many statements each has. Scores, zone
thresholds, routes, the profile chart and the indicators compare results area by area across
versions, so a new version keeps the framework unless a methodist deliberately changes it."""

from bot.services.shared.errors import InvalidInput
from bot.services.shared.labels import plural

NOT_COMPARABLE = (
    "Если загрузить эту версию, с прежними диагностиками перестанут быть сопоставимы: динамика и "
    "«преодоление дефицитов» при повторной диагностике, профиль компетенций на графике, доли дефицитов "
    "по областям в /stats и отчётах Excel, подбор наставников по ресурсным зонам. Пройденные "
    "диагностики сохранят свою версию."
)


def items(n: int) -> str:
    return f"{n} {plural(n, 'утверждение', 'утверждения', 'утверждений')}"


def changes(current: dict, new: dict) -> list[str]:
    """What the new version changes in the framework of the current one (empty: nothing)."""
    old_areas = {a["code"]: a for a in current.get("areas", [])}
    new_areas = {a["code"]: a for a in new.get("areas", [])}
    found = []
    for code, area in old_areas.items():
        if code not in new_areas:
            found.append(f"удалена область {code} «{area['title']}» ({items(len(area['items']))})")
        elif len(new_areas[code]["items"]) != len(area["items"]):
            found.append(
                f"в области {code} «{area['title']}» было {items(len(area['items']))}, "
                f"стало {len(new_areas[code]['items'])}"
            )
    found += [f"добавлена область {code} «{a['title']}»" for code, a in new_areas.items() if code not in old_areas]
    return found


class FrameworkChange(InvalidInput):
    """A questionnaire upload that changes the framework: refused unless explicitly confirmed."""

    def __init__(self, filename: str, found: list[str]) -> None:
        self.changes = found
        lines = "\n".join(f"• {change}" for change in found)
        super().__init__(
            f"{filename}: новая версия меняет рамку анкеты (области и число утверждений в них):\n{lines}\n\n"
            f"{NOT_COMPARABLE}"
        )
