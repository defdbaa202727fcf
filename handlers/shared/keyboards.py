"""Inline keyboards. Labels are Russian; callback_data always comes from handlers.shared.callbacks."""

from aiogram.types import InlineKeyboardMarkup

from bot.services.onboarding.users import SUBJECTS
from bot.services.shared import timefmt
from bot.services.shared.paging import Page
from handlers.shared.callbacks import (
    ConsentCb,
    DeleteMeCb,
    InviteRoleCb,
    InviteTermsCb,
    MethodistsCb,
    OrgPickCb,
    PositionCb,
    ProfileCb,
    RevokeCb,
    SubjectCb,
    TimezoneCb,
)
from handlers.shared.keyboard_builder import KeyboardBuilder
from handlers.shared.texts import POSITION_LABELS
from models import Organization, RoleGrant

INVITE_TERMS = [(7, 1), (14, 30), (30, 100)]


def consent(invite: str) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    kb.button(text="✅ Согласен(на)", callback_data=ConsentCb(agree=True, invite=invite))
    kb.button(text="Не согласен(на)", callback_data=ConsentCb(agree=False))
    return kb.adjust(1).as_markup()


def org_page(
    purpose: str, page: Page, parent: Organization | None, *, choose_parent: bool, up_to: int | None
) -> InlineKeyboardMarkup:
    """One level of the organization tree, paginated; deeper levels open, leaves are chosen."""
    kb = KeyboardBuilder()
    if parent is not None and choose_parent:
        kb.button(
            text=f"✅ Выбрать: {parent.name[:40]}",
            callback_data=OrgPickCb(purpose=purpose, action="choose", org_id=parent.id),
        )
    for org in page.items:
        leaf = org.kind.value in ("school", "other")
        kb.button(
            text=org.name[:60],
            callback_data=OrgPickCb(purpose=purpose, action="choose" if leaf else "open", org_id=org.id),
        )
    sizes = [1] * (len(page.items) + (1 if parent is not None and choose_parent else 0))
    parent_id = parent.id if parent is not None else 0
    nav = kb.page_nav(
        page.page, page.pages, lambda p: OrgPickCb(purpose=purpose, action="open", org_id=parent_id, page=p)
    )
    if nav:
        sizes.append(nav)
    if up_to is not None:
        kb.button(text="↑ Назад", callback_data=OrgPickCb(purpose=purpose, action="open", org_id=up_to))
        sizes.append(1)
    return kb.adjust(*sizes).as_markup()


def positions() -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    for position, label in POSITION_LABELS.items():
        kb.button(text=label, callback_data=PositionCb(value=position.value))
    return kb.adjust(1).as_markup()


def subjects(chosen: list[str]) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    for index, subject in enumerate(SUBJECTS):
        mark = "☑️ " if subject in chosen else ""
        kb.button(text=f"{mark}{subject}", callback_data=SubjectCb(index=index))
    kb.button(text="Готово ➡", callback_data=SubjectCb(index=-1))
    return kb.adjust(*([2] * (len(SUBJECTS) // 2) + [1] * (len(SUBJECTS) % 2) + [1])).as_markup()


def profile_menu() -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    for field, label in [
        ("full_name", "ФИО"),
        ("organization", "Организация"),
        ("position", "Должность"),
        ("subjects", "Предметы"),
        ("experience", "Стаж"),
        ("birth_year", "Год рождения"),
        ("timezone", "Часовой пояс"),
    ]:
        kb.button(text=label, callback_data=ProfileCb(field=field))
    return kb.adjust(2).as_markup()


def timezones() -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    for zone in timefmt.RUSSIAN_ZONES:
        kb.button(text=timefmt.label(zone.zone), callback_data=TimezoneCb(zone=zone.zone))
    return kb.adjust(2).as_markup()


def delete_confirm() -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    kb.button(text="Да, удалить мои данные", callback_data=DeleteMeCb(confirm=True))
    kb.button(text="Нет, оставить", callback_data=DeleteMeCb(confirm=False))
    return kb.adjust(1).as_markup()


def invite_roles() -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    kb.button(text="Педагогов", callback_data=InviteRoleCb(role="teacher"))
    kb.button(text="Наставника", callback_data=InviteRoleCb(role="mentor"))
    return kb.adjust(2).as_markup()


def invite_terms(org_id: int) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    for days, uses in INVITE_TERMS:
        kb.button(text=f"{uses} чел., {days} дн.", callback_data=InviteTermsCb(org_id=org_id, days=days, uses=uses))
    return kb.adjust(1).as_markup()


def revoke_buttons(grants: list[tuple[RoleGrant, str]], page: int, pages: int) -> InlineKeyboardMarkup:
    """One button per grant, named by the person and the scope (one person may hold several)."""
    kb = KeyboardBuilder()
    for grant, scope in grants:
        kb.button(text=f"Снять роль: {grant.telegram_id} — {scope[:45]}", callback_data=RevokeCb(grant_id=grant.id))
    nav = kb.page_nav(page, pages, lambda p: MethodistsCb(page=p))
    return kb.adjust(*[1] * len(grants), *([nav] if nav else [])).as_markup()
