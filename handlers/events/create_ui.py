"""The /new_event dialog's keyboards: formats, areas, a step's single button, the preview, the
draft's fields and the scope chooser. The dialog's texts live in `manage_texts`; the ones its
handlers use are re-exported, so handlers.events.create and .edit reach everything as `kit.X`."""

from aiogram.types import InlineKeyboardMarkup

from bot.services.events.draft import FIELDS
from bot.services.shared.labels import EVENT_FORMATS as FORMAT_LABELS
from bot.services.shared.labels import TEACHER_AREAS, area_label
from bot.services.shared.paging import Page
from handlers.events.callbacks import EventScopeCb, NewEventCb
from handlers.events.manage_texts import ASK_BUTTON, DRAFT_DROPPED, FIELD_LABELS, cut, describe, prompt
from handlers.shared.keyboard_builder import KeyboardBuilder
from models import EventFormat, Organization

__all__ = [
    "FORMATS",
    "formats",
    "areas",
    "single",
    "preview",
    "draft_fields",
    "scope_level",
    # texts, from manage_texts
    "ASK_BUTTON",
    "DRAFT_DROPPED",
    "FIELD_LABELS",
    "cut",
    "describe",
    "prompt",
]

FORMATS = list(EventFormat)


def formats() -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    for index, value in enumerate(FORMATS):
        kb.button(text=FORMAT_LABELS[value], callback_data=NewEventCb(action="fmt", value=index))
    return kb.adjust(2).as_markup()


def areas(chosen: list[int]) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    for area in TEACHER_AREAS:
        kb.button(
            text=f"{'☑️' if area in chosen else '▫️'} {area_label(area)}",
            callback_data=NewEventCb(action="area", value=area),
        )
    kb.button(text="Готово ➡", callback_data=NewEventCb(action="areas_done"))
    return kb.adjust(1).as_markup()


def single(text: str, action: str) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    kb.button(text=text, callback_data=NewEventCb(action=action))
    return kb.as_markup()


def preview(token: int) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    kb.button(text="✅ Опубликовать", callback_data=NewEventCb(action="pub", value=token))
    kb.button(text="✏️ Изменить…", callback_data=NewEventCb(action="edit"))
    kb.button(text="Отмена", callback_data=NewEventCb(action="drop"))
    return kb.adjust(1, 2).as_markup()


def draft_fields() -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    for index, field in enumerate(FIELDS):
        kb.button(text=FIELD_LABELS[field], callback_data=NewEventCb(action="field", value=index))
    kb.button(text="◀ К предпросмотру", callback_data=NewEventCb(action="back"))
    return kb.adjust(2).as_markup()


def scope_level(parent: Organization | None, page: Page, up_to: int | None) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    sizes = []
    if parent is not None:
        kb.button(text=f"✅ Все: {parent.name[:48]}", callback_data=EventScopeCb(action="pick", org_id=parent.id))
        sizes.append(1)
    for org in page.items:
        leaf = org.kind.value in ("school", "other")
        kb.button(
            text=org.name[:60] if leaf else f"{org.name[:56]} ▸",
            callback_data=EventScopeCb(action="pick" if leaf else "open", org_id=org.id),
        )
        sizes.append(1)
    parent_id = parent.id if parent else 0
    nav = kb.page_nav(page.page, page.pages, lambda p: EventScopeCb(action="open", org_id=parent_id, page=p))
    sizes += [nav] if nav else []
    if up_to is not None:
        kb.button(text="↑ Назад", callback_data=EventScopeCb(action="open", org_id=up_to))
        sizes.append(1)
    return kb.adjust(*sizes).as_markup()
