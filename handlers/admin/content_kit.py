"""/content's labels, callback data, dialog states and keyboards, shared by the menu and the
activity dialog (content) and by uploads (content_upload)."""

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.state import State, StatesGroup

from bot.services.admin.content import KINDS
from handlers.shared.keyboard_builder import KeyboardBuilder

KIND_LABELS = {
    "questionnaire_teacher": "Анкета педагога",
    "questionnaire_leader": "Анкета руководителя",
    "catalog": "Каталог мероприятий",
    "objective_tasks": "Банк заданий проверки",
}
FORM_LABELS = {"formal": "формальная (курсы ДПО)", "non_formal": "неформальная", "informal": "информальная"}


class ContentCb(CallbackData, prefix="cnt"):
    action: str  # get | up | act | area | fmt | form | reframe (confirmed) | keepframe
    value: str = ""


class ContentFlow(StatesGroup):
    upload = State()  # data: kind
    reframe = State()  # data: kind, file_id, filename: an upload that changes the framework, to confirm
    area = State()
    title = State()
    format = State()
    form = State()
    hours = State()
    details = State()


def menu_kb():
    kb = KeyboardBuilder()
    for kind in KINDS:
        kb.button(text=f"⬇ {KIND_LABELS[kind]}", callback_data=ContentCb(action="get", value=kind))
    for kind in KINDS:
        kb.button(text=f"⬆ Загрузить: {KIND_LABELS[kind].lower()}", callback_data=ContentCb(action="up", value=kind))
    kb.button(text="➕ Добавить мероприятие в каталог", callback_data=ContentCb(action="act"))
    return kb.adjust(1).as_markup()


def choices_kb(action: str, options: list[tuple[str, str]], columns: int = 1):
    kb = KeyboardBuilder()
    for value, label in options:
        kb.button(text=label[:60], callback_data=ContentCb(action=action, value=value))
    return kb.adjust(columns).as_markup()


def reframe_kb():
    kb = KeyboardBuilder()
    kb.button(text="⚠️ Да, сменить рамку анкеты", callback_data=ContentCb(action="reframe"))
    kb.button(text="Отмена: рамку не менять", callback_data=ContentCb(action="keepframe"))
    return kb.adjust(1).as_markup()
