"""Community meetings for the leader (or the methodist): the list, planning one (title or agenda,
date and time, place or link), marking attendance and saving the protocol, which goes to the
members; and the year's plan of work shown on the card. Members sign up through the event card
the invitation links to (the /events machinery)."""

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.infra.clock import Clock
from bot.middlewares.db import READ_ONLY
from bot.services import broadcasts
from bot.services.communities import common, manage, meetings
from bot.services.communities.meetings import Meeting
from bot.services.shared.errors import InvalidInput
from bot.services.shared.roles import Identity
from bot.services.shared.timefmt import fmt
from handlers.communities.callbacks import CommCb, CommunityFlow
from handlers.shared import ui
from handlers.shared.access import GatedRouter, Registered
from handlers.shared.filters import NOT_COMMAND, TYPED
from handlers.shared.keyboard_builder import KeyboardBuilder
from handlers.shared.texts import esc

ASK_TITLE = "Тема или повестка встречи (до 200 символов)? /cancel — отменить."
ASK_WHEN = "Когда? Дата и время, например <code>25.12.2026 15:00</code>."
ASK_WHERE = "Где? Адрес и кабинет или ссылка на онлайн-встречу."
ASK_PROTOCOL = (
    "Пришлите протокол одним сообщением: решения и следующие шаги, можно документом с подписью. "
    "Его получат участники сообщества. /cancel — отменить."
)


def list_view(community, items: list[Meeting]) -> tuple[str, InlineKeyboardMarkup]:
    lines = [f"<b>Встречи: {esc(community.title)}</b>"]
    kb = KeyboardBuilder()
    for m in items:
        mark = "✅ " if m.meeting.protocol_at else ""
        lines.append(f"{mark}{fmt(m.event.starts_at, m.event.timezone)} — {esc(m.event.title)}")
        kb.button(text=f"{mark}{m.event.title}"[:60], callback_data=CommCb(action="mcard", id=m.meeting.id))
    if not items:
        lines.append("Пока ни одной.")
    kb.button(text="➕ Запланировать встречу", callback_data=CommCb(action="mplan", id=community.id))
    kb.button(text="← К сообществу", callback_data=CommCb(action="open", id=community.id))
    return "\n".join(lines), kb.adjust(1).as_markup()


def card_view(m: Meeting, people: list, notice: str = "") -> tuple[str, InlineKeyboardMarkup]:
    e = m.event
    lines = [
        f"<b>{esc(e.title)}</b>",
        f"Сообщество: {esc(m.community.title)}",
        f"Когда: {fmt(e.starts_at, e.timezone)}",
        f"Где: {esc(e.place or e.online_url or '—')}",
        f"Записались: {len(people)}",
    ]
    if m.meeting.protocol_at:
        lines.append(f"Протокол: {esc(m.meeting.protocol_preview or '')}")
    if notice:
        lines += ["", notice]
    kb = KeyboardBuilder()
    for registration, user in people:
        mark = "✅" if registration.attended else "▫️"
        kb.button(
            text=f"{mark} {user.full_name}"[:60], callback_data=CommCb(action="mtog", id=m.meeting.id, user=user.id)
        )
    if not m.meeting.protocol_at:
        kb.button(text="📝 Протокол", callback_data=CommCb(action="mprot", id=m.meeting.id))
    kb.button(text="← К встречам", callback_data=CommCb(action="meet", id=m.community.id))
    return "\n".join(lines), kb.adjust(1).as_markup()


async def meetings_list(query: CallbackQuery, callback_data: CommCb, session: AsyncSession, identity: Identity) -> None:
    community, items = await meetings.recent(session, identity, callback_data.id)
    await ui.show(query, *list_view(community, items))


async def show_card(
    query: CallbackQuery, session: AsyncSession, identity: Identity, meeting_id: int, notice: str = ""
) -> None:
    m = await meetings.get(session, identity, meeting_id)
    await ui.show(query, *card_view(m, await meetings.attendance(session, m), notice))


async def meeting_card(query: CallbackQuery, callback_data: CommCb, session: AsyncSession, identity: Identity) -> None:
    await show_card(query, session, identity, callback_data.id)


async def ask_title(
    query: CallbackQuery, callback_data: CommCb, state: FSMContext, session: AsyncSession, identity: Identity
) -> None:
    community = (await common.require_manager(session, identity, callback_data.id)).community
    await state.set_state(CommunityFlow.meeting_title)
    await state.set_data({"id": community.id})
    await ui.show(query, ASK_TITLE)


