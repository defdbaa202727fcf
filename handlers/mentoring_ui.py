"""Mentoring screens: callback data, dialog states, Russian texts and keyboards for the methodist
(/pairs), the mentor (/mentees) and the mentee (/mentor)."""

from datetime import date, datetime

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.services.mentoring.common import Page, PairRow
from bot.services.mentoring.dashboard import MenteeCard, MenteeSummary, MyMentor
from bot.services.mentoring.rules import (
    CADENCES, MAX_GOAL, MAX_TEXT, MENTEE_PAGE, PAGE_SIZE, TYPE_LABELS, cadence_label,
)
from bot.services.mentoring.suggestions import Suggestions, reason
from bot.services.route_builder import area_title
from bot.services.timefmt import local
from handlers.texts import POSITION_LABELS, esc
from models import PairStatus, PairType, RouteStatus, RouteStep, StepStatus, User


class PairsCb(CallbackData, prefix="mpm"):
    view: str  # menu | young | active | ended | search
    page: int = 0


class MenteeTypeCb(CallbackData, prefix="mtype"):
    mentee_id: int


class SuggestCb(CallbackData, prefix="msug"):
    mentee_id: int
    kind: str  # a PairType value
    page: int = 0


class PickCb(CallbackData, prefix="mpick"):
    mentee_id: int
    mentor_id: int
    kind: str


class PairCb(CallbackData, prefix="mpair"):
    """card | months | cadence | start | end_date | end_ask | end; packs as the escalation button."""
    action: str
    pair_id: int
    value: int = 0


class MentorCb(CallbackData, prefix="mnt"):
    action: str  # list | card (with the chart) | view | steps | cmt_route | cmt_step | approve | propose | ...
    pair_id: int = 0
    step_id: int = 0
    page: int = 0


class MenteeOpenCb(CallbackData, prefix="mopen"):
    pair_id: int


class ProposalCb(CallbackData, prefix="mprop"):
    proposal_id: int
    accept: bool


class ReviewCb(CallbackData, prefix="mrev"):
    pair_id: int


class RelayCb(CallbackData, prefix="mrel"):
    pair_id: int


class Mentoring(StatesGroup):
    search = State()
    goal = State()
    start = State()
    end_date = State()
    review = State()
    comment = State()
    proposal_title = State()
    proposal_deadline = State()
    checkin_date = State()
    checkin_discussed = State()
    checkin_next = State()
    relay = State()


ZONES = {"severe": "выраженный дефицит", "partial": "частичный дефицит", "norm": "норма",
         "resource": "ресурсная зона"}
ROUTE_STATUS = {RouteStatus.draft: "черновик, ждёт согласования", RouteStatus.approved: "согласован",
                RouteStatus.active: "в работе", RouteStatus.completed: "выполнен"}
MAX_STEPS_SHOWN, STEP_PAGE = 15, 8
CUT = 120  # long step titles and reviews are cut in cards so a card stays under 4096 characters

PAIRS_MENU = "<b>Наставнические пары</b>\nВыберите действие:"
ASK_SEARCH = "Введите фамилию педагога (можно часть), которому нужен наставник. /cancel — отмена."
ASK_TYPE = "Выберите форму наставничества:"
ASK_DATE = "Введите дату в формате <code>дд.мм.гггг</code>, например <code>01.09.2026</code>. /cancel — отмена."
ASK_REVIEW = f"Напишите короткий итоговый отзыв одним сообщением (до {MAX_TEXT} символов). /cancel — отмена."
REVIEW_SAVED = "Спасибо! Отзыв сохранён."
ASK_COMMENT = f"Напишите комментарий одним сообщением (до {MAX_TEXT} символов). /cancel — отмена."
ASK_STEP = "К какому шагу комментарий?"
STEP_GONE = "Шаг не найден в текущем ИОМ подопечного: возможно, маршрут перестроен. Выберите шаг из списка."
ASK_PROPOSAL = "Какой шаг предложить? Например: <i>Посетить урок коллеги и разобрать его вместе</i>. /cancel — отмена."
ASK_PROPOSAL_DATE = "До какого числа? Формат <code>дд.мм.гггг</code>."
ASK_CHECKIN_DATE = "Когда прошла встреча? Формат <code>дд.мм.гггг</code>, не позже сегодняшнего дня. /cancel — отмена."
ASK_DISCUSSED = "Что обсуждали? Коротко, одним сообщением."
ASK_NEXT = "О чём договорились на следующий раз? Если ни о чём — отправьте «-»."
PROPOSAL_SENT = "📌 Предложение отправлено. Когда подопечный ответит, бот сообщит."
CHECKIN_SAVED = "📝 Встреча записана, подопечный получит копию."
COMMENT_SENT = "💬 Комментарий сохранён, подопечный получит уведомление."
RELAY_SENT = "✅ Сообщение передано."
RELAY_FAILED = ("Не удалось доставить сообщение: собеседник остановил бота или удалил чат. "
                "Если связь нужна срочно, обратитесь к методисту.")
