"""/audit (admins): the trail of privileged actions, newest first, ten a page, filterable by kind."""

from aiogram import Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.middlewares.db import READ_ONLY
from bot.services.admin import audit_log
from bot.services.admin.audit_log import AuditPage, Row
from bot.services.shared import timefmt
from bot.services.shared.roles import Identity
from bot.services.shared.timefmt import fmt
from handlers.shared import ui
from handlers.shared.access import Admin, GatedRouter
from handlers.shared.callbacks import Int64
from handlers.shared.keyboard_builder import KeyboardBuilder
from handlers.shared.texts import esc

MAX_DETAILS, MAX_NAME, MAX_TARGET, MAX_TEXT = 120, 40, 60, 4000


class AuditCb(CallbackData, prefix="audit"):
    kind: str  # a key of audit_log.FILTERS, re-checked there
    page: Int64 = 0


FILTER_LABELS = {
    "all": "Все",
    "role": "Роли",
    "invite": "Приглашения",
    "broadcast": "Рассылки",
    "content": "Контент",
    "event": "Мероприятия",
    "pair": "Пары",
}
ACTIONS = {
    "role.grant": "выдана роль",
    "role.revoke": "снята роль",
    "invite.create": "создано приглашение",
    "invite.redeem": "приглашение использовано",
    "broadcast.create": "создана рассылка",
    "broadcast.schedule": "рассылка запланирована",
    "broadcast.send": "рассылка запущена",
    "broadcast.cancel": "рассылка отменена",
    "event.create": "мероприятие создано",
    "event.edit": "мероприятие изменено",
    "event.cancel": "мероприятие отменено",
    "event.close": "мероприятие завершено",
    "content.upload": "загружен контент",
    "content.activity_add": "добавлена активность в каталог",
    "pair.create": "создана наставническая пара",
    "pair.end": "наставническая пара завершена",
    "user.erase": "пользователь удалил свои данные",
}


def _who(telegram_id: int | None, name: str | None) -> str:
    if telegram_id is None:
        return "система"
    return f"{esc(_cut(name, MAX_NAME))} ({telegram_id})" if name else str(telegram_id)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _details(details: dict | None) -> str:
    return _cut(
        ", ".join(f"{key}={value}" for key, value in (details or {}).items() if value not in (None, "", [], {})),
        MAX_DETAILS,
    )


def entry_text(row: Row, zone: str) -> str:
    entry = row.entry
    action = ACTIONS.get(entry.action, entry.action)
    target = _cut(entry.target or "", MAX_TARGET)
    if row.target_name:
        target = f"{_cut(row.target_name, MAX_NAME)} ({target})"
    lines = [
        f"<b>{fmt(entry.created_at, zone)}</b> — {esc(action)}",
        f"кто: {_who(entry.actor_telegram_id, row.actor_name)}" + (f"; объект: {esc(target)}" if target else ""),
    ]
    if _details(entry.details):
        lines.append(f"<i>{esc(_details(entry.details))}</i>")
    return "\n".join(lines)


def page_text(page: AuditPage, zone: str) -> str:
    head = f"<b>Журнал действий</b> — {FILTER_LABELS[page.filter].lower()}, записей: {page.total}"
    if not page.rows:
        return f"{head}\n\nЗаписей нет."
    text = head
    for row in page.rows:  # the caps above keep ten entries within a message; this is the last guard
        entry = entry_text(row, zone)
        if len(text) + len(entry) + 2 > MAX_TEXT:
            return text + "\n\n…"
        text += "\n\n" + entry
    return text


def page_kb(page: AuditPage) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    for key, label in FILTER_LABELS.items():
        kb.button(text=f"• {label}" if key == page.filter else label, callback_data=AuditCb(kind=key))
    nav = kb.page_nav(page.page, page.pages, lambda p: AuditCb(kind=page.filter, page=p))
    return kb.adjust(4, 3, *([nav] if nav else [])).as_markup()


def _zone(identity: Identity, settings: Settings) -> str:
    return timefmt.reader_zone(identity.user, settings.default_timezone)


async def audit_command(message: Message, session: AsyncSession, identity: Identity, settings: Settings) -> None:
    page = await audit_log.read(session, identity)
    await message.answer(page_text(page, _zone(identity, settings)), reply_markup=page_kb(page))


async def audit_page(
    query: CallbackQuery, callback_data: AuditCb, session: AsyncSession, identity: Identity, settings: Settings
) -> None:
    page = await audit_log.read(session, identity, callback_data.kind, callback_data.page)
    await ui.show(query, page_text(page, _zone(identity, settings)), page_kb(page))


def setup() -> Router:
    router = GatedRouter(name=__name__, who=Admin())
    router.message.register(audit_command, Command("audit"), flags=READ_ONLY)
    router.callback_query.register(audit_page, AuditCb.filter(), flags=READ_ONLY)
    return router
