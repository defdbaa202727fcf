"""Broadcast screens: callback data, dialog states, Russian texts and keyboards."""

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import InlineKeyboardMarkup

from bot.services.broadcasts.audience import AREAS
from bot.services.broadcasts.report import STOP_LABEL
from bot.services.onboarding.users import SUBJECTS
from bot.services.shared import orgs
from bot.services.shared.labels import area_label
from bot.services.shared.timefmt import local, phrase
from handlers.shared.keyboard_builder import KeyboardBuilder
from handlers.shared.texts import POSITION_LABELS, esc, plural
from models import Broadcast, BroadcastStatus, Event, Organization, Position


class BcCb(CallbackData, prefix="bc"):
    """Every action on one broadcast; the id is re-checked (author, status) on each press."""

    action: str
    id: int
    value: str = ""
    parent: int = 0
    page: int = 0


class BroadcastAnnounceCb(CallbackData, prefix="bcann"):
    event_id: int


class BroadcastFlow(StatesGroup):
    compose = State()  # data: {"id": draft id} when replacing the message of an existing draft
    when = State()  # data: {"id": broadcast id}


ROLE_NAMES = {"teacher": "педагоги без роли наставника", "mentor": "наставники"}
STATUS_NAMES = {
    BroadcastStatus.scheduled: "запланирована",
    BroadcastStatus.sending: "отправляется",
    BroadcastStatus.done: "завершена",
    BroadcastStatus.cancelled: "отменена",
}

COMPOSE = (
    "<b>Рассылка</b>\nПришлите сообщение для рассылки так, как его должны увидеть получатели: текст "
    "с оформлением, можно с одним фото или документом и подписью.\n/cancel — отменить."
)
RECOMPOSE = "Пришлите новое сообщение для рассылки. Аудитория и кнопки сохранятся. /cancel — отменить."
NEED_CONTENT = "Для рассылки подходит текст, одно фото или один документ (с подписью). Пришлите сообщение ещё раз."
NO_ALBUMS = "Альбомы не поддерживаются: пришлите одно фото или документ, текст — в подписи."
PREVIEW_HEAD = "Так сообщение увидят получатели:"
EVENTS_TITLE = (
    "<b>Записанные на мероприятие</b>\nВыберите мероприятие (учитываются только записанные, без листа ожидания):"
)
NO_EVENTS = "Мероприятий в вашей зоне пока нет."


def orgs_title(parent: Organization | None) -> str:
    where = f" — {esc(parent.name)}" if parent else ""
    return (
        f"<b>Территории и организации{where}</b>\nОтметьте нужные; «›» открывает вложенные. "
        "Отмеченная территория включает все свои организации."
    )


def choices_title(title: str) -> str:
    return f"<b>{title}</b>\nОтметьте одно или несколько значений:"


def ask_when(zone: str) -> str:
    return f"Когда отправить? Дата и время {phrase(zone)}, например <code>25.12.2026 15:00</code>.\n/cancel — отменить."


def audience_lines(spec: dict, org_names: list[str], event: Event | None) -> list[str]:
    lines = []
    if org_names:
        lines.append("Территории и организации: " + "; ".join(esc(n) for n in org_names))
    if spec.get("roles"):
        lines.append("Роль: " + ", ".join(ROLE_NAMES[r] for r in spec["roles"]))
    if spec.get("positions"):
        lines.append("Должность: " + ", ".join(POSITION_LABELS[Position(p)] for p in spec["positions"]))
    if spec.get("subjects"):
        lines.append("Предметы: " + ", ".join(esc(s) for s in spec["subjects"]))
    if spec.get("young"):
        lines.append("Молодые специалисты (до 35 лет, стаж до 3 лет)")
    if spec.get("deficit"):
        lines.append("Дефицит по последней диагностике: " + ", ".join(area_label(a) for a in spec["deficit"]))
    if spec.get("undiagnosed"):
        lines.append("Ещё не прошли диагностику")
    if spec.get("event"):
        lines.append("Записаны на мероприятие: " + (f"«{esc(event.title)}»" if event else f"№{spec['event']}"))
    return lines or ["Все педагоги в вашей зоне ответственности"]


