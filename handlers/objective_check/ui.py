"""The objective check's screens: callback data, Russian texts and keyboards. A question's buttons
carry the question's index and the option number only: the key stays on the server."""

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup

from bot.services.objective_check.attempts import Question
from bot.services.objective_check.scoring import Comparison
from bot.services.shared import labels
from handlers.shared.callbacks import Int64
from handlers.shared.keyboard_builder import KeyboardBuilder
from handlers.shared.texts import esc
from models import ObjectiveCheck

MARKS = {"severe": "🔴", "partial": "🟠", "norm": "🟢", "resource": "🔵"}
REVIEW_BUTTON = "🧑‍🏫 Попросить разбор урока"
REVIEW_INSTEAD = "Вместо проверки можно попросить разбор урока с методистом или наставником («🧑‍🏫»)."


class CheckCb(CallbackData, prefix="oc"):
    action: str  # pick: the list of areas | start: check an area (or go on with it) | review: ask for a lesson review
    area: str = ""


class CheckAnswerCb(CallbackData, prefix="oca"):
    """The chosen option of the question at `index` of the owner's running check."""

    index: Int64
    option: Int64


def zone(code: str | None) -> str:
    return f"{MARKS.get(code or '', '•')} {labels.ZONE_TITLES.get(code or '', 'нет данных')}"


def pick(self_zones: dict[str, str], running: ObjectiveCheck | None, waiting: str | None = None) -> str:
    lines = [
        "<b>Проверка самооценки</b>\n",
        "Короткие задания по области: выберите вариант ответа кнопкой, ответ проверит бот. "
        "Результат переводится в те же зоны, что и самодиагностика. Если он расходится с самооценкой "
        "на зону и больше, ИОМ строится по результату проверки.",
    ]
    severe = [labels.area_label(a) for a, z in sorted(self_zones.items()) if z == "severe" and a.isdigit()]
    if severe:
        lines.append(f"\nСтоит проверить прежде всего (выраженный дефицит): {', '.join(severe)}.")
    if running is not None:
        lines.append(f"\nНезавершённая проверка: {labels.area_label(running.area)} — «▶» продолжит её.")
    if waiting:
        lines.append(waiting)
    lines.append(f"\n{REVIEW_INSTEAD}\n\nВыберите область:")
    return "\n".join(lines)


def pick_kb(areas: list[str], self_zones: dict[str, str], running: ObjectiveCheck | None) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    first = sorted(areas, key=lambda a: (self_zones.get(a) != "severe", int(a)))
    for area in first:
        mark = "▶" if running is not None and running.area == area else MARKS.get(self_zones.get(area, ""), "•")
        kb.button(text=f"{mark} {labels.area_label(area)}", callback_data=CheckCb(action="start", area=area))
    kb.button(text=REVIEW_BUTTON, callback_data=CheckCb(action="review"))
    return kb.adjust(1).as_markup()


def question(q: Question) -> str:
    options = "\n".join(f"<b>{n}.</b> {esc(text)}" for n, text in enumerate(q.task.options, start=1))
    return (
        f"<b>Проверка: {esc(labels.area_label(q.check.area))}</b>\nЗадание {q.index + 1} из {q.total}\n\n"
        f"{esc(q.task.text)}\n\n{options}\n\nВыберите номер ответа."
    )


def question_kb(q: Question) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    for n in range(1, len(q.task.options) + 1):
        kb.button(text=str(n), callback_data=CheckAnswerCb(index=q.index, option=n))
    return kb.adjust(len(q.task.options)).as_markup()


def _row(check: ObjectiveCheck, comparison: Comparison | None) -> str:
    line = (
        f"<b>{esc(labels.area_label(check.area))}</b>\n"
        f"  самооценка: {zone(comparison.self_zone if comparison else None)}\n"
        f"  проверка: {zone(check.zone)} ({check.correct} из {len(check.tasks)} верно, {check.score} из 15)"
    )
    if comparison is not None and comparison.differs:
        line += "\n  ⚖️ Расходятся на зону и больше: ИОМ будет построен по результату проверки."
    return line


def result(done: ObjectiveCheck, rows: list[tuple[ObjectiveCheck, Comparison | None]]) -> str:
    lines = [
        f"✅ Проверка завершена: {esc(labels.area_label(done.area))}.\n",
        "<b>Самооценка и проверка</b>",
    ]
    lines += [_row(check, comparison) for check, comparison in rows]
    if any(c is None for _, c in rows):
        lines.append("\nГде самооценки нет, пройдите самодиагностику: /diagnostics")
    lines.append(f"\n{REVIEW_INSTEAD} Другие области — /check")
    return "\n".join(lines)


def result_kb(done: ObjectiveCheck) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    kb.button(text=REVIEW_BUTTON, callback_data=CheckCb(action="review", area=done.area))
    return kb.as_markup()
