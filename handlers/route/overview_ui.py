"""The route overview screen: the plan with progress, the deficits left for the next route, the
step buttons, and the notices shown above it after building or finishing a step."""

from aiogram.types import InlineKeyboardMarkup

from bot.services.route import Overview, progress
from bot.services.shared.labels import FORM_LABELS, ZONE_TITLES, area_title
from bot.services.shared.paging import window
from handlers.route.ui import PAGE, STEP_BUTTON, RouteBuildCb, RouteCb, StepCb
from handlers.shared.compact import cut, progress_bar
from handlers.shared.keyboard_builder import KeyboardBuilder
from handlers.shared.texts import esc, plural
from models import Route, RouteStatus, RouteStep, StepStatus

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
CHECK_NEWER = "Проверка самооценки разошлась с самодиагностикой — маршрут можно перестроить по её результату."
CAN_BUILD = (
    "Самодиагностика пройдена. Бот составит ИОМ на полугодие: до трёх приоритетных дефицитов, "
    "по 2–4 шага на каждый, с реальными мероприятиями вашего муниципалитета и региона."
)


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
    elif ov.check_newer:
        head.append(CHECK_NEWER)
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
    elif ov.check_newer:
        kb.button(
            text="🔄 Перестроить по результату проверки", callback_data=RouteBuildCb(attempt_id=ov.latest_attempt_id)
        )
        extra = 1
    return kb.adjust(*[1] * len(shown), *([nav] if nav else []), 2, *[1] * extra).as_markup()


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