RELAY_TEXT_ONLY = "Через бота можно передать только текст. Напишите сообщение словами или /cancel."
NEED_TEXT = "Пожалуйста, ответьте текстом. /cancel — отмена."
NO_MENTEES = "У вас нет подопечных: наставника назначает методист школы или муниципалитета."
NO_MENTOR = ("У вас пока нет наставника. Его назначает методист вашей школы или муниципалитета — "
             "например, молодым специалистам в первые три года работы.")


def cut(text: str, limit: int = CUT) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def day(value: date | datetime | None, zone: str = "Europe/Moscow") -> str:
    if value is None:
        return "—"
    return f"{local(value, zone) if isinstance(value, datetime) else value:%d.%m.%Y}"


def _nav(kb: InlineKeyboardBuilder, page: Page, make) -> int:
    nav = [(page.page - 1, "◀")] if page.page > 0 else []
    nav += [(page.page, f"{page.page + 1}/{page.pages}")] if page.pages > 1 else []
    nav += [(page.page + 1, "▶")] if page.page + 1 < page.pages else []
    for target, label in nav:
        kb.button(text=label, callback_data=make(target))
    return len(nav)


def _finish(kb: InlineKeyboardBuilder, items: int, nav: int, tail: int = 1) -> InlineKeyboardMarkup:
    return kb.adjust(*[1] * items, *([nav] if nav else []), *[1] * tail).as_markup()


# --- the methodist --------------------------------------------------------------------------


def pairs_menu_kb() -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text="Молодые специалисты без наставника", callback_data=PairsCb(view="young"))
    kb.button(text="Подобрать наставника педагогу", callback_data=PairsCb(view="search"))
    kb.button(text="Действующие пары", callback_data=PairsCb(view="active"))
    kb.button(text="Завершённые пары", callback_data=PairsCb(view="ended"))
    return kb.adjust(1).as_markup()


def young_list(page: Page) -> str:
    lines = ["<b>Молодые специалисты без наставника</b>\n<i>до 35 лет, стаж до 3 лет</i>"]
    if not page.items:
        lines.append("\nВ вашей зоне все молодые специалисты уже с наставниками.")
    for user, org in page.items:
        lines.append(f"\n• <b>{esc(user.full_name)}</b> — {esc(org)}; стаж {user.experience_years} г.")
    return "\n".join(lines)


def young_kb(page: Page) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for user, _ in page.items:
        kb.button(text=f"Подобрать наставника: {(user.full_name or '')[:40]}",
                  callback_data=SuggestCb(mentee_id=user.id, kind=PairType.young_specialist.value))
    nav = _nav(kb, page, lambda p: PairsCb(view="young", page=p))
    kb.button(text="« Меню", callback_data=PairsCb(view="menu"))
    return _finish(kb, len(page.items), nav)


def search_results(found: list[tuple[User, str]]) -> str:
    if not found:
        return "Никого не нашлось в вашей зоне. Попробуйте другую часть фамилии или /cancel."
    return "Выберите педагога:"


def search_kb(found: list[tuple[User, str]]) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for user, org in found:
        kb.button(text=f"{(user.full_name or '')[:35]} — {org[-25:]}", callback_data=MenteeTypeCb(mentee_id=user.id))
    kb.button(text="« Меню", callback_data=PairsCb(view="menu"))
    return kb.adjust(1).as_markup()


def type_kb(mentee_id: int) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for kind, label in TYPE_LABELS.items():
        kb.button(text=label.capitalize(), callback_data=SuggestCb(mentee_id=mentee_id, kind=kind.value))
    return kb.adjust(1).as_markup()


