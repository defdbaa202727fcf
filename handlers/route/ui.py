"""The ИОМ screens: callback data, dialog states, Russian texts and keyboards."""

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import InlineKeyboardMarkup

from bot.services.route import ActivityPage, Overview, StepView, progress
from bot.services.shared.labels import FORM_LABELS, KIND_LABELS, ZONE_TITLES, area_title
from bot.services.shared.paging import window
from bot.services.shared.timefmt import fmt
from handlers.shared.compact import cut, progress_bar
from handlers.shared.keyboard_builder import KeyboardBuilder
from handlers.shared.texts import esc, plural
from models import Route, RouteStatus, RouteStep, StepStatus


class RouteBuildCb(CallbackData, prefix="rbuild"):
    attempt_id: int


class ResultsRouteCb(CallbackData, prefix="rbuildr"):
    """«Построить ИОМ» under the diagnosis results: the route comes as a new message below them,
    and the results stay in the chat."""

    attempt_id: int


class RebuildCb(CallbackData, prefix="rbok"):
    attempt_id: int


class RouteCb(CallbackData, prefix="route"):
    action: str  # view | pdf | own
    page: int = 0


class StepCb(CallbackData, prefix="rstep"):
    """The deadline nudge's «Открыть шаг» is kind "route_step" (see handlers.shared.outbox_buttons)."""

    action: str  # open | done | postpone | replace | remove_ask | remove
    step_id: int


class ReplaceCb(CallbackData, prefix="rrepl"):
    step_id: int
    activity_id: int = 0  # 0: show the page of choices
    page: int = 0


class SkipFileCb(CallbackData, prefix="rskip"):
    step_id: int


class RouteDialog(StatesGroup):
    reflection = State()
    evidence = State()
    postpone = State()
    own_title = State()
    own_deadline = State()


PAGE = 8
STEP_BUTTON = 54  # «12. » and 50 characters of the title
STATUS_LABELS = {
    RouteStatus.draft: "черновик — ждёт согласования наставником или методистом",
    RouteStatus.approved: "согласован",
    RouteStatus.active: "в работе",
    RouteStatus.completed: "выполнен 🎉",
}
NO_DIAGNOSIS = (
    "Индивидуальный образовательный маршрут строится по результатам самодиагностики. "
    "Пройдите её: /diagnostics — это займёт около {minutes}."
)
CAN_BUILD = (
    "Самодиагностика пройдена. Бот составит ИОМ на полугодие: до трёх приоритетных дефицитов, "
    "по 2–4 шага на каждый, с реальными мероприятиями вашего муниципалитета и региона."
)
REBUILD_ASK = (
    "Перестроить ИОМ по новой диагностике?\nВыполненные шаги сохранятся, невыполненные "
    "(в том числе добавленные вами) заменятся новыми."
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


def _mark(step: RouteStep, today) -> str:
    if step.status == StepStatus.done:
        return "✅"
    return "⚠️" if step.deadline < today else "▫️"


def _no_diagnosis(ov: Overview) -> str:
    minutes = ov.diagnosis_minutes or 1
    return NO_DIAGNOSIS.format(minutes=f"{minutes} {plural(minutes, 'минуты', 'минут', 'минут')}")


def overview(ov: Overview, zone: str, page: int = 0, notice: str = "") -> str:
    at = window(len(ov.steps), page, PAGE)
    head = [f"{notice}\n" if notice else ""]
    if ov.route is None:
        return "\n".join(head + [CAN_BUILD if ov.latest_attempt_id else _no_diagnosis(ov)]).strip()
    route, steps = ov.route, ov.steps
    done = sum(s.status == StepStatus.done for s in steps)
    percent = progress(steps)
    head += [
        f"<b>Мой ИОМ</b> — {STATUS_LABELS.get(route.status, route.status.value)}",
        f"Период: {route.period_start:%d.%m.%Y} — {route.period_end:%d.%m.%Y}",
        f"Выполнено: {done} из {len(steps)} ({percent}%) {progress_bar(percent)}",
    ]
    if ov.latest_attempt_id and ov.latest_attempt_id != route.attempt_id:
        head.append("Есть новая диагностика — маршрут можно перестроить.")
    lines = []
    for number, step in enumerate(at.slice(steps), start=at.offset + 1):
        where = area_title(step.area) if step.area else "своя цель"
        title = step.title if len(step.title) <= 120 else step.title[:120] + "…"
        lines.append(
            f"{number}. {_mark(step, ov.today)} {esc(title)}\n    до {step.deadline:%d.%m.%Y} · "
            f"{esc(where)} · {FORM_LABELS.get(step.form, step.form)}"
        )
    if not steps:
        lines.append("В маршруте нет шагов — добавьте свой.")
    return "\n".join([line for line in head if line] + [""] + lines + _waiting(ov))


def _waiting(ov: Overview) -> list[str]:
    if not ov.waiting:
        return []
    areas = ", ".join(f"«{esc(d.title)}» ({ZONE_TITLES.get(d.zone, d.zone)})" for d in ov.waiting)
    many = len(ov.waiting) > 1
    return [
        f"\n⏳ {'Области' if many else 'Область'} {areas} {'войдут' if many else 'войдёт'} в следующий маршрут: "
        f"в ИОМ на полугодие берётся не больше {ov.limit} приоритетных дефицитов, сначала выраженные. "
        "Пройдите диагностику снова, когда закончите этот маршрут."
    ]


def overview_kb(ov: Overview, page: int = 0) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    if ov.route is None:
        if ov.latest_attempt_id:
            kb.button(text="Построить ИОМ", callback_data=RouteBuildCb(attempt_id=ov.latest_attempt_id))
        return kb.as_markup()
    at = window(len(ov.steps), page, PAGE)
    shown = at.slice(ov.steps)
    for number, step in enumerate(shown, start=at.offset + 1):
        kb.button(
            text=cut(f"{number}. {step.title}", STEP_BUTTON), callback_data=StepCb(action="open", step_id=step.id)
        )
    nav = kb.page_nav(at.page, at.pages, lambda p: RouteCb(action="view", page=p), counter=False)
    kb.button(text="➕ Свой шаг", callback_data=RouteCb(action="own"))
    kb.button(text="📄 Скачать ИОМ", callback_data=RouteCb(action="pdf"))
    extra = 0
    if ov.latest_attempt_id and ov.latest_attempt_id != ov.route.attempt_id:
        kb.button(
            text="🔄 Перестроить по новой диагностике", callback_data=RouteBuildCb(attempt_id=ov.latest_attempt_id)
        )
        extra = 1
    return kb.adjust(*[1] * len(shown), *([nav] if nav else []), 2, *[1] * extra).as_markup()


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


def built(route: Route, steps: int) -> str:
    if not steps:
        return (
            "Выраженных, частичных и точечных дефицитов не выявлено — ИОМ пока пуст. Добавьте свои цели "
            "(открытый урок, конкурс, публикация) кнопкой «Свой шаг»."
        )
    if route.status == RouteStatus.draft:
        return "ИОМ составлен и отправлен на согласование наставнику или методисту."
    return "ИОМ составлен. Отмечайте выполненные шаги — бот напомнит о сроках."


def done_notice(percent: int, route: Route) -> str:
    finished = "\nВсе шаги маршрута выполнены — поздравляем! 🎉" if route.status == RouteStatus.completed else ""
    return f"Шаг отмечен выполненным. Прогресс по маршруту: {percent}%.{finished}"
