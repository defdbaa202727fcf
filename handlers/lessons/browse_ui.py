"""Texts and keyboards of /lessons: open lessons to come, a lesson's card, the host's lessons and
who comes."""

from aiogram.types import InlineKeyboardMarkup

from bot.services.lessons.booking import Card, Upcoming
from bot.services.shared.timefmt import fmt
from handlers.lessons.ui import LessonCb
from handlers.practices.ui import area_name
from handlers.shared.keyboard_builder import KeyboardBuilder
from handlers.shared.texts import esc
from models import LessonStatus, OpenLesson, User

STATUS = {
    LessonStatus.pending: "ждёт согласования в школе",
    LessonStatus.planned: "запланирован",
    LessonStatus.held: "проведён",
    LessonStatus.cancelled: "отменён",
}
CANCEL_ASK = "Отменить урок? Записавшиеся гости получат уведомление, а шаг в их ИОМ будет снят."


def listing(found: Upcoming, zone: str) -> str:
    lines = ["🏫 <b>Открытые уроки коллег</b>"]
    if not found.items:
        lines.append("\nБлижайших открытых уроков нет. Предложите свой — коллеги смогут записаться.")
        return "\n".join(lines)
    lines.append("Сначала — по вашим дефицитам (🎯).\n")
    for number, lesson in enumerate(found.items, found.at.offset + 1):
        mark = "🎯 " if lesson.id in found.recommended else ""
        lines.append(
            f"{number}. {mark}<b>{esc(lesson.topic)}</b> — {esc(lesson.subject)}, {esc(lesson.class_name)}; "
            f"{fmt(lesson.starts_at, zone)}"
        )
    return "\n".join(lines)


def listing_kb(found: Upcoming) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    for number, lesson in enumerate(found.items, found.at.offset + 1):
        kb.button(text=f"{number}. {lesson.topic[:40]}", callback_data=LessonCb(action="open", lesson_id=lesson.id))
    nav = kb.page_nav(found.at.page, found.at.pages, lambda page: LessonCb(action="list", page=page))
    kb.button(text="➕ Предложить открытый урок", callback_data=LessonCb(action="offer"))
    kb.button(text="🗂 Мои уроки и записи", callback_data=LessonCb(action="mine"))
    return kb.adjust(*([1] * len(found.items)), *([nav] if nav else []), 1).as_markup()


def card(c: Card, zone: str) -> str:
    lesson = c.lesson
    lines = [
        f"<b>{esc(lesson.topic)}</b>",
        f"Когда: {fmt(lesson.starts_at, zone)}",
        f"Где: {esc(c.school)}; класс {esc(lesson.class_name)}, {esc(lesson.subject)}",
        f"В фокусе: {', '.join(area_name(a) for a in lesson.areas)}",
        f"Мест для гостей: {lesson.capacity}, записались: {c.booked}",
        f"Статус: {STATUS[lesson.status]}",
    ]
    if c.visit is not None and c.visit.status.value == "booked":
        lines.append("\n✅ Вы записаны." + (" Карточка наблюдения отправлена." if c.visit.card_at else ""))
    return "\n".join(lines)


def card_kb(c: Card) -> InlineKeyboardMarkup:
    kb, lid = KeyboardBuilder(), c.lesson.id
    booked = c.visit is not None and c.visit.status.value == "booked"
    if c.own:
        kb.button(text="👥 Кто придёт", callback_data=LessonCb(action="visitors", lesson_id=lid))
        if c.lesson.status == LessonStatus.planned:
            kb.button(text="✅ Урок проведён", callback_data=LessonCb(action="held", lesson_id=lid))
        if c.lesson.status in (LessonStatus.planned, LessonStatus.pending):
            kb.button(text="❌ Отменить урок", callback_data=LessonCb(action="cancel_ask", lesson_id=lid))
    elif booked and c.visit.card_at is None:
        kb.button(text="📝 Карточка наблюдения", callback_data=LessonCb(action="observe", lesson_id=lid))
        if c.lesson.status == LessonStatus.planned:
            kb.button(text="Отменить запись", callback_data=LessonCb(action="unbook", lesson_id=lid))
    elif not booked and c.lesson.status == LessonStatus.planned:
        kb.button(text="✍️ Записаться", callback_data=LessonCb(action="book", lesson_id=lid))
    kb.button(text="« К списку", callback_data=LessonCb(action="list"))
    return kb.adjust(1).as_markup()


def cancel_kb(lesson_id: int) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    kb.button(text="Да, отменить урок", callback_data=LessonCb(action="cancel", lesson_id=lesson_id))
    kb.button(text="Нет", callback_data=LessonCb(action="open", lesson_id=lesson_id))
    return kb.adjust(1).as_markup()


def mine(hosted: list[OpenLesson], zone: str) -> str:
    if not hosted:
        return "Вы ещё не предлагали открытых уроков. Ваши записи на уроки коллег — в их карточках в /lessons."
    lines = ["🗂 <b>Мои открытые уроки</b>\n"]
    for number, lesson in enumerate(hosted, 1):
        lines.append(f"{number}. {esc(lesson.topic)} — {fmt(lesson.starts_at, zone)}, {STATUS[lesson.status]}")
    return "\n".join(lines)


def mine_kb(hosted: list[OpenLesson]) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    for number, lesson in enumerate(hosted, 1):
        kb.button(text=f"{number}. {lesson.topic[:40]}", callback_data=LessonCb(action="open", lesson_id=lesson.id))
    kb.button(text="« К списку", callback_data=LessonCb(action="list"))
    return kb.adjust(1).as_markup()


def visitors(lesson: OpenLesson, found: list[tuple[User, str]]) -> str:
    if not found:
        return f"<b>{esc(lesson.topic)}</b>\n\nПока никто не записался."
    lines = [f"👥 <b>Кто придёт на урок «{esc(lesson.topic)}»</b> ({len(found)} из {lesson.capacity})\n"]
    lines += [
        f"{n}. {esc(user.full_name or 'удалил(а) данные')} — {esc(where)}" for n, (user, where) in enumerate(found, 1)
    ]
    return "\n".join(lines)


def back_kb(lesson_id: int) -> InlineKeyboardMarkup:
    return (
        KeyboardBuilder()
        .button(text="« К уроку", callback_data=LessonCb(action="open", lesson_id=lesson_id))
        .as_markup()
    )


def booked(lesson: OpenLesson, zone: str, with_step: bool) -> str:
    text = f"✅ Вы записаны на открытый урок «{esc(lesson.topic)}», {fmt(lesson.starts_at, zone)}."
    if with_step:
        text += " В ваш ИОМ добавлен шаг «Посетить открытый урок»; после урока заполните карточку наблюдения."
    return text
