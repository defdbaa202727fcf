"""Texts and keyboards of the community list, the card and the member screens."""

from aiogram.types import InlineKeyboardMarkup

from bot.services.communities.catalog import Listing
from bot.services.communities.common import KIND_TITLES, Rights
from bot.services.shared.labels import area_label, plural
from handlers.communities.callbacks import CommCb
from handlers.shared.keyboard_builder import KeyboardBuilder
from handlers.shared.texts import esc
from models import Community, User

EMPTY = (
    "Пока нет сообществ, открытых для вас. Когда методист создаст МО или сетевое сообщество "
    "для вашей школы или территории, оно появится здесь."
)


def members_word(n: int) -> str:
    return f"{n} {plural(n, 'участник', 'участника', 'участников')}"


def listing_text(found: Listing) -> str:
    if not found.rows:
        return f"<b>Профессиональные сообщества</b>\n\n{EMPTY}"
    lines = ["<b>Профессиональные сообщества</b>", "Сначала ваши, затем подходящие по предметам и дефицитам.", ""]
    for row in found.rows:
        mark = "✅ " if row.joined else ("⭐ " if row.matches else "")
        lines.append(
            f"{mark}<b>{esc(row.community.title)}</b> — {KIND_TITLES[row.community.kind]}, {members_word(row.members)}"
        )
    return "\n".join(lines)


def listing_kb(found: Listing, methodist: bool) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    for row in found.rows:
        kb.button(text=row.community.title[:60], callback_data=CommCb(action="open", id=row.community.id))
    nav = kb.page_nav(found.page, found.pages, lambda p: CommCb(action="list", page=p))
    tail = 0
    if methodist:
        kb.button(text="🗂 Сообщества моей зоны", callback_data=CommCb(action="scope"))
        kb.button(text="➕ Создать сообщество", callback_data=CommCb(action="new"))
        tail = 2
    return kb.adjust(*[1] * len(found.rows), *([nav] if nav else []), *[1] * max(tail, 1)).as_markup()


def card_text(
    rights: Rights, scope_name: str, members: int, leaders: list[User], joined: bool, notice: str = ""
) -> str:
    c = rights.community
    lines = [f"<b>{esc(c.title)}</b>", f"{KIND_TITLES[c.kind]} · {esc(scope_name)}"]
    if c.archived_at is not None:
        lines.append("🗄 В архиве")
    if c.description:
        lines += ["", esc(c.description)]
    lines.append("")
    if c.subjects:
        lines.append("Предметы: " + esc(", ".join(c.subjects)))
    if c.areas:
        lines.append("Области: " + esc("; ".join(area_label(a) for a in c.areas)))
    if c.auto_by_subject:
        lines.append("Учителя этих предметов вступают автоматически.")
    names = ", ".join(esc(u.full_name or "—") for u in leaders) or "не назначен"
    lines += [f"Руководитель: {names}", f"Участников: {members}"]
    if c.year_plan and (joined or rights.manages):
        lines += ["", "<b>План работы на год</b>", esc(c.year_plan)]
    if joined:
        lines.append("Вы участник." if not rights.leader else "Вы руководитель этого сообщества.")
    if notice:
        lines += ["", notice]
    return "\n".join(lines)


def card_kb(rights: Rights, joined: bool) -> InlineKeyboardMarkup:
    c, kb, rows = rights.community, KeyboardBuilder(), 0
    open_ = c.archived_at is None
    if open_ and not joined:
        kb.button(text="➕ Вступить", callback_data=CommCb(action="join", id=c.id))
        rows += 1
    if joined or rights.manages:
        kb.button(text="👥 Участники", callback_data=CommCb(action="members", id=c.id))
        rows += 1
    if open_ and rights.manages:
        kb.button(text="➕ Добавить участника", callback_data=CommCb(action="add", id=c.id))
        kb.button(text="📣 Объявление участникам", callback_data=CommCb(action="ann", id=c.id))
        kb.button(text="📅 Встречи", callback_data=CommCb(action="meet", id=c.id))
        kb.button(text="🗓 План работы на год", callback_data=CommCb(action="plan", id=c.id))
        rows += 4
    if rights.methodist:
        if open_:
            kb.button(text="👑 Назначить руководителя", callback_data=CommCb(action="lead", id=c.id))
            kb.button(text="✏️ Название", callback_data=CommCb(action="edit", id=c.id, value="title"))
            kb.button(text="✏️ Описание", callback_data=CommCb(action="edit", id=c.id, value="description"))
            kb.button(text="🗄 В архив", callback_data=CommCb(action="archive", id=c.id))
            rows += 4
        else:
            kb.button(text="↩️ Вернуть из архива", callback_data=CommCb(action="restore", id=c.id))
            rows += 1
    if joined and c.invite_link and open_:
        kb.button(text="💬 Группа сообщества", url=c.invite_link)
        rows += 1
    if open_ and rights.manages:
        linked = c.chat_id is not None
        action, label = ("gunlink", "Отвязать группу") if linked else ("glink", "🔗 Привязать группу Telegram")
        kb.button(text=label, callback_data=CommCb(action=action, id=c.id))
        rows += 1
    if joined:
        kb.button(text="🚪 Выйти", callback_data=CommCb(action="leave", id=c.id))
        rows += 1
    kb.button(text="← К списку", callback_data=CommCb(action="list"))
    return kb.adjust(*[1] * (rows + 1)).as_markup()


def members_text(community: Community, people: list[tuple[User, bool]], page: int, pages: int) -> str:
    lines = [f"<b>Участники: {esc(community.title)}</b>"]
    if not people:
        lines.append("Пока никого.")
    for user, leader in people:
        lines.append(f"{'👑 ' if leader else '• '}{esc(user.full_name or '—')}")
    return "\n".join(lines)


def members_kb(
    community: Community, people: list[tuple[User, bool]], page: int, pages: int, rights: Rights
) -> InlineKeyboardMarkup:
    kb, rows = KeyboardBuilder(), 0
    if rights.manages and community.archived_at is None:
        for user, leader in people:
            if leader and rights.methodist:
                kb.button(
                    text=f"Снять руководителя: {user.full_name}"[:60], callback_data=_act("unlead", community, user)
                )
                rows += 1
            elif not leader:
                kb.button(text=f"✖ Исключить: {user.full_name}"[:60], callback_data=_act("remove", community, user))
                rows += 1
    nav = kb.page_nav(page, pages, lambda p: CommCb(action="members", id=community.id, page=p))
    kb.button(text="← К сообществу", callback_data=CommCb(action="open", id=community.id))
    return kb.adjust(*[1] * rows, *([nav] if nav else []), 1).as_markup()


def _act(action: str, community: Community, user: User) -> CommCb:
    return CommCb(action=action, id=community.id, user=user.id)


def people_text(community: Community, title: str, people: list[User]) -> str:
    head = f"<b>{title}</b>\n{esc(community.title)}"
    if not people:
        return f"{head}\n\nНет подходящих зарегистрированных педагогов в зоне сообщества."
    return f"{head}\n\nВыберите педагога:"


def people_kb(
    community: Community, people: list[User], page: int, pages: int, pick: str, back: str
) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    for user in people:
        kb.button(text=(user.full_name or "—")[:60], callback_data=CommCb(action=pick, id=community.id, user=user.id))
    nav = kb.page_nav(page, pages, lambda p: CommCb(action=back, id=community.id, page=p))
    kb.button(text="← К сообществу", callback_data=CommCb(action="open", id=community.id))
    return kb.adjust(*[1] * len(people), *([nav] if nav else []), 1).as_markup()