def suggestions(s: Suggestions) -> str:
    deficits = ", ".join(area_title(a) for a in s.deficits) or "не выявлены или диагностика не пройдена"
    lines = [f"<b>Подбор наставника</b>\nПодопечный: <b>{esc(s.mentee.full_name)}</b> ({esc(s.organization)})",
             f"Форма: {TYPE_LABELS[s.pair_type]}\nДефициты: {deficits}"]
    if not s.page.items:
        lines.append("\nПодходящих наставников в муниципалитете нет: у коллег заняты все места "
                     "или они ещё не зарегистрированы в боте.")
    for number, (candidate, org) in enumerate(s.page.items, start=s.page.page * PAGE_SIZE + 1):
        lines.append(f"\n{number}. <b>{esc(candidate.user.full_name)}</b> — {esc(org)}\n"
                     f"<i>{esc(reason(candidate))}</i>")
    return "\n".join(lines)


def suggestions_kb(s: Suggestions) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for candidate, _ in s.page.items:
        kb.button(text=f"Назначить: {(candidate.user.full_name or '')[:40]}",
                  callback_data=PickCb(mentee_id=s.mentee.id, mentor_id=candidate.user.id, kind=s.pair_type.value))
    nav = _nav(kb, s.page, lambda p: SuggestCb(mentee_id=s.mentee.id, kind=s.pair_type.value, page=p))
    kb.button(text="« Меню", callback_data=PairsCb(view="menu"))
    return _finish(kb, len(s.page.items), nav)


def ask_goal(mentee: User, mentor: User, pair_type: PairType) -> str:
    return (f"Наставник: <b>{esc(mentor.full_name)}</b>\nПодопечный: <b>{esc(mentee.full_name)}</b>\n"
            f"Форма: {TYPE_LABELS[pair_type]}\n\nНапишите цель наставничества одним сообщением (до {MAX_GOAL} "
            "символов), например: <i>освоить приёмы формирующего оценивания</i>.\nПара начнётся сегодня, на 6 месяцев, "
            "со встречами раз в 2 недели — это можно изменить сразу после создания. /cancel — отмена.")


def pair_list(page: Page, status: PairStatus) -> str:
    title = "Действующие пары" if status == PairStatus.active else "Завершённые пары"
    lines = [f"<b>{title}</b>"] + ([] if page.items else ["\nПар пока нет."])
    for row in page.items:
        lines.append(f"\n• {esc(row.mentor.full_name or '—')} → {esc(row.mentee.full_name or '—')}\n"
                     f"{TYPE_LABELS[row.pair.type]}; {day(row.pair.starts_on)} — {day(row.pair.planned_end)}")
    return "\n".join(lines)


def pair_list_kb(page: Page, status: PairStatus) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for row in page.items:
        kb.button(text=f"{(row.mentor.full_name or '—')[:25]} → {(row.mentee.full_name or '—')[:25]}",
                  callback_data=PairCb(action="card", pair_id=row.pair.id))
    nav = _nav(kb, page, lambda p: PairsCb(view=status.value, page=p))
    kb.button(text="« Меню", callback_data=PairsCb(view="menu"))
    return _finish(kb, len(page.items), nav)


def pair_card(row: PairRow, notice: str = "") -> str:
    pair = row.pair
    lines = [f"{notice}\n" if notice else "", "<b>Наставническая пара</b>",
             f"Наставник: <b>{esc(row.mentor.full_name or '—')}</b>",
             f"Подопечный: <b>{esc(row.mentee.full_name or '—')}</b>",
             f"Форма: {TYPE_LABELS[pair.type]}", f"Цель: {esc(pair.goal)}",
             f"Срок: {day(pair.starts_on)} — {day(pair.planned_end)}",
             f"Встречи: {cadence_label(pair.cadence_days)}; последняя — "
             f"{day(row.last_checkin) if row.last_checkin else 'ещё не было'}"]
    if pair.status == PairStatus.ended:
        lines.append(f"Завершена {day(pair.ended_at)}")
        for who, text in (("наставника", pair.mentor_review), ("подопечного", pair.mentee_review)):
            lines.append(f"Отзыв {who}: {esc(cut(text, 1000)) if text else 'пока нет'}")
    return "\n".join(line for line in lines if line)


