"""The teacher's event screens: Russian texts and keyboards. Callback data and the feedback
comment state are handlers.events.callbacks."""

from aiogram.types import InlineKeyboardMarkup

from bot.services.events.catalog import PAGE_SIZE, EventCard, EventPage, View
from bot.services.events.feedback import MAX_COMMENT
from bot.services.events.seats import signup_closes_at
from bot.services.shared.labels import EVENT_FORMATS as FORMAT_LABELS
from bot.services.shared.labels import TEACHER_AREAS
from bot.services.shared.timefmt import fmt, local
from handlers.events.callbacks import EventCb, EventListCb, FeedbackSkipCb, OfferCb
from handlers.shared.compact import cut
from handlers.shared.keyboard_builder import KeyboardBuilder
from handlers.shared.texts import esc
from models import Event, EventRegistration, EventStatus, RegistrationStatus

VIEW_LABELS = {View.recommended: "Рекомендованные", View.all: "Все", View.mine: "Мои записи"}
LIST_MARKS = {
    RegistrationStatus.registered: "✅ вы записаны",
    RegistrationStatus.waitlisted: "⏳ лист ожидания",
    RegistrationStatus.offered: "🎟 вам предложено место",
}
MAX_DESCRIPTION = 2000  # keeps a card well under Telegram's 4096 characters

ASK_COMMENT = (
    f"Если хотите, напишите короткий комментарий (до {MAX_COMMENT} символов): что было полезно, "
    "чего не хватило. Или нажмите «Пропустить»."
)
COMMENT_SAVED = "Спасибо! Комментарий сохранён, организаторы его увидят."
FEEDBACK_DONE = "Спасибо за оценку!"
NEED_COMMENT_TEXT = "Пришлите комментарий текстом или нажмите «Пропустить»."