async def got_title(message: Message, state: FSMContext) -> None:
    await state.update_data(title=message.text)
    await state.set_state(CommunityFlow.meeting_when)
    await message.answer(ASK_WHEN)


async def got_when(message: Message, state: FSMContext) -> None:
    await state.update_data(when=message.text)
    await state.set_state(CommunityFlow.meeting_where)
    await message.answer(ASK_WHERE)


async def got_where(
    message: Message, state: FSMContext, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    data = await state.get_data()
    try:
        m = await meetings.plan(
            session,
            identity,
            int(data.get("id") or 0),
            data.get("title", ""),
            data.get("when", ""),
            message.text,
            clock(),
        )
    except InvalidInput as exc:  # ask the three questions again, saying what was wrong
        await state.set_state(CommunityFlow.meeting_title)
        await message.answer(f"{exc.user_message}\n\n{ASK_TITLE}")
        return
    await state.clear()
    await message.answer(
        f"✅ Встреча «{esc(m.event.title)}» запланирована на {fmt(m.event.starts_at, m.event.timezone)}. "
        "Участники получат приглашение с кнопкой записи."
    )


async def toggle(
    query: CallbackQuery, callback_data: CommCb, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    await meetings.toggle_attended(session, identity, callback_data.id, callback_data.user, clock())
    await show_card(query, session, identity, callback_data.id, "Посещаемость отмечена.")


async def ask_protocol(
    query: CallbackQuery, callback_data: CommCb, state: FSMContext, session: AsyncSession, identity: Identity
) -> None:
    m = await meetings.get(session, identity, callback_data.id)
    if m.meeting.protocol_at is not None:
        raise InvalidInput(meetings.PROTOCOL_SAVED)
    await state.set_state(CommunityFlow.protocol)
    await state.set_data({"meeting": m.meeting.id})
    await ui.show(query, ASK_PROTOCOL)


async def got_protocol(
    message: Message, state: FSMContext, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    if not (message.text or message.document):
        raise InvalidInput("Протокол — это текст или документ с подписью. Пришлите его ещё раз.")
    preview = broadcasts.preview_of(message.text or message.caption, "[документ]")
    meeting_id = int((await state.get_data()).get("meeting") or 0)
    sent = await meetings.save_protocol(
        session, identity, meeting_id, message.chat.id, message.message_id, preview, clock()
    )
    await state.clear()
    await message.answer(f"✅ Протокол сохранён, встреча закрыта. Участникам отправляется копия: {sent}.")


ASK_PLAN = (
    "Пришлите план работы сообщества на год одним сообщением: встречи по месяцам и их темы "
    "(до 3000 символов). Его увидят участники в карточке сообщества. /cancel — отменить."
)


async def ask_plan(
    query: CallbackQuery, callback_data: CommCb, state: FSMContext, session: AsyncSession, identity: Identity
) -> None:
    community = (await common.require_manager(session, identity, callback_data.id)).community
    await state.set_state(CommunityFlow.plan)
    await state.set_data({"id": community.id})
    await ui.show(query, ASK_PLAN)


async def got_plan(message: Message, state: FSMContext, session: AsyncSession, identity: Identity) -> None:
    community = await manage.set_plan(session, identity, int((await state.get_data()).get("id") or 0), message.text)
    await state.clear()
    await message.answer(f"✅ План работы сообщества «{esc(community.title)}» сохранён. Он виден в /communities.")


def setup() -> Router:
    router = GatedRouter(name=__name__, who=Registered())
    router.callback_query.register(meetings_list, CommCb.filter(F.action == "meet"), flags=READ_ONLY)
    router.callback_query.register(meeting_card, CommCb.filter(F.action == "mcard"), flags=READ_ONLY)
    router.callback_query.register(ask_title, CommCb.filter(F.action == "mplan"))
    router.message.register(got_title, StateFilter(CommunityFlow.meeting_title), TYPED)
    router.message.register(got_when, StateFilter(CommunityFlow.meeting_when), TYPED)
    router.message.register(got_where, StateFilter(CommunityFlow.meeting_where), TYPED)
    router.callback_query.register(toggle, CommCb.filter(F.action == "mtog"))
    router.callback_query.register(ask_protocol, CommCb.filter(F.action == "mprot"))
    router.message.register(got_protocol, StateFilter(CommunityFlow.protocol), NOT_COMMAND)
    router.callback_query.register(ask_plan, CommCb.filter(F.action == "plan"))
    router.message.register(got_plan, StateFilter(CommunityFlow.plan), TYPED)
    return router
