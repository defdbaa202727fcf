"""The methodist's /pairs screens: the menu, young specialists, the teacher search, suggested
mentors, the goal of a new pair, lists of pairs and a pair's card with its terms."""

from aiogram.types import InlineKeyboardMarkup

from bot.services.mentoring.common import PairRow
from bot.services.mentoring.rules import CADENCES, MAX_GOAL, PAGE_SIZE, TYPE_LABELS, cadence_label
from bot.services.mentoring.suggestions import Suggestions, reason
from bot.services.shared.labels import area_title
from bot.services.shared.paging import Page
from handlers.mentoring.ui import MenteeTypeCb, PairCb, PairsCb, PickCb, SuggestCb, cut, day, finish
from handlers.shared.keyboard_builder import KeyboardBuilder
from handlers.shared.texts import esc
from models import PairStatus, PairType, User

PAIRS_MENU = "<b>Наставнические пары</b>\nВыберите действие:"
ASK_SEARCH = "Введите фамилию педагога (можно часть), которому нужен наставник. /cancel — отмена."
ASK_TYPE = "Выберите форму наставничества:"
ASK_DATE = "Введите дату в формате <code>дд.мм.гггг</code>, например <code>01.09.2026</code>. /cancel — отмена."


def pairs_menu_kb() -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
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
    kb = KeyboardBuilder()
    for user, _ in page.items:
        kb.button(
            text=f"Подобрать наставника: {(user.full_name or '')[:40]}",
            callback_data=SuggestCb(mentee_id=user.id, kind=PairType.young_specialist.value),
        )
    nav = kb.page_nav(page.page, page.pages, lambda p: PairsCb(view="young", page=p))
    kb.button(text="« Меню", callback_data=PairsCb(view="menu"))
    return finish(kb, len(page.items), nav)


def search_results(found: list[tuple[User, str]]) -> str:
    if not found:
        return "Никого не нашлось в вашей зоне. Попробуйте другую часть фамилии или /cancel."
    return "Выберите педагога:"


def search_kb(found: list[tuple[User, str]]) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    for user, org in found:
        where = org if len(org) <= 25 else org.rsplit(", ", 1)[-1]  # "municipality, school": the school
        where = where if len(where) <= 25 else where[:24] + "…"
        kb.button(text=f"{(user.full_name or '')[:35]} — {where}", callback_data=MenteeTypeCb(mentee_id=user.id))
    kb.button(text="« Меню", callback_data=PairsCb(view="menu"))
    return kb.adjust(1).as_markup()


def type_kb(mentee_id: int) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    for kind, label in TYPE_LABELS.items():
        kb.button(text=label.capitalize(), callback_data=SuggestCb(mentee_id=mentee_id, kind=kind.value))
    return kb.adjust(1).as_markup()


def suggestions(s: Suggestions) -> str:
    deficits = ", ".join(area_title(a) for a in s.deficits) or "не выявлены или диагностика не пройдена"
    lines = [
        f"<b>Подбор наставника</b>\nПодопечный: <b>{esc(s.mentee.full_name)}</b> ({esc(s.organization)})",
        f"Форма: {TYPE_LABELS[s.pair_type]}\nДефициты: {deficits}",
    ]
    if not s.page.items:
        lines.append(
            "\nПодходящих наставников в муниципалитете нет. Наставником предлагается коллега со стажем "
            "больше 3 лет, без дефицита в областях подопечного и со свободными местами; пригласить "
            "наставников можно через /invite."
        )
    for number, (candidate, org) in enumerate(s.page.items, start=s.page.page * PAGE_SIZE + 1):
        lines.append(
            f"\n{number}. <b>{esc(candidate.user.full_name)}</b> — {esc(org)}\n<i>{esc(reason(candidate))}</i>"
        )
    return "\n".join(lines)


def suggestions_kb(s: Suggestions) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    for candidate, _ in s.page.items:
        kb.button(
            text=f"Назначить: {(candidate.user.full_name or '')[:40]}",
            callback_data=PickCb(mentee_id=s.mentee.id, mentor_id=candidate.user.id, kind=s.pair_type.value),
        )
    nav = kb.page_nav(
        s.page.page, s.page.pages, lambda p: SuggestCb(mentee_id=s.mentee.id, kind=s.pair_type.value, page=p)
    )
    kb.button(text="« Меню", callback_data=PairsCb(view="menu"))
    return finish(kb, len(s.page.items), nav)