def duration(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return " ".join(part for part in (f"{hours} ч" if hours else "", f"{rest} мин" if rest else "") if part) or "—"


def _where(event: Event) -> str:
    lines = [f"📍 {esc(event.place)}"] if event.place else []
    return "\n".join(lines + ([f"🔗 {esc(event.online_url)}"] if event.online_url else []))


def event_list(page: EventPage, zone: str) -> str:
    title = {
        View.recommended: "Рекомендованные мероприятия",
        View.all: "Все предстоящие мероприятия",
        View.mine: "Мои записи на мероприятия",
    }[page.view]
    lines = [f"<b>{title}</b>"]
    if page.view == View.recommended and not page.areas:
        lines.append("<i>Рекомендации появятся после самодиагностики, пока показаны все мероприятия.</i>")
    if not page.items:
        lines.append(_nothing(page))
    for number, item in enumerate(page.items, start=page.page * PAGE_SIZE + 1):
        event = item.event
        marks = [LIST_MARKS[item.status]] if item.status in LIST_MARKS else []
        if event.status == EventStatus.cancelled:
            marks.append("❌ отменено")
        lines.append(
            f"\n{number}. <b>{esc(event.title)}</b>\n{FORMAT_LABELS[event.format]}, "
            f"{fmt(event.starts_at, zone)}" + "".join(f"\n{mark}" for mark in marks)
        )
    return "\n".join(lines)


def _nothing(page: EventPage) -> str:
    if page.view == View.mine:
        return "\nВы пока никуда не записаны. Выберите мероприятие во вкладке «Все»."
    if page.view == View.recommended and page.areas:
        areas = ", ".join(f"«{TEACHER_AREAS.get(a, str(a))}»" for a in sorted(page.areas))
        return (
            f"\nПод ваши дефициты ({areas}) предстоящих мероприятий пока нет. "
            "Бот подберёт их, когда методисты добавят новые; а пока посмотрите все мероприятия."
        )
    return "\nПредстоящих мероприятий для вашей организации пока нет."


def card(c: EventCard, zone: str, notice: str = "") -> str:
    event = c.event
    head = [f"{notice}\n" if notice else "", f"<b>{esc(event.title)}</b>", FORMAT_LABELS[event.format]]
    if event.areas:
        head.append("Направления: " + ", ".join(TEACHER_AREAS.get(a, str(a)) for a in sorted(event.areas)))
    head.append(f"🗓 {fmt(event.starts_at, zone)}, длительность {duration(event.duration_min)}")
    if _where(event):
        head.append(_where(event))
    description = (event.description or "").strip()
    if len(description) > MAX_DESCRIPTION:
        description = description[:MAX_DESCRIPTION].rstrip() + "…"
    body = [f"\n{esc(description)}\n"] if description else [""]
    if c.seats_left is None:
        body.append("Места: без ограничений")
    else:
        body.append(f"Свободных мест: {c.seats_left} из {event.capacity}" if c.seats_left else "Свободных мест нет")
    if event.status == EventStatus.cancelled:
        body.append("❌ Мероприятие отменено организатором.")
    elif c.started:
        body.append("Мероприятие уже прошло.")
    elif c.signup_open:
        body.append(f"Запись до {fmt(signup_closes_at(event), zone)}")
    else:
        body.append("Запись закрыта.")
    body.append(f"Ваш статус: {my_status(c, zone)}")
    return "\n".join([line for line in head if line] + body)


def my_status(c: EventCard, zone: str) -> str:
    reg = c.registration
    if reg is None:
        return "вы не записаны"
    if reg.status == RegistrationStatus.waitlisted:
        return f"⏳ вы в листе ожидания, позиция {c.waitlist_position}"
    if reg.status == RegistrationStatus.offered:
        until = f" до {fmt(reg.offer_expires_at, zone)}" if reg.offer_expires_at else ""
        return f"🎟 вам предложено место{until} — подтвердите участие"
    return "✅ вы записаны"


def reminders(offsets_h: list[float]) -> str:
    """What the bot will actually send: only the reminders still ahead (reminders.reminders_ahead)."""
    if not offsets_h:
        return "До начала осталось совсем мало времени, напоминания не будет."
    named = [{24.0: "за сутки", 1.0: "за час"}.get(h, f"за {h:g} ч") for h in sorted(offsets_h, reverse=True)]
    return f"Бот напомнит о мероприятии {' и '.join(named)} до начала."


def joined(c: EventCard, offsets_h: list[float]) -> str:
    if c.registration is not None and c.registration.status == RegistrationStatus.waitlisted:
        return "Мест нет — вы добавлены в лист ожидания. Если место освободится, бот пришлёт предложение."
    return f"Готово: вы записаны. {reminders(offsets_h)}"


def leave_question(event: Event) -> str:
    return f"Отменить вашу запись на «{esc(event.title)}»?\nВаше место (или место в листе ожидания) перейдёт другим."


def offer_answered(registration: EventRegistration, event: Event, zone: str, offsets_h: list[float]) -> str:
    if registration.status == RegistrationStatus.registered:
        return f"Вы записаны на «{esc(event.title)}», {fmt(event.starts_at, zone)}. {reminders(offsets_h)}"
    return f"Вы отказались от места на «{esc(event.title)}». Место передано следующему в очереди."


def rating_saved(rating: int) -> str:
    return f"Спасибо! Ваша оценка: {'★' * rating}{'☆' * (5 - rating)} ({rating} из 5).\n\n{ASK_COMMENT}"


# --- keyboards ------------------------------------------------------------------------------


def event_list_kb(page: EventPage, zone: str) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    for view, label in VIEW_LABELS.items():
        kb.button(text=f"• {label}" if view == page.view else label, callback_data=EventListCb(view=view.value))
    for item in page.items:
        kb.button(
            text=cut(f"{local(item.event.starts_at, zone):%d.%m} {item.event.title}", 56),
            callback_data=EventCb(action="open", event_id=item.event.id, view=page.view.value, page=page.page),
        )
    nav = kb.page_nav(page.page, page.pages, lambda p: EventListCb(view=page.view.value, page=p))
    if page.view == View.recommended and page.areas and not page.items:
        kb.button(text="📋 Показать все мероприятия", callback_data=EventListCb(view=View.all.value))
    return kb.adjust(3, *[1] * len(page.items), nav or 1).as_markup()


def card_kb(c: EventCard, view: str, page: int) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    event_id, reg = c.event.id, c.registration
    if reg is None and c.signup_open:
        label = "Записаться" if c.seats_left is None or c.seats_left > 0 else "В лист ожидания"
        kb.button(text=label, callback_data=EventCb(action="join", event_id=event_id, view=view, page=page))
    if reg is not None and reg.status == RegistrationStatus.offered:
        kb.button(text="✅ Подтвердить участие", callback_data=OfferCb(reg_id=reg.id, accept=True))
    if reg is not None and not c.started:
        kb.button(
            text="Отменить запись", callback_data=EventCb(action="leave_ask", event_id=event_id, view=view, page=page)
        )
    if c.event.status != EventStatus.cancelled:
        kb.button(text="📅 Добавить в календарь", callback_data=EventCb(action="ics", event_id=event_id))
    kb.button(text="« Назад к списку", callback_data=EventListCb(view=view, page=page))
    return kb.adjust(1).as_markup()


def leave_confirm_kb(event_id: int, view: str, page: int) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    kb.button(
        text="Да, отменить запись", callback_data=EventCb(action="leave", event_id=event_id, view=view, page=page)
    )
    kb.button(text="Нет, оставить", callback_data=EventCb(action="open", event_id=event_id, view=view, page=page))
    return kb.adjust(1).as_markup()


def open_event_kb(event_id: int) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    kb.button(text="Открыть мероприятие", callback_data=EventCb(action="open", event_id=event_id))
    return kb.as_markup()


def skip_comment_kb(event_id: int) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    kb.button(text="Пропустить", callback_data=FeedbackSkipCb(event_id=event_id))
    return kb.as_markup()
