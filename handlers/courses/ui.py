"""/courses screens of the teacher: callback data, dialog states, Russian texts and keyboards."""

from datetime import datetime

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import InlineKeyboardMarkup
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.courses import CoursePage
from bot.services.courses.summary import CourseSummary, summary
from bot.services.shared.labels import AREA_TITLES
from bot.services.shared.timefmt import local
from handlers.shared.callbacks import Int64
from handlers.shared.keyboard_builder import KeyboardBuilder
from handlers.shared.texts import esc
from models import CourseForm, CourseRecord, CourseStatus, RouteStep, User


class CoursesCb(CallbackData, prefix="crs"):
    action: str  # list | add_done | add_now | review | stale | import
    page: Int64 = 0


class CourseCb(CallbackData, prefix="crsr"):
    action: str  # open | finish | resubmit | remove_ask | remove
    record_id: Int64


class CourseFormCb(CallbackData, prefix="crsf"):
    form: str


class CourseFrdppCb(CallbackData, prefix="crsfr"):
    listed: bool


class CourseLinkCb(CallbackData, prefix="crsl"):
    """A step of the teacher's ИОМ (step_id), or an area ("" — none)."""

    area: str = ""
    step_id: Int64 = 0


class CourseDialog(StatesGroup):
    title = State()
    provider = State()
    hours = State()
    start = State()
    end = State()
    form = State()
    frdpp = State()
    frdpp_number = State()
    link = State()
    certificate = State()
    finish_end = State()
    finish_file = State()
    resubmit_file = State()


FORMS = {CourseForm.in_person.value: "очно", CourseForm.distance.value: "дистанционно"}
STATUS = {
    CourseStatus.in_progress: "⏳ идёт",
    CourseStatus.pending: "🕓 на проверке у методиста",
    CourseStatus.returned: "↩️ возвращён на доработку",
    CourseStatus.verified: "✅ подтверждён",
}
INTRO = (
    "<b>Повышение квалификации</b>\n"
    "Записывайте курсы ДПО: методист проверит удостоверение, а подтверждённый курс закроет "
    "формальный шаг вашего ИОМ и попадёт в отчёты. Право на ДПО — не реже раза в три года."
)
ASK_TITLE = "Название программы (как в удостоверении). /cancel — отмена."
ASK_PROVIDER = "Кто проводил курс: организация (например, ЦНППМ, институт развития образования)."
ASK_HOURS = "Объём программы в часах — целым числом, например <code>36</code> или <code>72</code>."
ASK_START = "Дата начала курса в формате <code>дд.мм.гггг</code>."
ASK_END_DONE = "Дата окончания курса в формате <code>дд.мм.гггг</code>."
ASK_END_NOW = "Когда курс закончится (по плану), в формате <code>дд.мм.гггг</code>."
ASK_FORM = "Форма обучения:"
ASK_FRDPP = "Программа входит в Федеральный реестр ДПП (ФР ДПП, портал dppo.edu.ru)?"
ASK_FRDPP_NUMBER = "Номер программы в ФР ДПП (указан на портале dppo.edu.ru)."
ASK_LINK = "К чему относится курс? Выберите шаг своего ИОМ или область компетенций."
ASK_CERTIFICATE = "Пришлите удостоверение о повышении квалификации: фото или PDF-файл (до 20 МБ)."
ASK_FINISH_END = "Поздравляем! Когда курс закончился? Дата в формате <code>дд.мм.гггг</code>."
ASK_RESUBMIT = "Пришлите исправленное удостоверение (фото или PDF) — запись снова уйдёт методисту."
NEED_TEXT = "Ответьте текстом или нажмите /cancel, чтобы прервать запись курса."
NEED_BUTTON = "Выберите вариант кнопкой выше или нажмите /cancel."
SAVED_PENDING = "Курс записан и отправлен методисту на проверку. Мы сообщим о результате."
SAVED_NOW = "Курс записан как текущий. Когда закончите, откройте его в /courses и пришлите удостоверение."


def overview(page: CoursePage, notice: str = "") -> str:
    lines = [notice, ""] if notice else []
    lines.append(INTRO)
    if not page.total:
        lines.append("\nЗаписей пока нет.")
    for record in page.items:
        lines.append(f"\n• {esc(record.title)} — {record.hours} ч, {dates(record)}\n  {STATUS[record.status]}")
    return "\n".join(lines)


