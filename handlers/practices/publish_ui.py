"""Texts and keyboards of the dialog in which a teacher shares a practice."""

from typing import Any

from aiogram.types import InlineKeyboardMarkup

from bot.services.practices import inputs
from handlers.practices.ui import PubCb, area_name, level_name
from handlers.shared.keyboard_builder import KeyboardBuilder
from handlers.shared.texts import esc

CANCEL = " /cancel — отмена."
ASK_TITLE = f"📚 <b>Поделиться практикой</b>\n\nКак называется практика? До {inputs.MAX_TITLE} символов.{CANCEL}"
ASK_AREAS = "Какие области компетенций развивает практика? Отметьте одну или несколько и нажмите «Готово»."
ASK_ITEMS = (
    "Какие утверждения анкеты самодиагностики она помогает освоить? Отметьте до "
    f"{inputs.MAX_ITEMS} и нажмите «Готово» (можно ни одного): по ним практику найдут коллеги с точечными дефицитами."
)
ASK_SUBJECT = f"Для какого предмета практика? Напишите его или выберите кнопкой (до {inputs.MAX_SUBJECT} символов)."
ASK_LEVEL = "Для какого уровня образования?"
ASK_DESCRIPTION = (
    f"Коротко опишите, что вы делаете и что это даёт ученикам (до {inputs.MAX_DESCRIPTION} символов). "
    "Не пишите здесь телефон и личные данные учеников."
)
ASK_MATERIAL = (
    "Пришлите материал: документ (PDF, DOC, DOCX, PPT, PPTX, ODT, ODP до 20 МБ), фото или ссылку https://…\n"
    "Или нажмите «Без материалов»."
)
MATERIAL_KIND = "Пришлите документ, фото или ссылку — или нажмите «Без материалов»."
USE_BUTTONS = "Выберите вариант кнопкой в сообщении выше. /cancel — отмена."
NEED_TEXT = "Пожалуйста, ответьте текстом. /cancel — отмена."
KEEP = "Оставить как было"
SENT = (
    "✅ Практика отправлена на модерацию. Методист проверит её; о решении бот сообщит. "
    "Ваши практики: /practices → «Мои практики»."
)


def keep_kb(data: dict[str, Any], key: str) -> InlineKeyboardMarkup | None:
    """In a resubmission, a typed field may be kept as it was."""
    if not data.get("practice_id") or not data.get(key):
        return None
    return KeyboardBuilder().button(text=KEEP, callback_data=PubCb(action="keep")).as_markup()


def areas_kb(chosen: list[str]) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    for code in inputs.AREAS:
        mark = "✅ " if code in chosen else ""
        kb.button(text=f"{mark}{area_name(code)}", callback_data=PubCb(action="area", value=code))
    kb.button(text="Готово", callback_data=PubCb(action="areas_done"))
    return kb.adjust(1).as_markup()


def items_kb(items: dict[str, str], areas: list[str], chosen: list[str]) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    for code, text in items.items():
        if code.split(".")[0] in areas:
            mark = "✅ " if code in chosen else ""
            short = text if len(text) <= 50 else text[:48].rstrip() + "…"
            kb.button(text=f"{mark}{code} {short}", callback_data=PubCb(action="item", value=code))
    kb.button(text="Готово", callback_data=PubCb(action="items_done"))
    return kb.adjust(1).as_markup()


def subject_kb(subjects: list[str], data: dict[str, Any]) -> InlineKeyboardMarkup | None:
    kb = KeyboardBuilder()
    for index, subject in enumerate(subjects[:8]):
        kb.button(text=subject, callback_data=PubCb(action="subject", value=str(index)))
    if data.get("practice_id") and data.get("subject"):
        kb.button(text=KEEP, callback_data=PubCb(action="keep"))
    return kb.adjust(2).as_markup() if subjects or data.get("practice_id") else None


def level_kb() -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    for code, title in inputs.LEVELS.items():
        kb.button(text=title.capitalize(), callback_data=PubCb(action="level", value=code))
    return kb.adjust(2).as_markup()


def material_kb(data: dict[str, Any]) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder().button(text="Без материалов", callback_data=PubCb(action="no_material"))
    if data.get("practice_id") and data.get("material_kind"):
        kb.button(text=KEEP, callback_data=PubCb(action="keep"))
    return kb.adjust(1).as_markup()


def material_line(kind: str | None, ref: str | None, name: str | None) -> str:
    if kind == "link":
        return f"ссылка {esc(ref)}"
    if kind == "document":
        return f"документ «{esc(name)}»"
    if kind == "photo":
        return "фото"
    return "нет"


def preview(data: dict[str, Any]) -> str:
    areas = ", ".join(area_name(a) for a in data.get("areas", []))
    items = ", ".join(data.get("items", [])) or "не выбраны"
    return (
        f"<b>Проверьте практику</b>\n\n<b>{esc(data.get('title'))}</b>\n"
        f"Области: {areas}\nУтверждения анкеты: {items}\n"
        f"Предмет: {esc(data.get('subject'))}; уровень: {level_name(data.get('level', ''))}\n\n"
        f"{esc(data.get('description'))}\n\n"
        f"Материал: {material_line(data.get('material_kind'), data.get('material_ref'), data.get('material_name'))}"
    )


def preview_kb() -> InlineKeyboardMarkup:
    kb = KeyboardBuilder().button(text="📨 Отправить на модерацию", callback_data=PubCb(action="send"))
    return kb.as_markup()
