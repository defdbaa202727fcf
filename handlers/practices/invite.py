"""The invitation to share a practice that the diagnosis result screen shows to a teacher in the
resource zone of an area (domain.md §2: 14–15 points, one who can show colleagues how)."""

from aiogram.types import InlineKeyboardButton

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
