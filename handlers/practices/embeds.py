"""Practices on other features' screens: the invitation to share one that the diagnosis result shows
a teacher in the resource zone of an area (domain.md §2: 14–15 points, one who can show colleagues
how), and the profile's line on what the person shares."""

from aiogram.types import InlineKeyboardButton

from bot.services.practices.standing import Standing
from bot.services.shared import labels
from handlers.practices.ui import PracticeCb

RESOURCE = "resource"


def resource_areas(areas) -> list[str]:
    """Codes of the teacher areas in the resource zone among a result's area rows."""
    return [r.area for r in areas if r.zone == RESOURCE and r.area.isdigit()]


def invite_line(areas) -> str | None:
    found = resource_areas(areas)
    if not found:
        return None
    names = ", ".join(labels.area_label(code) for code in found)
    return (
        f"\n📚 Вы в ресурсной зоне по областям: {names}. Поделитесь практикой с коллегами: "
        "после проверки методистом её увидят те, у кого здесь дефицит."
    )


def invite_button(areas) -> list[InlineKeyboardButton]:
    if not resource_areas(areas):
        return []
    return [InlineKeyboardButton(text="📚 Поделиться практикой", callback_data=PracticeCb(action="share").pack())]


def line(shared: Standing) -> str:
    """The profile's line on shared practices; nothing for someone who has not shared yet."""
    if not shared.practices:
        return ""
    return (
        f"\nДелится опытом: практик в банке — {shared.practices}, "
        f"применили коллеги — {shared.applied} (/practices → «Мои практики»)."
    )