def audience(b: Broadcast, org_names: list[str], event: Event | None, recipients: int) -> str:
    lines = "\n".join(f"• {line}" for line in audience_lines(b.audience, org_names, event))
    return (
        f"<b>Рассылка №{b.id}: «{esc(b.preview)}»</b>\n\n<b>Аудитория</b>\n{lines}\n\n"
        f"Получателей: <b>{recipients}</b>\n\n<i>Значения одного фильтра складываются, разные фильтры "
        "сужают аудиторию. Только активные пользователи в вашей зоне.</i>"
    )


def confirm(b: Broadcast, recipients: int) -> str:
    who = plural(recipients, "получатель", "получателя", "получателей")
    return (
        f"<b>Рассылка №{b.id}: «{esc(b.preview)}»</b>\nСообщение получат <b>{recipients}</b> {who}.\n"
        "Отправить сейчас или запланировать?"
    )


def starting(b: Broadcast) -> str:
    return f"📨 Рассылка №{b.id} запускается…"


def started(b: Broadcast) -> str:
    who = plural(b.recipients, "получатель", "получателя", "получателей")
    return f"🚀 Рассылка №{b.id} запущена: {b.recipients} {who}."


def stop_question(b: Broadcast) -> str:
    return (
        f"Остановить рассылку №{b.id}? Те, кому сообщение ещё не отправлено, его не получат. "
        "Уже отправленные сообщения останутся у получателей."
    )


def stopped(b: Broadcast, withdrawn: int) -> str:
    # Recipients are counted when sending starts: a scheduled one stopped before that reached nobody,
    # and "not sent: 0" would read as if everyone got it.
    if b.scheduled_at is not None and b.recipients == 0:
        return f"⏹ Запланированная рассылка №{b.id} отменена: сообщение никому не отправлено."
    return f"⏹ Рассылка №{b.id} остановлена. Не отправлено: {withdrawn}."


def recent_line(b: Broadcast) -> str:
    return f"№{b.id} {STATUS_NAMES.get(b.status, b.status.value)}: {b.preview[:40]}"


# --- keyboards ------------------------------------------------------------------------------


def mark(on: bool) -> str:
    return "☑️ " if on else "▫️ "


def audience_kb(b: Broadcast) -> InlineKeyboardMarkup:
    spec, kb = b.audience, KeyboardBuilder()
    for label, action in (
        ("🏫 Территории и организации", "orgs"),
        ("👤 Роль", "roles"),
        ("💼 Должность", "positions"),
        ("📚 Предметы", "subjects"),
        ("📉 Дефицит по области", "areas"),
        ("📅 Записанные на мероприятие", "events"),
    ):
        kb.button(text=label, callback_data=BcCb(action=action, id=b.id))
    kb.button(
        text=mark(spec.get("young", False)) + "Молодые специалисты",
        callback_data=BcCb(action="t", id=b.id, value="young"),
    )
    kb.button(
        text=mark(spec.get("undiagnosed", False)) + "Не прошли диагностику",
        callback_data=BcCb(action="t", id=b.id, value="undiagnosed"),
    )
    kb.button(text="♻️ Сбросить фильтры", callback_data=BcCb(action="t", id=b.id, value="all"))
    kb.button(text="✏️ Заменить сообщение", callback_data=BcCb(action="retext", id=b.id))
    kb.button(text="🗑 Удалить черновик", callback_data=BcCb(action="drop", id=b.id))
    kb.button(text="Далее ➡", callback_data=BcCb(action="next", id=b.id))
    return kb.adjust(2, 2, 2, 2, 1, 2, 1).as_markup()


def _back(kb: KeyboardBuilder, b: Broadcast) -> None:
    kb.button(text="« К аудитории", callback_data=BcCb(action="aud", id=b.id))