def pair_card_kb(pair_id: int, status: PairStatus) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    rows = []
    if status == PairStatus.active:
        for months in (3, 6, 9):
            kb.button(text=f"Срок {months} мес.", callback_data=PairCb(action="months", pair_id=pair_id, value=months))
        for days in CADENCES:
            kb.button(text=cadence_label(days).capitalize(),
                      callback_data=PairCb(action="cadence", pair_id=pair_id, value=days))
        kb.button(text="Дата начала…", callback_data=PairCb(action="start", pair_id=pair_id))
        kb.button(text="Дата окончания…", callback_data=PairCb(action="end_date", pair_id=pair_id))
        kb.button(text="Завершить пару", callback_data=PairCb(action="end_ask", pair_id=pair_id))
        rows = [3, len(CADENCES), 2, 1]
    kb.button(text="« К списку пар", callback_data=PairsCb(view=status.value))
    return kb.adjust(*rows, 1).as_markup()


def end_question(row: PairRow) -> str:
    return (f"Завершить наставничество {esc(row.mentor.full_name or '—')} → {esc(row.mentee.full_name or '—')}?\n"
            "Пара останется в истории, обоим придёт просьба написать короткий отзыв.")


def end_kb(pair_id: int) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text="Да, завершить", callback_data=PairCb(action="end", pair_id=pair_id))
    kb.button(text="Нет", callback_data=PairCb(action="card", pair_id=pair_id))
    return kb.adjust(1).as_markup()


# --- the mentor -----------------------------------------------------------------------------


def _route_line(s: MenteeSummary) -> str:
    if s.route is None:
        return "ИОМ: не построен"
    overdue = f", просрочено шагов: {s.overdue}" if s.overdue else ""
    return f"ИОМ: {ROUTE_STATUS.get(s.route.status, s.route.status.value)}, выполнено {s.progress}%{overdue}"


def _summary_lines(s: MenteeSummary, zone: str) -> list[str]:
    diagnosis = f"пройдена {day(s.diagnosed_at, zone)}" if s.diagnosed_at else "не пройдена"
    return [f"Диагностика: {diagnosis}", _route_line(s),
            f"Мероприятия за 30 дней: {s.attended_30d}", f"Последняя активность: {day(s.last_activity, zone)}",
            f"Последняя встреча: {day(s.last_checkin) if s.last_checkin else 'ещё не было'}"]


def mentees(page: Page, zone: str) -> str:
    lines = ["<b>Мои подопечные</b>"]
    for number, s in enumerate(page.items, start=page.page * MENTEE_PAGE + 1):
        lines.append(f"\n{number}. <b>{esc(s.mentee.full_name)}</b>\n" + "\n".join(_summary_lines(s, zone)))
    return "\n".join(lines)


def mentees_kb(page: Page) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for s in page.items:
        kb.button(text=(s.mentee.full_name or "—")[:50], callback_data=MentorCb(action="card", pair_id=s.pair.id))
    nav = _nav(kb, page, lambda p: MentorCb(action="list", page=p))
    return _finish(kb, len(page.items), nav, tail=0)


def chart_caption(mentee: User) -> str:
    return f"Профиль компетенций: <b>{esc(mentee.full_name)}</b>"


def _mark(step: RouteStep, today: date) -> str:
    if step.status == StepStatus.done:
        return "✅"
    return "⚠️" if step.deadline < today else "▫️"


def mentee_card(card: MenteeCard, zone: str, today: date, notice: str = "") -> str:
    s, mentee = card.summary, card.summary.mentee
    subjects = ", ".join(mentee.subjects or []) or "—"
    lines = [f"{notice}\n" if notice else "", f"<b>{esc(mentee.full_name)}</b>",
             f"{POSITION_LABELS.get(mentee.position, '')}, {esc(card.organization)}",
             f"Предметы: {esc(subjects)}; стаж {mentee.experience_years} г.",
             f"Цель наставничества: {esc(s.pair.goal)}", "", *_summary_lines(s, zone)]
    if card.results:
        lines += ["", "<b>Профиль компетенций</b>"] + [
            f"• {area_title(r.area)} — {ZONES.get(r.zone, r.zone)} ({r.score}/{r.max_score})" for r in card.results]
    if s.route is not None:
        lines += ["", f"<b>ИОМ</b> {day(s.route.period_start)} — {day(s.route.period_end)}"]
        for number, step in enumerate(s.steps[:MAX_STEPS_SHOWN], start=1):
            lines.append(f"{_mark(step, today)} {number}. {esc(cut(step.title))} — до {day(step.deadline)}")
        if len(s.steps) > MAX_STEPS_SHOWN:
            lines.append(f"…и ещё {len(s.steps) - MAX_STEPS_SHOWN}")
    return "\n".join(lines).lstrip("\n")


