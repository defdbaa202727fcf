"""Broadcast keyboards: the audience screen and its filter screens (organizations, roles, positions,
subjects, deficit areas, events), confirm, stop, the recent broadcasts and the live progress button.
Texts are in `texts`, callback data and states in `callbacks`."""

from aiogram.types import InlineKeyboardMarkup

from bot.services.broadcasts.audience import AREAS
from bot.services.broadcasts.report import STOP_LABEL
from bot.services.onboarding.users import SUBJECTS
from bot.services.shared import orgs
from bot.services.shared.labels import area_label
from bot.services.shared.timefmt import local
from handlers.broadcasts.callbacks import BcCb
from handlers.broadcasts.texts import ROLE_NAMES, recent_line
from handlers.shared.keyboard_builder import KeyboardBuilder
from handlers.shared.texts import POSITION_LABELS
from models import Broadcast, BroadcastStatus, Event, Organization, Position


def mark(on: bool) -> str:
    return "☑️ " if on else "▫️ "


def audience_kb(b: Broadcast) -> InlineKeyboardMarkup:
    spec, kb = b.audience, KeyboardBuilder()
    for label, action in (
        ("🏫 Территории и организации", "orgs"),
        ("👤 Роль", "roles"),
        ("💼 Должность", "positions"),
        ("📚 Предметы", "subjects"),
        ("📉 Дефицит по области", "areas"),
        ("📅 Записанные на мероприятие", "events"),
    ):
        kb.button(text=label, callback_data=BcCb(action=action, id=b.id))
    kb.button(
        text=mark(spec.get("young", False)) + "Молодые специалисты",
        callback_data=BcCb(action="t", id=b.id, value="young"),
    )
    kb.button(
        text=mark(spec.get("undiagnosed", False)) + "Не прошли диагностику",
        callback_data=BcCb(action="t", id=b.id, value="undiagnosed"),
    )
    kb.button(text="♻️ Сбросить фильтры", callback_data=BcCb(action="t", id=b.id, value="all"))
    kb.button(text="✏️ Заменить сообщение", callback_data=BcCb(action="retext", id=b.id))
    kb.button(text="🗑 Удалить черновик", callback_data=BcCb(action="drop", id=b.id))
    kb.button(text="Далее ➡", callback_data=BcCb(action="next", id=b.id))
    return kb.adjust(2, 2, 2, 2, 1, 2, 1).as_markup()


def _back(kb: KeyboardBuilder, b: Broadcast) -> None:
    kb.button(text="« К аудитории", callback_data=BcCb(action="aud", id=b.id))


def choices_kb(b: Broadcast, action: str, options: list[tuple[str, str, bool]], width: int = 1) -> InlineKeyboardMarkup:
    """Toggle buttons of one dimension: (value, label, chosen)."""
    kb = KeyboardBuilder()
    for value, label, chosen in options:
        kb.button(text=mark(chosen) + label, callback_data=BcCb(action=action, id=b.id, value=value))
    _back(kb, b)
    rows = [width] * (len(options) // width) + ([len(options) % width] if len(options) % width else [])
    return kb.adjust(*rows, 1).as_markup()


def role_options(spec: dict) -> list[tuple[str, str, bool]]:
    return [(r, label.capitalize(), r in spec.get("roles", [])) for r, label in ROLE_NAMES.items()]


def position_options(spec: dict) -> list[tuple[str, str, bool]]:
    return [(p.value, POSITION_LABELS[p], p.value in spec.get("positions", [])) for p in Position]


def subject_options(spec: dict) -> list[tuple[str, str, bool]]:
    return [(str(i), s, s in spec.get("subjects", [])) for i, s in enumerate(SUBJECTS)]


def area_options(spec: dict) -> list[tuple[str, str, bool]]:
    return [(a, area_label(a), a in spec.get("deficit", [])) for a in AREAS]


def orgs_kb(b: Broadcast, parent: Organization | None, level: orgs.Page, up: int) -> InlineKeyboardMarkup:
    kb, chosen, sizes = KeyboardBuilder(), set(b.audience.get("orgs", [])), []
    parent_id = parent.id if parent else 0
    for org in level.items:
        kb.button(
            text=mark(org.id in chosen) + org.name[:45],
            callback_data=BcCb(action="org", id=b.id, value=str(org.id), parent=parent_id, page=level.page),
        )
        if org.kind.value in ("region", "municipality"):
            kb.button(text="›", callback_data=BcCb(action="orgs", id=b.id, parent=org.id))
            sizes.append(2)
        else:
            sizes.append(1)
    nav = kb.page_nav(
        level.page, level.pages, lambda p: BcCb(action="orgs", id=b.id, parent=parent_id, page=p), counter=False
    )
    if parent is not None:
        kb.button(text="↑ Выше", callback_data=BcCb(action="orgs", id=b.id, parent=up))
    _back(kb, b)
    return kb.adjust(*sizes, *([nav] if nav else []), *([1] if parent else []), 1).as_markup()


def events_kb(b: Broadcast, items: list[Event], page: int, pages: int) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    for event in items:
        day = local(event.starts_at, event.timezone)
        kb.button(
            text=mark(b.audience.get("event") == event.id) + f"{day:%d.%m.%y} {event.title[:40]}",
            callback_data=BcCb(action="ev", id=b.id, value=str(event.id), page=page),
        )
    nav = kb.page_nav(page, pages, lambda p: BcCb(action="events", id=b.id, page=p), counter=False)
    _back(kb, b)
    return kb.adjust(*[1] * len(items), *([nav] if nav else []), 1).as_markup()


def confirm_kb(b: Broadcast) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    kb.button(text="🚀 Отправить сейчас", callback_data=BcCb(action="now", id=b.id))
    kb.button(text="🕒 Запланировать", callback_data=BcCb(action="when", id=b.id))
    _back(kb, b)
    return kb.adjust(1).as_markup()


def stop_kb(b: Broadcast) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    kb.button(text="Да, остановить", callback_data=BcCb(action="stopyes", id=b.id))
    kb.button(text="Нет, пусть идёт", callback_data=BcCb(action="stopno", id=b.id))
    return kb.adjust(1).as_markup()


def recent_kb(items: list[Broadcast]) -> InlineKeyboardMarkup | None:
    if not items:
        return None
    kb = KeyboardBuilder()
    for b in items:
        kb.button(text=recent_line(b), callback_data=BcCb(action="status", id=b.id))
    return kb.adjust(1).as_markup()


# screen → (toggle action, options builder, title, buttons per row)
CHOICE_SCREENS = {
    "roles": ("role", role_options, "Роль", 1),
    "positions": ("pos", position_options, "Должность", 1),
    "subjects": ("subj", subject_options, "Предметы", 2),
    "areas": ("area", area_options, "Дефицит (выраженный или частичный) в последней диагностике", 1),
}


def progress_kb(b: Broadcast) -> InlineKeyboardMarkup | None:
    active = b.status in (BroadcastStatus.scheduled, BroadcastStatus.sending)
    if not active:
        return None
    kb = KeyboardBuilder()
    kb.button(text=STOP_LABEL, callback_data=BcCb(action="stop", id=b.id))
    return kb.as_markup()