def dates(record: CourseRecord) -> str:
    return f"{record.start_date:%d.%m.%Y}–{record.end_date:%d.%m.%Y}"


def overview_kb(page: CoursePage, methodist: bool) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    for record in page.items:
        kb.button(text=f"{record.title[:40]}", callback_data=CourseCb(action="open", record_id=record.id))
    nav = kb.page_nav(page.page, page.pages, lambda p: CoursesCb(action="list", page=p))
    kb.button(text="➕ Завершённый курс", callback_data=CoursesCb(action="add_done"))
    kb.button(text="➕ Курс, который идёт", callback_data=CoursesCb(action="add_now"))
    sizes = [1] * len(page.items) + ([nav] if nav else []) + [2]
    if methodist:
        kb.button(text="🔎 Проверка курсов", callback_data=CoursesCb(action="review"))
        kb.button(text="⏰ Без курсов 3 года", callback_data=CoursesCb(action="stale"))
        kb.button(text="📥 Импорт списка", callback_data=CoursesCb(action="import"))
        sizes += [1, 2]
    return kb.adjust(*sizes).as_markup()


def card(record: CourseRecord) -> str:
    lines = [
        f"<b>{esc(record.title)}</b>",
        f"Организация: {esc(record.provider)}",
        f"Объём: {record.hours} ч; {dates(record)}; {FORMS[record.form.value]}",
        f"ФР ДПП: № {esc(record.frdpp_number)}" if record.frdpp else "ФР ДПП: нет",
        f"Область: {AREA_TITLES[record.area]}" if record.area else "",
        f"Удостоверение: {'есть' if record.certificate_file_id else 'нет'}",
        f"Статус: {STATUS[record.status]}",
        f"Причина возврата: {esc(record.return_reason)}" if record.return_reason else "",
    ]
    return "\n".join(line for line in lines if line)


def card_kb(record: CourseRecord) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    if record.status == CourseStatus.in_progress:
        kb.button(text="🎓 Курс завершён", callback_data=CourseCb(action="finish", record_id=record.id))
    if record.status == CourseStatus.returned:
        kb.button(text="📎 Новое удостоверение", callback_data=CourseCb(action="resubmit", record_id=record.id))
    if record.status != CourseStatus.verified:
        kb.button(text="🗑 Удалить", callback_data=CourseCb(action="remove_ask", record_id=record.id))
    kb.button(text="◀ К списку", callback_data=CoursesCb(action="list"))
    return kb.adjust(1).as_markup()


def remove_kb(record_id: int) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    kb.button(text="Да, удалить", callback_data=CourseCb(action="remove", record_id=record_id))
    kb.button(text="Нет", callback_data=CourseCb(action="open", record_id=record_id))
    return kb.adjust(2).as_markup()


def form_kb() -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    for value, label in FORMS.items():
        kb.button(text=label.capitalize(), callback_data=CourseFormCb(form=value))
    return kb.adjust(2).as_markup()


def frdpp_kb() -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    kb.button(text="Да, есть номер", callback_data=CourseFrdppCb(listed=True))
    kb.button(text="Нет", callback_data=CourseFrdppCb(listed=False))
    return kb.adjust(2).as_markup()


def link_kb(steps: list[RouteStep]) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    for step in steps:
        kb.button(text=f"Шаг ИОМ: {step.title[:45]}", callback_data=CourseLinkCb(step_id=step.id))
    for code, title in AREA_TITLES.items():
        if code.isdigit():
            kb.button(text=title, callback_data=CourseLinkCb(area=code))
    kb.button(text="Не относится к области", callback_data=CourseLinkCb(area=""))
    return kb.adjust(*([1] * len(steps)), 2).as_markup()


def summary_line(s: CourseSummary) -> str:
    """One line for the profile and the mentor's card: verified hours per year and the last course."""
    years = ", ".join(f"{year} — {hours} ч" for year, hours in s.hours_by_year.items())
    last = f"последний окончен {s.last_end:%d.%m.%Y}" if s.last_end else "подтверждённых курсов нет"
    warn = "\n⚠️ Больше трёх лет без курса ПК: пора запланировать (/courses)." if s.overdue else ""
    return f"Курсы ПК: {years}; {last}.{warn}"


async def course_line(session: AsyncSession, user: User, now: datetime) -> str:
    """The summary line of a teacher, in the teacher's calendar."""
    return summary_line(await summary(session, user.id, local(now, user.timezone).date()))
