"""Texts and keyboards of /practices: the list, a practice's card, the author's own practices and
the reflections colleagues wrote."""

from aiogram.types import InlineKeyboardMarkup

from bot.services.practices import inputs, scope
from bot.services.practices.finding import Card, Filters, Found
from bot.services.practices.publishing import Mine
from bot.services.practices.using import DEADLINE_DAYS, Reflection
from bot.services.shared.timefmt import local
from handlers.practices.publish_ui import material_line
from handlers.practices.ui import ListCb, PracticeCb, area_name, level_name
from handlers.shared.keyboard_builder import KeyboardBuilder
from handlers.shared.texts import POSITION_LABELS, esc
from models import PracticeStatus

STATUS = {
    PracticeStatus.pending: "⏳ на модерации",
    PracticeStatus.returned: "↩️ возвращена на доработку",
    PracticeStatus.approved: "✅ одобрена",
}
ASK_SEARCH = f"Напишите слова для поиска по названию, предмету и описанию (до {100} символов). /cancel — отмена."
ASK_REFLECTION = (
    f"Как прошло? Напишите короткую рефлексию (до {2000} символов): что получилось, что изменили под свой класс. "
    "Можно приложить фото или PDF с рефлексией в подписи — файл останется в вашем ИОМ. "
    "Автор практики прочитает рефлексию, ваше имя он не увидит. /cancel — отмена."
)
APPLIED = "✅ Отмечено: практика применена. Шаг ИОМ выполнен, автор получит вашу рефлексию."
NO_MINE = "Вы ещё не делились практиками. Нажмите «Поделиться практикой» в /practices или отправьте /share_practice."


def listing(found: Found, filters: Filters) -> str:
    lines = ["📚 <b>Банк практик</b>"]
    narrowed = [
        f"область {area_name(filters.area)}" if filters.area else "",
        f"уровень: {level_name(filters.level)}" if filters.level else "",
        f"поиск «{esc(filters.query)}»" if filters.query else "",
        "мои предметы" if filters.subjects else "",
    ]
    if any(narrowed):
        lines.append("Отбор: " + "; ".join(n for n in narrowed if n))
    if not found.items:
        lines.append("\nПрактик пока нет. Поделитесь своей — коллеги её увидят после проверки методистом.")
        return "\n".join(lines)
    lines.append("Сначала — по вашим дефицитам из последней самодиагностики (🎯).\n")
    start = found.at.offset
    for number, practice in enumerate(found.items, start + 1):
        mark = "🎯 " if practice.id in found.recommended else ""
        areas = ", ".join(practice.areas)
        lines.append(f"{number}. {mark}<b>{esc(practice.title)}</b> — {esc(practice.subject)}, области {areas}")
    return "\n".join(lines)


def listing_kb(found: Found, filters: Filters) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    start = found.at.offset
    for number, practice in enumerate(found.items, start + 1):
        kb.button(
            text=f"{number}. {practice.title[:40]}", callback_data=PracticeCb(action="open", practice_id=practice.id)
        )
    q, my = bool(filters.query), bool(filters.subjects)
    nav = kb.page_nav(
        found.at.page, found.at.pages, lambda p: ListCb(page=p, area=filters.area, level=filters.level, q=q, my=my)
    )
    for code in inputs.AREAS:
        mark = "• " if code == filters.area else ""
        kb.button(
            text=f"{mark}{code}",
            callback_data=ListCb(area="" if code == filters.area else code, level=filters.level, q=q, my=my),
        )
    for code, title in inputs.LEVELS.items():
        if code != "any":
            mark = "• " if code == filters.level else ""
            level = "" if code == filters.level else code
            kb.button(text=f"{mark}{title}", callback_data=ListCb(area=filters.area, level=level, q=q, my=my))
    subjects = ListCb(area=filters.area, level=filters.level, q=q, my=not my)
    kb.button(text=f"{'• ' if my else ''}📘 Мои предметы", callback_data=subjects)
    kb.button(text="🔎 Поиск", callback_data=PracticeCb(action="search"))
    kb.button(text="✖ Сбросить отбор", callback_data=ListCb())
    kb.button(text="➕ Поделиться практикой", callback_data=PracticeCb(action="share"))
    kb.button(text="🗂 Мои практики", callback_data=PracticeCb(action="mine"))
    sizes = [1] * len(found.items) + ([nav] if nav else []) + [8, 3, 2, 1, 2]
    return kb.adjust(*sizes).as_markup()


