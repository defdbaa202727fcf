"""The methodist's /courses screens: the verification queue, a record to check, the return reason."""

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import InlineKeyboardMarkup

from bot.services.courses import Pending
from bot.services.courses.summary import StalePage
from handlers.courses.ui import CoursesCb, card
from handlers.shared.callbacks import Int64
from handlers.shared.keyboard_builder import KeyboardBuilder
from handlers.shared.texts import esc
from models import CourseRecord, User


class ReviewCb(CallbackData, prefix="crsv"):
    action: str  # open | cert | approve | return
    record_id: Int64


class ReviewDialog(StatesGroup):
    reason = State()


ASK_REASON = "Напишите причину возврата (до 500 символов): что педагогу исправить. /cancel — отмена."
EMPTY = "Записей на проверке нет."


def queue(page: Pending, notice: str = "") -> str:
    lines = [notice, ""] if notice else []
    lines.append(f"<b>Курсы на проверке</b>: {page.total}")
    if not page.total:
        lines.append(EMPTY)
    for record, teacher in page.items:
        lines.append(f"• {esc(teacher.full_name or '—')}: {esc(record.title)}, {record.hours} ч")
    return "\n".join(lines)


def queue_kb(page: Pending) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    for record, teacher in page.items:
        label = f"{(teacher.full_name or '—').split()[0]}: {record.title}"[:50]
        kb.button(text=label, callback_data=ReviewCb(action="open", record_id=record.id))
    nav = kb.page_nav(page.page, page.pages, lambda p: CoursesCb(action="review", page=p))
    kb.button(text="◀ К курсам", callback_data=CoursesCb(action="list"))
    return kb.adjust(*([1] * len(page.items)), *([nav] if nav else []), 1).as_markup()


def review_card(record: CourseRecord, teacher: User, organization: str) -> str:
    return f"Педагог: {esc(teacher.full_name or '—')}, {esc(organization)}\n\n{card(record)}"


def review_kb(record: CourseRecord) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    if record.certificate_file_id:
        kb.button(text="📎 Удостоверение", callback_data=ReviewCb(action="cert", record_id=record.id))
    kb.button(text="✅ Подтвердить", callback_data=ReviewCb(action="approve", record_id=record.id))
    kb.button(text="↩️ Вернуть", callback_data=ReviewCb(action="return", record_id=record.id))
    kb.button(text="◀ К очереди", callback_data=CoursesCb(action="review"))
    return kb.adjust(1, 2, 1).as_markup()


def stale(page: StalePage) -> str:
    lines = [f"<b>Без подтверждённого курса ПК больше трёх лет</b>: {page.total}"]
    lines.append("Право на ДПО — не реже раза в три года (273-ФЗ, ст. 47).")
    for user, last in page.items:
        when = f"последний курс {last:%d.%m.%Y}" if last else "курсов в боте нет"
        lines.append(f"• {esc(user.full_name or '—')} — {when}")
    return "\n".join(lines)


def stale_kb(page: StalePage) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    nav = kb.page_nav(page.page, page.pages, lambda p: CoursesCb(action="stale", page=p))
    kb.button(text="◀ К курсам", callback_data=CoursesCb(action="list"))
    return kb.adjust(*([nav] if nav else []), 1).as_markup()
