"""Texts and keyboards of the dialog in which a teacher offers an open lesson."""

from typing import Any

from aiogram.types import InlineKeyboardMarkup

from bot.services.lessons import inputs
from bot.services.practices.inputs import AREAS
from bot.services.shared.timefmt import suffix
from handlers.lessons.ui import OfferCb
from handlers.practices.ui import area_name
from handlers.shared.keyboard_builder import KeyboardBuilder
from handlers.shared.texts import esc

CANCEL = " /cancel — отмена."


def ask_when(zone: str) -> str:
    return (
        "🏫 <b>Открытый урок</b>\n\nКогда урок? Напишите дату и время так: <code>25.12.2026 10:30</code>"
        f"{esc(suffix(zone))}.{CANCEL}"
    )


ASK_CLASS = "В каком классе? Например: <code>7Б</code>."
ASK_SUBJECT = "Предмет? Напишите или выберите кнопкой."
ASK_TOPIC = f"Тема урока (до {inputs.MAX_TOPIC} символов)?"
ASK_AREAS = "Какие области компетенций будут в фокусе? Отметьте и нажмите «Готово»: гости оценят их пункты."
ASK_PLACES = f"Сколько мест для гостей? Число от 1 до {inputs.MAX_PLACES}."
USE_BUTTONS = "Выберите вариант кнопкой в сообщении выше. /cancel — отмена."
NEED_TEXT = "Пожалуйста, ответьте текстом. /cancel — отмена."
SENT = "✅ Открытый урок опубликован: его видят коллеги вашего муниципалитета. Ваши уроки: /lessons → «Мои уроки»."
SENT_FOR_APPROVAL = (
    "✅ Открытый урок отправлен на согласование: в вашей школе его согласует методист или заместитель директора. "
    "Коллеги увидят урок после согласования; о решении бот сообщит."
)


def subject_kb(subjects: list[str]) -> InlineKeyboardMarkup | None:
    if not subjects:
        return None
    kb = KeyboardBuilder()
    for index, subject in enumerate(subjects[:8]):
        kb.button(text=subject, callback_data=OfferCb(action="subject", value=str(index)))
    return kb.adjust(2).as_markup()


def areas_kb(chosen: list[str]) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    for code in AREAS:
        kb.button(
            text=f"{'✅ ' if code in chosen else ''}{area_name(code)}", callback_data=OfferCb(action="area", value=code)
        )
    kb.button(text="Готово", callback_data=OfferCb(action="areas_done"))
    return kb.adjust(1).as_markup()


def preview(data: dict[str, Any]) -> str:
    return (
        "<b>Проверьте открытый урок</b>\n\n"
        f"Когда: {esc(data.get('when'))}\nКласс: {esc(data.get('class_name'))}; предмет: {esc(data.get('subject'))}\n"
        f"Тема: {esc(data.get('topic'))}\nВ фокусе: {', '.join(area_name(a) for a in data.get('areas', []))}\n"
        f"Мест для гостей: {data.get('capacity')}"
    )


def preview_kb() -> InlineKeyboardMarkup:
    return KeyboardBuilder().button(text="📢 Опубликовать", callback_data=OfferCb(action="send")).as_markup()
