"""The ИОМ screens: callback data, dialog states, Russian texts and keyboards."""

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import InlineKeyboardMarkup

from bot.services.route import ActivityPage, StepView
from bot.services.shared.labels import FORM_LABELS, KIND_LABELS, area_title
from bot.services.shared.timefmt import fmt
from handlers.shared.callbacks import Int64
from handlers.shared.compact import cut
from handlers.shared.keyboard_builder import KeyboardBuilder
from handlers.shared.texts import esc
from models import RouteStatus, RouteStep, StepStatus


class RouteBuildCb(CallbackData, prefix="rbuild"):
    attempt_id: Int64


class ResultsRouteCb(CallbackData, prefix="rbuildr"):
    """«Построить ИОМ» under the diagnosis results: the route comes as a new message below them,
    and the results stay in the chat."""

    attempt_id: Int64


class RebuildCb(CallbackData, prefix="rbok"):
    attempt_id: Int64


class RouteCb(CallbackData, prefix="route"):
    action: str  # view | pdf | own
    page: Int64 = 0


class StepCb(CallbackData, prefix="rstep"):
    """The deadline nudge's «Открыть шаг» is kind "route_step" (see handlers.shared.outbox_buttons)."""

    action: str  # open | done | postpone | replace | remove_ask | remove
    step_id: Int64


class ReplaceCb(CallbackData, prefix="rrepl"):
    step_id: Int64
    activity_id: Int64 = 0  # 0: show the page of choices
    page: Int64 = 0


class SkipFileCb(CallbackData, prefix="rskip"):
    step_id: Int64


class RouteDialog(StatesGroup):
    reflection = State()
    evidence = State()
    postpone = State()
    own_title = State()
    own_deadline = State()


PAGE = 8
STEP_BUTTON = 54  # «12. » and 50 characters of the title
REBUILD_ASK = (
    "Перестроить ИОМ по новым результатам (диагностики или проверки самооценки)?\nВыполненные шаги "
    "сохранятся, невыполненные (в том числе добавленные вами) заменятся новыми."
)
ASK_REFLECTION = (
    "Отлично! Напишите коротко (до 2000 символов), что получилось и что будете применять. "
    "Можно сразу прислать фото сертификата или PDF — подпись к файлу станет рефлексией."
)
ASK_FILE = "Пришлите фото сертификата или PDF-документ как подтверждение — или нажмите «Пропустить»."
ASK_DATE = "Введите новый срок в формате <code>дд.мм.гггг</code>, например <code>25.12.2026</code>. /cancel — отмена."
ASK_OWN_TITLE = "Как назовём шаг? Например: <i>Прочитать книгу «Мастерство учителя»</i>. /cancel — отмена."
ASK_OWN_DATE = "До какого числа? Формат <code>дд.мм.гггг</code>."
NEED_TEXT = "Пожалуйста, ответьте текстом. /cancel — отмена."


def step_card(view: StepView, zone: str, notice: str = "") -> str:
    step, activity, event = view.step, view.activity, view.event
    lines = [f"{notice}\n" if notice else "", f"<b>{esc(step.title)}</b>"]
    if step.area:
        item = f", пункт {esc(step.item_code)}" if step.item_code else ""
        lines.append(f"Дефицит: {esc(area_title(step.area))}{item} ({KIND_LABELS.get(step.deficit_kind, '')})")
    lines += [
        f"Задача: {esc(step.task)}",
        f"Форма: {FORM_LABELS.get(step.form, step.form)}"
        + (f" · {esc(activity.format)}" if activity else "")
        + (f" · {step.hours} ч" if step.hours else ""),
    ]
    if event is not None:
        lines.append(f"Мероприятие: {esc(event.title)}, {fmt(event.starts_at, zone)} — запись в /events")
    if activity is not None and activity.description:
        lines.append(esc(activity.description[:600]))
    if activity is not None and activity.url:
        lines.append(f"Ресурс: {esc(activity.url)}")
    lines += [
        f"Срок: до {step.deadline:%d.%m.%Y}",
        f"Результат: {esc(step.expected_result)}",
        f"Отчётность: {esc(step.report_form)}",
    ]
    if step.status == StepStatus.done:
        when = f" {fmt(step.done_at, zone)}" if step.done_at else ""
        lines.append(f"\n✅ Выполнено{when}")
        if step.reflection:
            lines.append(f"Рефлексия: {esc(step.reflection[:1500])}")
        if step.evidence_kind:
            lines.append("Подтверждение: " + ("фото" if step.evidence_kind == "photo" else "документ"))
    if view.comments:
        lines.append("\n💬 Комментарии наставника:")
        lines += [f"— {esc(comment[:500])}" for comment in view.comments]
    return "\n".join(line for line in lines if line)


def step_kb(view: StepView) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    step = view.step
    if step.status == StepStatus.planned:
        if view.route.status != RouteStatus.draft:
            kb.button(text="✅ Выполнено", callback_data=StepCb(action="done", step_id=step.id))
        kb.button(text="📅 Перенести срок", callback_data=StepCb(action="postpone", step_id=step.id))
        if step.area:
            kb.button(text="🔁 Заменить", callback_data=ReplaceCb(step_id=step.id))
        kb.button(text="🗑 Убрать из маршрута", callback_data=StepCb(action="remove_ask", step_id=step.id))
    kb.button(text="« К маршруту", callback_data=RouteCb(action="view"))
    return kb.adjust(1).as_markup()


def remove_question(step: RouteStep) -> str:
    return f"Убрать шаг «{esc(step.title)}» из маршрута? Он не будет учитываться в прогрессе."


def remove_kb(step_id: int) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    kb.button(text="Да, убрать", callback_data=StepCb(action="remove", step_id=step_id))
    kb.button(text="Нет, оставить", callback_data=StepCb(action="open", step_id=step_id))
    return kb.adjust(1).as_markup()


def replacements(page: ActivityPage) -> str:
    if not page.items:
        return f"Других мероприятий каталога по области «{esc(area_title(page.step.area))}» пока нет."
    lines = [f"Чем заменить «{esc(page.step.title)}»? Область: {esc(area_title(page.step.area))}."]
    for a in page.items:
        lines.append(f"• {esc(a.title)} — {esc(a.format)}, {a.hours} ч ({FORM_LABELS.get(a.form.value, '')})")
    return "\n".join(lines)


def replacements_kb(page: ActivityPage) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    step_id = page.step.id
    for activity in page.items:
        kb.button(text=cut(activity.title, 60), callback_data=ReplaceCb(step_id=step_id, activity_id=activity.id))
    nav = kb.page_nav(page.page, page.pages, lambda p: ReplaceCb(step_id=step_id, page=p), counter=False)
    kb.button(text="« Назад", callback_data=StepCb(action="open", step_id=step_id))
    return kb.adjust(*[1] * len(page.items), *([nav] if nav else []), 1).as_markup()


def rebuild_kb(attempt_id: int) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    kb.button(text="Да, перестроить", callback_data=RebuildCb(attempt_id=attempt_id))
    kb.button(text="Нет, оставить текущий", callback_data=RouteCb(action="view"))
    return kb.adjust(1).as_markup()


def skip_kb(step_id: int) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    kb.button(text="Пропустить", callback_data=SkipFileCb(step_id=step_id))
    return kb.as_markup()
