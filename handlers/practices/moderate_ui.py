"""Texts and keyboards of the methodist's /practices_review."""

from aiogram.types import InlineKeyboardMarkup

from bot.services.practices import scope
from bot.services.practices.finding import Card
from bot.services.shared.paging import Window
from handlers.practices.browse_ui import card
from handlers.practices.ui import ModCb
from handlers.shared.keyboard_builder import KeyboardBuilder
from handlers.shared.texts import esc
from models import Practice

EMPTY = "📚 Практик на модерации в вашей зоне нет."
ASK_COMMENT = "Что автору исправить? Напишите комментарий одним сообщением (до 1000 символов). /cancel — отмена."


def queue(items: list[Practice], at: Window) -> str:
    if not items:
        return EMPTY
    lines = ["📚 <b>Практики на модерации</b>\n"]
    for number, p in enumerate(items, at.offset + 1):
        lines.append(f"{number}. {esc(p.title)} — {esc(p.subject)}")
    return "\n".join(lines)


def queue_kb(items: list[Practice], at: Window) -> InlineKeyboardMarkup | None:
    if not items:
        return None
    kb = KeyboardBuilder()
    for number, p in enumerate(items, at.offset + 1):
        kb.button(text=f"{number}. {p.title[:40]}", callback_data=ModCb(action="open", practice_id=p.id))
    nav = kb.page_nav(at.page, at.pages, lambda page: ModCb(action="list", page=page))
    return kb.adjust(*([1] * len(items)), *([nav] if nav else [])).as_markup()


def review(c: Card, zone: str) -> str:
    return card(c, zone) + "\n\nОдобрите практику, выбрав, где её увидят, или верните автору с комментарием."


def review_kb(c: Card) -> InlineKeyboardMarkup:
    kb, pid = KeyboardBuilder(), c.practice.id
    if c.practice.material_kind == "link":
        kb.button(text="🔗 Материал", url=c.practice.material_ref)
    elif c.practice.material_kind:
        kb.button(text="📎 Материал", callback_data=ModCb(action="material", practice_id=pid))
    for code, title in scope.VISIBILITY.items():
        kb.button(text=f"✅ Одобрить: {title}", callback_data=ModCb(action="approve", practice_id=pid, value=code))
    kb.button(text="↩️ Вернуть с комментарием", callback_data=ModCb(action="return", practice_id=pid))
    kb.button(text="« К списку", callback_data=ModCb(action="list"))
    return kb.adjust(1).as_markup()


def approved(title: str, visibility: str) -> str:
    return f"✅ Практика «{esc(title)}» одобрена; видна: {scope.VISIBILITY[visibility]}. Автор получит уведомление."


def returned(title: str) -> str:
    return f"↩️ Практика «{esc(title)}» возвращена автору с вашим комментарием."