def card(c: Card, zone: str) -> str:
    p = c.practice
    role = POSITION_LABELS.get(c.author.position, "") if c.author else ""
    items = ", ".join(p.items) or "—"
    lines = [
        f"<b>{esc(p.title)}</b>",
        f"Автор: {esc(role.lower() or 'педагог')}, {esc(c.school)}",
        f"Области: {', '.join(area_name(a) for a in p.areas)}",
        f"Утверждения анкеты: {items}",
        f"Предмет: {esc(p.subject)}; уровень: {level_name(p.level)}",
        "",
        esc(p.description),
        "",
        f"Материал: {material_line(p.material_kind, p.material_ref, p.material_name)}",
        f"Применили коллеги: {c.applied}",
    ]
    if c.own:
        lines.append(f"\nСтатус: {STATUS[p.status]}")
        if p.status == PracticeStatus.approved and p.visibility:
            lines.append(f"Видна: {scope.VISIBILITY[p.visibility]}")
        if p.moderator_comment:
            lines.append(f"Комментарий методиста: {esc(p.moderator_comment)}")
    elif c.use is not None:
        if c.use.applied_at:
            lines.append(f"\n✅ Вы применили её {local(c.use.applied_at, zone):%d.%m.%Y}.")
        else:
            lines.append("\n🧭 Практика в вашем ИОМ. Когда примените — нажмите «Применил(а)».")
    return "\n".join(lines)


def card_kb(c: Card) -> InlineKeyboardMarkup:
    kb, pid = KeyboardBuilder(), c.practice.id
    if c.practice.material_kind == "link":
        kb.button(text="🔗 Материал", url=c.practice.material_ref)
    elif c.practice.material_kind:
        kb.button(text="📎 Материал", callback_data=PracticeCb(action="material", practice_id=pid))
    if c.own:
        if c.practice.status != PracticeStatus.approved:
            kb.button(text="✏️ Исправить и отправить снова", callback_data=PracticeCb(action="fix", practice_id=pid))
        kb.button(
            text=f"💬 Отзывы коллег ({c.applied})", callback_data=PracticeCb(action="reflections", practice_id=pid)
        )
    elif c.use is None or (c.use.applied_at is None and c.use.step_id is None):
        kb.button(text="➕ В мой ИОМ", callback_data=PracticeCb(action="add", practice_id=pid))
    elif c.use.applied_at is None:
        kb.button(text="✅ Применил(а)", callback_data=PracticeCb(action="applied", practice_id=pid))
    if not c.own:
        kb.button(text="❓ Вопрос автору", callback_data=PracticeCb(action="ask", practice_id=pid))
    kb.button(text="« К списку", callback_data=ListCb())
    return kb.adjust(1).as_markup()


def deadline_kb(practice_id: int) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    for days in DEADLINE_DAYS:
        kb.button(text=f"{days} дней", callback_data=PracticeCb(action="deadline", practice_id=practice_id, value=days))
    kb.button(text="« Назад", callback_data=PracticeCb(action="open", practice_id=practice_id))
    return kb.adjust(3, 1).as_markup()


ASK_DEADLINE = "За какой срок вы изучите и примените практику? Шаг «Изучить и применить практику» появится в вашем ИОМ."


def added(title: str, deadline) -> str:
    return f"🧭 В ваш ИОМ добавлен шаг «{esc(title)}», срок — {deadline:%d.%m.%Y}. Маршрут: /route"


def mine(found: list[Mine]) -> str:
    if not found:
        return NO_MINE
    lines = ["🗂 <b>Мои практики</b>\n"]
    for number, m in enumerate(found, 1):
        lines.append(
            f"{number}. {esc(m.practice.title)} — {STATUS[m.practice.status]}; "
            f"в ИОМ у коллег: {m.uses}, применили: {m.applied}"
        )
    return "\n".join(lines)


def mine_kb(found: list[Mine]) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    for number, m in enumerate(found, 1):
        kb.button(
            text=f"{number}. {m.practice.title[:40]}",
            callback_data=PracticeCb(action="mine_open", practice_id=m.practice.id),
        )
    kb.button(text="« К банку практик", callback_data=ListCb())
    return kb.adjust(1).as_markup()


def reflections(title: str, found: list[Reflection], zone: str) -> str:
    if not found:
        return f"<b>{esc(title)}</b>\n\nПока никто не отметил, что применил эту практику."
    lines = [f"💬 <b>Отзывы коллег о практике «{esc(title)}»</b>\n"]
    for r in found[:8]:  # each cut to 400 characters: the screen stays within Telegram's 4096
        text = r.text if len(r.text) <= 400 else r.text[:398].rstrip() + "…"
        lines.append(f"• {local(r.at, zone):%d.%m.%Y}, {esc(r.where)}:\n{esc(text)}")
    return "\n\n".join(lines)
