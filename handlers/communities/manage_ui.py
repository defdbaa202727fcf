"""Texts and keyboards of the methodist's screens: the communities of their zone and creating one."""

from aiogram.types import InlineKeyboardMarkup

from bot.services.communities.common import KIND_TITLES
from bot.services.onboarding.users import SUBJECTS
from bot.services.shared.labels import AREA_TITLES, area_code, area_label
from bot.services.shared.orgs import Level
from handlers.communities.callbacks import CommCb
from handlers.shared.keyboard_builder import KeyboardBuilder
from handlers.shared.texts import esc
from models import Community, CommunityKind

ASK_KIND = "<b>Новое сообщество</b>\nВыберите вид:"
ASK_TITLE = "Напишите название сообщества (до 120 символов), например: «МО учителей математики г. Новочеркасска»."
ASK_DESCRIPTION = "Коротко опишите цели и тему сообщества (до 1000 символов) или отправьте «-», чтобы пропустить."
ASK_SUBJECTS = "Выберите предметы сообщества (необязательно) и нажмите «Готово»."
ASK_AREAS = (
    "Отметьте области компетенций, с которыми работает сообщество (необязательно): педагогам с "
    "дефицитом в этих областях оно будет предложено первым. Затем «Готово»."
)
ASK_AUTO = (
    "Принимать в МО автоматически всех учителей выбранных предметов в его зоне? "
    "Новые учителя этих предметов тоже будут вступать сами; выйти может каждый."
)
EDIT_PROMPTS = {"title": ASK_TITLE, "description": ASK_DESCRIPTION}


def scope_text(items: list[Community]) -> str:
    if not items:
        return "<b>Сообщества вашей зоны</b>\n\nПока ни одного. Создайте первое."
    lines = ["<b>Сообщества вашей зоны</b>"]
    for c in items:
        lines.append(f"{'🗄 ' if c.archived_at else ''}{esc(c.title)} — {KIND_TITLES[c.kind]}")
    return "\n".join(lines)


def scope_kb(items: list[Community], page: int, pages: int) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    for c in items:
        kb.button(text=c.title[:60], callback_data=CommCb(action="open", id=c.id))
    nav = kb.page_nav(page, pages, lambda p: CommCb(action="scope", page=p))
    kb.button(text="➕ Создать сообщество", callback_data=CommCb(action="new"))
    kb.button(text="← К списку", callback_data=CommCb(action="list"))
    return kb.adjust(*[1] * len(items), *([nav] if nav else []), 1).as_markup()


def kind_kb() -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    for kind in CommunityKind:
        kb.button(text=KIND_TITLES[kind], callback_data=CommCb(action="kind", value=kind.value))
    return kb.adjust(1).as_markup()


def org_text(kind: CommunityKind, level: Level) -> str:
    where = f"\nСейчас: <b>{esc(level.parent.name)}</b>" if level.parent else ""
    return f"<b>{KIND_TITLES[kind]}</b>\nВыберите школу или территорию сообщества.{where}"


def org_kb(level: Level) -> InlineKeyboardMarkup:
    kb, rows = KeyboardBuilder(), 0
    if level.parent is not None:
        kb.button(text=f"✅ {level.parent.name}"[:60], callback_data=CommCb(action="orgpick", id=level.parent.id))
        rows += 1
    for org in level.page.items:
        kb.button(text=org.name[:60], callback_data=CommCb(action="org", id=org.id))
    nav = kb.page_nav(
        level.page.page,
        level.page.pages,
        lambda p: CommCb(action="org", id=level.parent.id if level.parent else 0, page=p),
    )
    if level.up is not None:
        kb.button(text="↑ Назад", callback_data=CommCb(action="org", id=level.up))
    return kb.adjust(*[1] * (rows + len(level.page.items)), *([nav] if nav else []), 1).as_markup()


def subjects_kb(chosen: list[str]) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    for index, subject in enumerate(SUBJECTS):
        kb.button(
            text=f"{'✅ ' if subject in chosen else ''}{subject}", callback_data=CommCb(action="subj", page=index)
        )
    kb.button(text="Готово", callback_data=CommCb(action="subjdone"))
    return kb.adjust(*[2] * ((len(SUBJECTS) + 1) // 2), 1).as_markup()


def subjects_text(chosen: list[str]) -> str:
    return ASK_SUBJECTS + (f"\nВыбрано: {esc(', '.join(chosen))}" if chosen else "")


def areas_text(chosen: list[str]) -> str:
    return ASK_AREAS + (f"\nВыбрано: {esc(', '.join(area_code(a) for a in chosen))}" if chosen else "")


def areas_kb(chosen: list[str]) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    for index, code in enumerate(AREA_TITLES):
        mark = "✅ " if code in chosen else ""
        kb.button(text=f"{mark}{area_label(code)}"[:60], callback_data=CommCb(action="area", page=index))
    kb.button(text="Готово", callback_data=CommCb(action="areadone"))
    return kb.adjust(1).as_markup()


def auto_kb() -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    kb.button(text="Да, принимать автоматически", callback_data=CommCb(action="auto", value="1"))
    kb.button(text="Нет, только по желанию", callback_data=CommCb(action="auto", value="0"))
    return kb.adjust(1).as_markup()


def created(community: Community, auto_added: int) -> str:
    text = f"✅ Сообщество «{esc(community.title)}» создано. Назначьте руководителя в его карточке."
    if auto_added:
        text += f"\nПо предметам автоматически включены: {auto_added}. Им придут сообщения."
    return text
