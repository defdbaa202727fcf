"""The mentor's /mentees screens: the list of mentees with their progress, a mentee's card and
chart caption, and the prompts of comments, proposed steps and check-ins."""

from datetime import date

from aiogram.types import InlineKeyboardMarkup

from bot.services.mentoring.dashboard import MenteeCard, MenteeSummary
from bot.services.mentoring.rules import MAX_TEXT, MENTEE_PAGE
from bot.services.shared.labels import ZONE_TITLES, area_title
from bot.services.shared.paging import Page, window
from handlers.mentoring.ui import MentorCb, cut, day, finish
from handlers.shared.keyboard_builder import KeyboardBuilder
from handlers.shared.texts import POSITION_LABELS, esc
from models import RouteStatus, RouteStep, StepStatus, User

ROUTE_STATUS = {
    RouteStatus.draft: "черновик, ждёт согласования",
    RouteStatus.approved: "согласован",
    RouteStatus.active: "в работе",
    RouteStatus.completed: "выполнен",
}
MAX_STEPS_SHOWN, STEP_PAGE = 15, 8

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
NO_MENTEES = "У вас нет подопечных: наставника назначает методист школы или муниципалитета."


def _route_line(s: MenteeSummary) -> str:
    if s.route is None:
        return "ИОМ: не построен"
    overdue = f", просрочено шагов: {s.overdue}" if s.overdue else ""
    return f"ИОМ: {ROUTE_STATUS.get(s.route.status, s.route.status.value)}, выполнено {s.progress}%{overdue}"


def _summary_lines(s: MenteeSummary, zone: str) -> list[str]:
    diagnosis = f"пройдена {day(s.diagnosed_at, zone)}" if s.diagnosed_at else "не пройдена"
    return [
        f"Диагностика: {diagnosis}",
        _route_line(s),
        f"Мероприятия за 30 дней: {s.attended_30d}",
        f"Последняя активность: {day(s.last_activity, zone)}",
        f"Последняя встреча: {day(s.last_checkin) if s.last_checkin else 'ещё не было'}",
    ]


def mentees(page: Page, zone: str) -> str:
    lines = ["<b>Мои подопечные</b>"]
    for number, s in enumerate(page.items, start=page.page * MENTEE_PAGE + 1):
        lines.append(f"\n{number}. <b>{esc(s.mentee.full_name)}</b>\n" + "\n".join(_summary_lines(s, zone)))
    return "\n".join(lines)


def mentees_kb(page: Page) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    for s in page.items:
        kb.button(text=(s.mentee.full_name or "—")[:50], callback_data=MentorCb(action="card", pair_id=s.pair.id))
    nav = kb.page_nav(page.page, page.pages, lambda p: MentorCb(action="list", page=p))
    return finish(kb, len(page.items), nav, tail=0)


def chart_caption(mentee: User) -> str:
    return f"Профиль компетенций: <b>{esc(mentee.full_name)}</b>"


def _mark(step: RouteStep, today: date) -> str:
    if step.status == StepStatus.done:
        return "✅"
    return "⚠️" if step.deadline < today else "▫️"


def mentee_card(card: MenteeCard, zone: str, today: date, notice: str = "") -> str:
    s, mentee = card.summary, card.summary.mentee
    subjects = ", ".join(mentee.subjects or []) or "—"
    lines = [
        f"{notice}\n" if notice else "",
        f"<b>{esc(mentee.full_name)}</b>",
        f"{POSITION_LABELS.get(mentee.position, '')}, {esc(card.organization)}",
        f"Предметы: {esc(subjects)}; стаж {mentee.experience_years} г.",
        f"Цель наставничества: {esc(s.pair.goal)}",
        "",
        *_summary_lines(s, zone),
    ]
    if card.results:
        lines += ["", "<b>Профиль компетенций</b>"] + [
            f"• {area_title(r.area)} — {ZONE_TITLES.get(r.zone, r.zone)} ({r.score}/{r.max_score})"
            for r in card.results
        ]
    if s.route is not None:
        lines += ["", f"<b>ИОМ</b> {day(s.route.period_start)} — {day(s.route.period_end)}"]
        for number, step in enumerate(s.steps[:MAX_STEPS_SHOWN], start=1):
            lines.append(f"{_mark(step, today)} {number}. {esc(cut(step.title))} — до {day(step.deadline)}")
        if len(s.steps) > MAX_STEPS_SHOWN:
            lines.append(f"…и ещё {len(s.steps) - MAX_STEPS_SHOWN}")
    return "\n".join(lines).lstrip("\n")


def mentee_card_kb(card: MenteeCard) -> InlineKeyboardMarkup:
    kb, pair_id, route = KeyboardBuilder(), card.summary.pair.id, card.summary.route
    actions = [("📝 Записать встречу", "checkin"), ("✉️ Написать подопечному", "write")]
    if route is not None:
        actions = [
            ("💬 Комментарий к ИОМ", "cmt_route"),
            ("💬 Комментарий к шагу", "steps"),
            ("📌 Предложить шаг", "propose"),
        ] + actions
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
    kb = KeyboardBuilder()
    at = window(len(steps), page, STEP_PAGE)
    page, pages = at.page, at.pages
    shown = at.slice(steps)
    for number, step in enumerate(shown, start=page * STEP_PAGE + 1):
        kb.button(
            text=f"{number}. {step.title[:45]}",
            callback_data=MentorCb(action="cmt_step", pair_id=pair_id, step_id=step.id),
        )
    nav = kb.page_nav(page, pages, lambda p: MentorCb(action="steps", pair_id=pair_id, page=p))
    kb.button(text="« К карточке", callback_data=MentorCb(action="view", pair_id=pair_id))
    return finish(kb, len(shown), nav)