def choices_kb(b: Broadcast, action: str, options: list[tuple[str, str, bool]], width: int = 1) -> InlineKeyboardMarkup:
    """Toggle buttons of one dimension: (value, label, chosen)."""
    kb = KeyboardBuilder()
    for value, label, chosen in options:
        kb.button(text=mark(chosen) + label, callback_data=BcCb(action=action, id=b.id, value=value))
    _back(kb, b)
    rows = [width] * (len(options) // width) + ([len(options) % width] if len(options) % width else [])
    return kb.adjust(*rows, 1).as_markup()


def role_options(spec: dict) -> list[tuple[str, str, bool]]:
    return [(r, label.capitalize(), r in spec.get("roles", [])) for r, label in ROLE_NAMES.items()]


def position_options(spec: dict) -> list[tuple[str, str, bool]]:
    return [(p.value, POSITION_LABELS[p], p.value in spec.get("positions", [])) for p in Position]


def subject_options(spec: dict) -> list[tuple[str, str, bool]]:
    return [(str(i), s, s in spec.get("subjects", [])) for i, s in enumerate(SUBJECTS)]


def area_options(spec: dict) -> list[tuple[str, str, bool]]:
    return [(a, area_label(a), a in spec.get("deficit", [])) for a in AREAS]


def orgs_kb(b: Broadcast, parent: Organization | None, level: orgs.Page, up: int) -> InlineKeyboardMarkup:
    kb, chosen, sizes = KeyboardBuilder(), set(b.audience.get("orgs", [])), []
    parent_id = parent.id if parent else 0
    for org in level.items:
        kb.button(
            text=mark(org.id in chosen) + org.name[:45],
            callback_data=BcCb(action="org", id=b.id, value=str(org.id), parent=parent_id, page=level.page),
        )
        if org.kind.value in ("region", "municipality"):
            kb.button(text="›", callback_data=BcCb(action="orgs", id=b.id, parent=org.id))
            sizes.append(2)
        else:
            sizes.append(1)
    nav = kb.page_nav(
        level.page, level.pages, lambda p: BcCb(action="orgs", id=b.id, parent=parent_id, page=p), counter=False
    )
    if parent is not None:
        kb.button(text="↑ Выше", callback_data=BcCb(action="orgs", id=b.id, parent=up))
    _back(kb, b)
    return kb.adjust(*sizes, *([nav] if nav else []), *([1] if parent else []), 1).as_markup()


def events_kb(b: Broadcast, items: list[Event], page: int, pages: int) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    for event in items:
        day = local(event.starts_at, event.timezone)
        kb.button(
            text=mark(b.audience.get("event") == event.id) + f"{day:%d.%m.%y} {event.title[:40]}",
            callback_data=BcCb(action="ev", id=b.id, value=str(event.id), page=page),
        )
    nav = kb.page_nav(page, pages, lambda p: BcCb(action="events", id=b.id, page=p), counter=False)
    _back(kb, b)
    return kb.adjust(*[1] * len(items), *([nav] if nav else []), 1).as_markup()


def confirm_kb(b: Broadcast) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    kb.button(text="🚀 Отправить сейчас", callback_data=BcCb(action="now", id=b.id))
    kb.button(text="🕒 Запланировать", callback_data=BcCb(action="when", id=b.id))
    _back(kb, b)
    return kb.adjust(1).as_markup()


def stop_kb(b: Broadcast) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    kb.button(text="Да, остановить", callback_data=BcCb(action="stopyes", id=b.id))
    kb.button(text="Нет, пусть идёт", callback_data=BcCb(action="stopno", id=b.id))
    return kb.adjust(1).as_markup()


def recent_kb(items: list[Broadcast]) -> InlineKeyboardMarkup | None:
    if not items:
        return None
    kb = KeyboardBuilder()
    for b in items:
        kb.button(text=recent_line(b), callback_data=BcCb(action="status", id=b.id))
    return kb.adjust(1).as_markup()


# screen → (toggle action, options builder, title, buttons per row)
CHOICE_SCREENS = {
    "roles": ("role", role_options, "Роль", 1),
    "positions": ("pos", position_options, "Должность", 1),
    "subjects": ("subj", subject_options, "Предметы", 2),
    "areas": ("area", area_options, "Дефицит (выраженный или частичный) в последней диагностике", 1),
}


def progress_kb(b: Broadcast) -> InlineKeyboardMarkup | None:
    active = b.status in (BroadcastStatus.scheduled, BroadcastStatus.sending)
    if not active:
        return None
    kb = KeyboardBuilder()
    kb.button(text=STOP_LABEL, callback_data=BcCb(action="stop", id=b.id))
    return kb.as_markup()
