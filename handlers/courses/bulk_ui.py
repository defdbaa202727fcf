"""The methodist's import of completed courses: prompt, preview (what will be added, what will not
and why) and the confirmation keyboard."""

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import InlineKeyboardMarkup

from bot.services.courses.bulk_import import Preview
from handlers.shared.keyboard_builder import KeyboardBuilder
from handlers.shared.texts import esc


class ImportCb(CallbackData, prefix="crsi"):
    action: str  # confirm | cancel


class ImportDialog(StatesGroup):
    file = State()
    confirm = State()


SHOWN = 25
ASK_FILE = (
    "<b>Импорт курсов из списка</b>\n"
    "Пришлите CSV или XLSX (до 2 МБ, до 1000 строк). В первой строке — заголовки столбцов:\n"
    "ФИО; Программа; Часы; Начало; Окончание — обязательно;\n"
    "Организация (если есть однофамильцы); Кто проводил; Форма (очно / дистанционно); Номер в ФР ДПП; "
    "Область (1–8: курс закроет формальный шаг ИОМ этой области) — по желанию.\n"
    "Даты — <code>дд.мм.гггг</code>. Бот покажет, кого нашёл и что не получилось, и ничего не изменит без "
    "вашего подтверждения. /cancel — отмена."
)
CANCELLED = "Импорт отменён, ничего не изменено."
NEED_FILE = "Пришлите файл .csv или .xlsx документом, или /cancel."


def preview(result: Preview) -> str:
    lines = [f"<b>Проверка списка</b>: можно добавить {len(result.ready)}, не получится {len(result.refused)}."]
    if result.ready:
        lines.append("\n<b>Будут добавлены (как подтверждённые):</b>")
        lines += [
            f"• стр. {r['line']}: {esc(r['who'])} — «{esc(r['title'])}», {r['hours']} ч" for r in result.ready[:SHOWN]
        ]
        if len(result.ready) > SHOWN:
            lines.append(f"…и ещё {len(result.ready) - SHOWN}")
    if result.refused:
        lines.append("\n<b>Не будут добавлены:</b>")
        lines += [f"• стр. {line}: {esc(who)} — {reason}" for line, who, reason in result.refused[:SHOWN]]
        if len(result.refused) > SHOWN:
            lines.append(f"…и ещё {len(result.refused) - SHOWN}")
    if not result.ready:
        lines.append("\nДобавлять нечего. Исправьте файл и пришлите его снова, или /cancel.")
    return "\n".join(lines)


def confirm_kb(count: int) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    kb.button(text=f"✅ Добавить {count}", callback_data=ImportCb(action="confirm"))
    kb.button(text="Отмена", callback_data=ImportCb(action="cancel"))
    return kb.adjust(2).as_markup()
