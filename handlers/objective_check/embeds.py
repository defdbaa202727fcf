"""The objective check on the diagnosis result: a teacher with a severe deficit is offered to check
the self-assessment of those areas (domain.md §2, «Проверка самооценки»); the built ИОМ says where
it follows the check rather than the self-assessment."""

from aiogram.types import InlineKeyboardButton

from bot.services.shared import labels
from handlers.objective_check.ui import CheckCb
from models import ObjectiveCheck

SEVERE = "severe"


def severe_areas(areas) -> list[str]:
    """Codes of the teacher areas in the severe zone among a result's area rows."""
    return [r.area for r in areas if r.zone == SEVERE and r.area.isdigit()]


def offer_line(areas) -> str | None:
    if not severe_areas(areas):
        return None
    return (
        "\n⚠️ При выраженном дефиците стоит сверить самооценку: пройти объективную диагностику — "
        "короткие задания по этим областям («🎯 Проверить себя» или /check) — или разобрать урок "
        "с методистом или наставником."
    )


def offer_button(areas) -> list[InlineKeyboardButton]:
    if not severe_areas(areas):
        return []
    return [InlineKeyboardButton(text="🎯 Проверить себя", callback_data=CheckCb(action="pick").pack())]


def route_line(checks: list[ObjectiveCheck]) -> str:
    """Under a freshly built ИОМ: the areas planned on the check's zone instead of the self-assessment's."""
    if not checks:
        return ""
    parts = [
        f"{labels.area_label(c.area)} (самооценка: {labels.ZONE_TITLES.get(c.self_zone or '', '—')}, "
        f"проверка: {labels.ZONE_TITLES.get(c.zone or '', '—')})"
        for c in checks
    ]
    return "\n⚖️ По результату проверки самооценки построены области: " + "; ".join(parts) + "."
