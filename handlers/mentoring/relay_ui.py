"""What the two sides of a pair see: the mentee's /mentor, the relay prompts (the relayed message
itself is queued by the service), the answer to a proposed step, the final review."""

from aiogram.types import InlineKeyboardMarkup

from bot.services.mentoring.dashboard import MyMentor
from bot.services.mentoring.rules import MAX_TEXT, TYPE_LABELS, cadence_label
from handlers.mentoring.ui import RelayCb, day
from handlers.shared.keyboard_builder import KeyboardBuilder
from handlers.shared.texts import esc
from models import User

ASK_REVIEW = f"Напишите короткий итоговый отзыв одним сообщением (до {MAX_TEXT} символов). /cancel — отмена."
REVIEW_SAVED = "Спасибо! Отзыв сохранён."
RELAY_SENT = "✅ Сообщение передано."
RELAY_FAILED = (
    "Не удалось доставить сообщение: собеседник остановил бота или удалил чат. "
    "Если связь нужна срочно, обратитесь к методисту."
)
RELAY_TEXT_ONLY = "Через бота можно передать только текст. Напишите сообщение словами или /cancel."
NEED_TEXT = "Пожалуйста, ответьте текстом. /cancel — отмена."
NO_MENTOR = (
    "У вас пока нет наставника. Его назначает методист вашей школы или муниципалитета — "
    "например, молодым специалистам в первые три года работы."
)


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
            f"{day(m.last_checkin) if m.last_checkin else 'ещё не было'}"
        )
    return "\n\n".join(blocks) + (
        "\n\nПишите наставнику через бота: ваш телефон и имя пользователя Telegram собеседник не увидит."
    )


def my_mentors_kb(found: list[MyMentor]) -> InlineKeyboardMarkup | None:
    if not found:
        return None
    kb = KeyboardBuilder()
    for m in found:
        kb.button(text=f"✉️ Написать: {(m.mentor.full_name or '')[:40]}", callback_data=RelayCb(pair_id=m.pair.id))
    return kb.adjust(1).as_markup()


def ask_relay(peer: User) -> str:
    # "Получатель: <name>" needs no declension of the name (not «для Морозова Галина Петровна»).
    return (
        f"Получатель: <b>{esc(peer.full_name)}</b>\n"
        f"Напишите сообщение одним текстом (до {MAX_TEXT} символов). /cancel — отмена."
    )


def proposal_answered(title: str, accepted: bool) -> str:
    if accepted:
        return f"Шаг «{esc(title)}» добавлен в ваш ИОМ: /route"
    return f"Вы отказались от шага «{esc(title)}». Наставник получит ответ."