def ask_goal(mentee: User, mentor: User, pair_type: PairType) -> str:
    return (
        f"Наставник: <b>{esc(mentor.full_name)}</b>\nПодопечный: <b>{esc(mentee.full_name)}</b>\n"
        f"Форма: {TYPE_LABELS[pair_type]}\n\nНапишите цель наставничества одним сообщением (до {MAX_GOAL} "
        "символов), например: <i>освоить приёмы формирующего оценивания</i>.\nПара начнётся сегодня, на 6 месяцев, "
        "со встречами раз в 2 недели — это можно изменить сразу после создания. /cancel — отмена."
    )


def pair_list(page: Page, status: PairStatus) -> str:
    title = "Действующие пары" if status == PairStatus.active else "Завершённые пары"
    lines = [f"<b>{title}</b>"] + ([] if page.items else ["\nПар пока нет."])
    for row in page.items:
        lines.append(
            f"\n• {esc(row.mentor.full_name or '—')} → {esc(row.mentee.full_name or '—')}\n"
            f"{TYPE_LABELS[row.pair.type]}; {day(row.pair.starts_on)} — {day(row.pair.planned_end)}"
        )
    return "\n".join(lines)


def pair_list_kb(page: Page, status: PairStatus) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    for row in page.items:
        kb.button(
            text=f"{(row.mentor.full_name or '—')[:25]} → {(row.mentee.full_name or '—')[:25]}",
            callback_data=PairCb(action="card", pair_id=row.pair.id),
        )
    nav = kb.page_nav(page.page, page.pages, lambda p: PairsCb(view=status.value, page=p))
    kb.button(text="« Меню", callback_data=PairsCb(view="menu"))
    return finish(kb, len(page.items), nav)


def pair_card(row: PairRow, zone: str, notice: str = "") -> str:
    pair = row.pair
    lines = [
        f"{notice}\n" if notice else "",
        "<b>Наставническая пара</b>",
        f"Наставник: <b>{esc(row.mentor.full_name or '—')}</b>",
        f"Подопечный: <b>{esc(row.mentee.full_name or '—')}</b>",
        f"Форма: {TYPE_LABELS[pair.type]}",
        f"Цель: {esc(pair.goal)}",
        f"Срок: {day(pair.starts_on)} — {day(pair.planned_end)}",
        f"Встречи: {cadence_label(pair.cadence_days)}; последняя — "
        f"{day(row.last_checkin) if row.last_checkin else 'ещё не было'}",
    ]
    if pair.status == PairStatus.ended:
        lines.append(f"Завершена {day(pair.ended_at, zone)}")
        for who, text in (("наставника", pair.mentor_review), ("подопечного", pair.mentee_review)):
            lines.append(f"Отзыв {who}: {esc(cut(text, 1000)) if text else 'пока нет'}")
    return "\n".join(line for line in lines if line)


def pair_card_kb(pair_id: int, status: PairStatus) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    rows = []
    if status == PairStatus.active:
        for months in (3, 6, 9):
            kb.button(text=f"Срок {months} мес.", callback_data=PairCb(action="months", pair_id=pair_id, value=months))
        for days in CADENCES:
            kb.button(
                text=cadence_label(days).capitalize(),
                callback_data=PairCb(action="cadence", pair_id=pair_id, value=days),
            )
        kb.button(text="Дата начала…", callback_data=PairCb(action="start", pair_id=pair_id))
        kb.button(text="Дата окончания…", callback_data=PairCb(action="end_date", pair_id=pair_id))
        kb.button(text="Завершить пару", callback_data=PairCb(action="end_ask", pair_id=pair_id))
        rows = [3, len(CADENCES), 2, 1]
    kb.button(text="« К списку пар", callback_data=PairsCb(view=status.value))
    return kb.adjust(*rows, 1).as_markup()


def end_question(row: PairRow) -> str:
    return (
        f"Завершить наставничество {esc(row.mentor.full_name or '—')} → {esc(row.mentee.full_name or '—')}?\n"
        "Пара останется в истории, обоим придёт просьба написать короткий отзыв."
    )


def end_kb(pair_id: int) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    kb.button(text="Да, завершить", callback_data=PairCb(action="end", pair_id=pair_id))
    kb.button(text="Нет", callback_data=PairCb(action="card", pair_id=pair_id))
    return kb.adjust(1).as_markup()
