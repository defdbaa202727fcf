"""The methodist's event screens after publishing: the list, an event's card and its actions, the
registrants, attendance and feedback; the screens that list build their text here too. Fixed texts
and the event's card live in `manage_texts`; the ones handlers.events.manage uses are re-exported,
so it reaches everything as `kit.X`. The /new_event keyboards are `create_ui`."""

from aiogram.types import InlineKeyboardMarkup

from bot.services.events import Counts, FeedbackSummary, Paged, Registrant
from bot.services.events.draft import FIELDS
from bot.services.shared.timefmt import fmt, local
from handlers.broadcasts.callbacks import BroadcastAnnounceCb
from handlers.events.callbacks import EventAdminCb
from handlers.events.manage_texts import EVENT_STATUS, FIELD_LABELS, REG_STATUS, card, cut, registrant_line
from handlers.shared.keyboard_builder import KeyboardBuilder
from models import Event, EventStatus

__all__ = [
    "event_list",
    "card_menu",
    "event_fields",
    "confirm",
    "registrants",
    "attendance",
    "feedback",
    # texts, from manage_texts
    "REG_STATUS",
    "card",
    "cut",
]


def event_list(paged: Paged[Event], counts: dict[int, Counts], zone: str) -> tuple[str, InlineKeyboardMarkup]:
    kb = KeyboardBuilder()
    if not paged.items:
        return "Мероприятий в вашей зоне пока нет. Создать — /new_event.", kb.as_markup()
    lines = [f"<b>Мероприятия</b> (стр. {paged.page + 1} из {paged.pages}):"]
    for event in paged.items:
        taken = counts[event.id].registered
        seats = f"{taken}/{event.capacity}" if event.capacity else str(taken)
        lines.append(
            f"• {fmt(event.starts_at, zone)} — {cut(event.title, 120)}{EVENT_STATUS[event.status]} (записано {seats})"
        )
        kb.button(
            text=f"{local(event.starts_at, zone):%d.%m} {event.title[:50]}",
            callback_data=EventAdminCb(action="card", event_id=event.id),
        )
    nav = kb.page_nav(paged.page, paged.pages, lambda p: EventAdminCb(action="list", page=p))
    return "\n".join(lines), kb.adjust(*([1] * len(paged.items) + ([nav] if nav else []))).as_markup()


def card_menu(event: Event, started: bool) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()

    def add(text: str, action: str) -> None:
        kb.button(text=text, callback_data=EventAdminCb(action=action, event_id=event.id))

    live, closed = event.status == EventStatus.published, event.status == EventStatus.closed
    if live:
        add("✏️ Изменить", "edit")
    add("👥 Записавшиеся", "regs")
    add("📥 Экспорт XLSX", "xlsx")
    if (live and started) or closed:
        add("✅ Посещаемость", "att")
    if live and started:
        add("🏁 Завершить", "close")
    if closed:
        add("⭐ Отзывы", "fb")
    if live and not started:
        kb.button(text="📣 Анонсировать", callback_data=BroadcastAnnounceCb(event_id=event.id))
    if live:
        add("❌ Отменить мероприятие", "cancel")
    kb.button(text="◀ К списку", callback_data=EventAdminCb(action="list"))
    return kb.adjust(2).as_markup()


def event_fields(event_id: int) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    for index, field in enumerate(FIELDS):
        kb.button(text=FIELD_LABELS[field], callback_data=EventAdminCb(action="field", event_id=event_id, arg=index))
    kb.button(text="◀ Назад", callback_data=EventAdminCb(action="card", event_id=event_id))
    return kb.adjust(2).as_markup()


def confirm(event_id: int, action: str, yes: str) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    kb.button(text=yes, callback_data=EventAdminCb(action=action, event_id=event_id))
    kb.button(text="Нет, назад", callback_data=EventAdminCb(action="card", event_id=event_id))
    return kb.adjust(1).as_markup()


def registrants(event: Event, paged: Paged[Registrant], size: int) -> tuple[str, InlineKeyboardMarkup]:
    lines = [f"<b>{cut(event.title, 150)}</b>: записавшиеся (стр. {paged.page + 1} из {paged.pages})"]
    lines += [registrant_line(paged.page * size + i + 1, item) for i, item in enumerate(paged.items)]
    if not paged.items:
        lines.append("Пока никто не записался.")
    kb = KeyboardBuilder()
    nav = kb.page_nav(paged.page, paged.pages, lambda p: EventAdminCb(action="regs", event_id=event.id, page=p))
    kb.button(text="📥 Экспорт XLSX", callback_data=EventAdminCb(action="xlsx", event_id=event.id))
    kb.button(text="◀ К мероприятию", callback_data=EventAdminCb(action="card", event_id=event.id))
    return "\n".join(lines), kb.adjust(*([nav] if nav else []), 2).as_markup()


def attendance(event: Event, paged: Paged[Registrant]) -> tuple[str, InlineKeyboardMarkup]:
    text = (
        f"<b>{cut(event.title, 150)}</b>: посещаемость (стр. {paged.page + 1} из {paged.pages}).\n"
        "Нажмите на участника, чтобы отметить присутствие (✅) или отсутствие (▫️)."
    )
    if not paged.items:
        text += "\nЗаписавшихся нет."
    kb = KeyboardBuilder()
    for item in paged.items:
        present = bool(item.registration.attended)
        kb.button(
            text=f"{'✅' if present else '▫️'} {(item.user.full_name or '(данные удалены)')[:50]}",
            callback_data=EventAdminCb(
                action="att_off" if present else "att_on", event_id=event.id, page=paged.page, arg=item.registration.id
            ),
        )
    nav = kb.page_nav(paged.page, paged.pages, lambda p: EventAdminCb(action="att", event_id=event.id, page=p))
    kb.button(
        text="Все присутствовали", callback_data=EventAdminCb(action="att_all", event_id=event.id, page=paged.page)
    )
    kb.button(text="◀ К мероприятию", callback_data=EventAdminCb(action="card", event_id=event.id))
    return text, kb.adjust(*([1] * len(paged.items)), *([nav] if nav else []), 1, 1).as_markup()


def feedback(event: Event, summary: FeedbackSummary) -> tuple[str, InlineKeyboardMarkup]:
    if summary.count:
        head = f"Средняя оценка: <b>{summary.average:.1f}</b> из 5 (оценок: {summary.count})"
    else:
        head = "Оценок пока нет."
    lines = [f"<b>{cut(event.title, 150)}</b>: отзывы", head]
    comments = summary.comments
    if comments.items:
        lines.append(f"\nКомментарии (стр. {comments.page + 1} из {comments.pages}):")
        budget = (3600 - sum(len(line) for line in lines)) // len(comments.items)
        lines += [f"«{cut(item.comment or '', budget - 10)}» — {item.rating}/5" for item in comments.items]
    kb = KeyboardBuilder()
    nav = kb.page_nav(comments.page, comments.pages, lambda p: EventAdminCb(action="fb", event_id=event.id, page=p))
    kb.button(text="◀ К мероприятию", callback_data=EventAdminCb(action="card", event_id=event.id))
    return "\n".join(lines), kb.adjust(*([nav] if nav else []), 1).as_markup()
