"""The methodist's event screens: callback data, dialog states and keyboards; the screens that
list (events, registrants, attendance, feedback) build their text here too. Fixed texts, prompts
and the event's description live in `events_admin_texts`; they are re-exported, so the handlers
reach everything as `events_admin_ui.X`."""

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import InlineKeyboardMarkup

from bot.services.events import Counts, FeedbackSummary, Paged, Registrant
from bot.services.events.inputs import FIELDS
from bot.services.shared.labels import EVENT_FORMATS as FORMAT_LABELS
from bot.services.shared.labels import TEACHER_AREAS, area_label
from bot.services.shared.orgs import Page
from bot.services.shared.timefmt import fmt, local
from handlers.broadcasts.callbacks import BroadcastAnnounceCb
from handlers.events.manage_texts import (
    ASK_BUTTON,
    CANCEL_HINT,
    DRAFT_DROPPED,
    EVENT_STATUS,
    FIELD_LABELS,
    PROMPTS,
    REG_STATUS,
    card,
    cut,
    describe,
    duration_text,
    prompt,
    registrant_line,
)
from handlers.shared.keyboard_builder import KeyboardBuilder
from models import Event, EventFormat, EventStatus, Organization

__all__ = [
    "NewEventCb",
    "EventScopeCb",
    "EventAdminCb",
    "NewEvent",
    "EventEdit",
    "FORMATS",
    "formats",
    "areas",
    "single",
    "preview",
    "draft_fields",
    "scope_level",
    "event_list",
    "card_menu",
    "event_fields",
    "confirm",
    "registrants",
    "attendance",
    "feedback",
    # texts, from events_admin_texts
    "ASK_BUTTON",
    "CANCEL_HINT",
    "DRAFT_DROPPED",
    "EVENT_STATUS",
    "FIELD_LABELS",
    "PROMPTS",
    "REG_STATUS",
    "card",
    "cut",
    "describe",
    "duration_text",
    "prompt",
    "registrant_line",
]


class NewEventCb(CallbackData, prefix="evnew"):
    action: str  # fmt | area | areas_done | cap0 | dl0 | pub | edit | field | back | drop
    value: int = 0


class EventScopeCb(CallbackData, prefix="evscope"):
    action: str  # open | pick
    org_id: int = 0
    page: int = 0


class EventAdminCb(CallbackData, prefix="evadm"):
    action: str  # list | card | edit | field | cancel | cancel_yes | regs | xlsx | att | att_on | att_off
    event_id: int = 0  #   | att_all | close | close_yes | fb
    page: int = 0
    arg: int = 0  # a field index or a registration id


class NewEvent(StatesGroup):
    title = State()
    description = State()
    format = State()
    areas = State()
    scope = State()
    starts_at = State()
    duration = State()
    location = State()
    capacity = State()
    deadline = State()
    preview = State()


class EventEdit(StatesGroup):
    value = State()  # FSM data: event_id, field, draft


FORMATS = list(EventFormat)


def formats() -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    for index, value in enumerate(FORMATS):
        kb.button(text=FORMAT_LABELS[value], callback_data=NewEventCb(action="fmt", value=index))
    return kb.adjust(2).as_markup()


def areas(chosen: list[int]) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    for area in TEACHER_AREAS:
        kb.button(
            text=f"{'☑️' if area in chosen else '▫️'} {area_label(area)}",
            callback_data=NewEventCb(action="area", value=area),
        )
    kb.button(text="Готово ➡", callback_data=NewEventCb(action="areas_done"))
    return kb.adjust(1).as_markup()


def single(text: str, action: str) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    kb.button(text=text, callback_data=NewEventCb(action=action))
    return kb.as_markup()


def preview(token: int) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    kb.button(text="✅ Опубликовать", callback_data=NewEventCb(action="pub", value=token))
    kb.button(text="✏️ Изменить…", callback_data=NewEventCb(action="edit"))
    kb.button(text="Отмена", callback_data=NewEventCb(action="drop"))
    return kb.adjust(1, 2).as_markup()


def draft_fields() -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    for index, field in enumerate(FIELDS):
        kb.button(text=FIELD_LABELS[field], callback_data=NewEventCb(action="field", value=index))
    kb.button(text="◀ К предпросмотру", callback_data=NewEventCb(action="back"))
    return kb.adjust(2).as_markup()


def scope_level(parent: Organization | None, page: Page, up_to: int | None) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    sizes = []
    if parent is not None:
        kb.button(text=f"✅ Все: {parent.name[:48]}", callback_data=EventScopeCb(action="pick", org_id=parent.id))
        sizes.append(1)
    for org in page.items:
        leaf = org.kind.value in ("school", "other")
        kb.button(
            text=org.name[:60] if leaf else f"{org.name[:56]} ▸",
            callback_data=EventScopeCb(action="pick" if leaf else "open", org_id=org.id),
        )
        sizes.append(1)
    parent_id = parent.id if parent else 0
    nav = kb.page_nav(page.page, page.pages, lambda p: EventScopeCb(action="open", org_id=parent_id, page=p))
    sizes += [nav] if nav else []
    if up_to is not None:
        kb.button(text="↑ Назад", callback_data=EventScopeCb(action="open", org_id=up_to))
        sizes.append(1)
    return kb.adjust(*sizes).as_markup()


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