def mentee_card_kb(card: MenteeCard) -> InlineKeyboardMarkup:
    kb, pair_id, route = InlineKeyboardBuilder(), card.summary.pair.id, card.summary.route
    actions = [("📝 Записать встречу", "checkin"), ("✉️ Написать подопечному", "write")]
    if route is not None:
        actions = [("💬 Комментарий к ИОМ", "cmt_route"), ("💬 Комментарий к шагу", "steps"),
                   ("📌 Предложить шаг", "propose")] + actions
        if route.status == RouteStatus.draft:
            actions.insert(0, ("✅ Согласовать ИОМ", "approve"))
    for label, action in actions:
        kb.button(text=label, callback_data=MentorCb(action=action, pair_id=pair_id))
    kb.button(text="« К списку подопечных", callback_data=MentorCb(action="list"))
    return kb.adjust(1).as_markup()


def ask_comment(step: RouteStep | None) -> str:
    where = f"Шаг: <b>{esc(step.title)}</b>" if step else "Комментарий ко всему ИОМ."
    return f"{where}\n{ASK_COMMENT}"


def steps_kb(pair_id: int, steps: list[RouteStep], page: int) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    pages = max(1, -(-len(steps) // STEP_PAGE))
    page = min(max(page, 0), pages - 1)
    shown = steps[page * STEP_PAGE:(page + 1) * STEP_PAGE]
    for number, step in enumerate(shown, start=page * STEP_PAGE + 1):
        kb.button(text=f"{number}. {step.title[:45]}",
                  callback_data=MentorCb(action="cmt_step", pair_id=pair_id, step_id=step.id))
    nav = _nav(kb, Page([], page, pages), lambda p: MentorCb(action="steps", pair_id=pair_id, page=p))
    kb.button(text="« К карточке", callback_data=MentorCb(action="view", pair_id=pair_id))
    return _finish(kb, len(shown), nav)


# --- the mentee and the relay ---------------------------------------------------------------


def my_mentors(found: list[MyMentor]) -> str:
    if not found:
        return NO_MENTOR
    blocks = []
    for m in found:
        blocks.append(
            f"<b>Ваш наставник: {esc(m.mentor.full_name)}</b>\nОрганизация: {esc(m.organization)}\n"
            f"Форма: {TYPE_LABELS[m.pair.type]}\nЦель: {esc(m.pair.goal)}\n"
            f"Срок: {day(m.pair.starts_on)} — {day(m.pair.planned_end)}\n"
            f"Встречи: {cadence_label(m.pair.cadence_days)}; последняя — "
            f"{day(m.last_checkin) if m.last_checkin else 'ещё не было'}")
    return "\n\n".join(blocks) + ("\n\nПишите наставнику через бота: ваш телефон и имя пользователя Telegram "
                                  "собеседник не увидит.")


def my_mentors_kb(found: list[MyMentor]) -> InlineKeyboardMarkup | None:
    if not found:
        return None
    kb = InlineKeyboardBuilder()
    for m in found:
        kb.button(text=f"✉️ Написать: {(m.mentor.full_name or '')[:40]}", callback_data=RelayCb(pair_id=m.pair.id))
    return kb.adjust(1).as_markup()


def ask_relay(peer: User) -> str:
    return (f"Напишите сообщение для <b>{esc(peer.full_name)}</b> одним текстом (до {MAX_TEXT} символов). "
            "/cancel — отмена.")


def reply_kb(pair_id: int) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text="↩️ Ответить", callback_data=RelayCb(pair_id=pair_id))
    return kb.as_markup()


def proposal_answered(title: str, accepted: bool) -> str:
    if accepted:
        return f"Шаг «{esc(title)}» добавлен в ваш ИОМ: /route"
    return f"Вы отказались от шага «{esc(title)}». Наставник получит ответ."
