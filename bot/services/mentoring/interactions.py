"""What the two sides of an active pair do: the mentor comments on the mentee's ИОМ, approves it,
proposes steps (the mentee accepts or declines) and records check-ins; either side writes to the
other through the bot."""

from dataclasses import dataclass
from datetime import date, datetime
from html import escape

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import route as routes
from bot.services.mentoring.access import member_pair, mentor_pair
from bot.services.mentoring.common import tell
from bot.services.mentoring.rules import MAX_TEXT, parse_day
from bot.services.route.plan import add_months
from bot.services.shared import outbox
from bot.services.shared.errors import InvalidInput, NotFound
from bot.services.shared.validation import clean_text
from models import (
    CheckIn,
    MentorPair,
    PairStatus,
    ProposalStatus,
    Route,
    RouteComment,
    RouteStep,
    StepProposal,
    StepStatus,
    User,
)


async def _mentee_route(session: AsyncSession, pair: MentorPair) -> tuple[User, Route]:
    mentee = await session.get(User, pair.mentee_id)
    route = await routes.current(session, mentee)
    if route is None:
        raise InvalidInput("У подопечного пока нет ИОМ: он появится после самодиагностики.")
    return mentee, route


async def route_steps(session: AsyncSession, mentor: User, pair_id: int) -> list[RouteStep]:
    pair = await mentor_pair(session, mentor, pair_id)
    _, route = await _mentee_route(session, pair)
    return await routes.steps_of(session, route.id)


async def comment(
    session: AsyncSession, mentor: User, pair_id: int, step_id: int | None, text: str | None
) -> RouteComment:
    pair = await mentor_pair(session, mentor, pair_id)
    mentee, route = await _mentee_route(session, pair)
    step = None
    if step_id:
        step = await session.get(RouteStep, step_id)
        if step is None or step.route_id != route.id or step.status == StepStatus.removed:
            raise NotFound("Шаг не найден в текущем ИОМ подопечного: возможно, маршрут перестроен.")
    note = RouteComment(
        route_id=route.id,
        step_id=step.id if step else None,
        author_id=mentor.id,
        text=clean_text(text, MAX_TEXT, "Комментарий"),
    )
    session.add(note)
    await session.flush()
    where = f"к шагу «{escape(step.title)}»" if step else "к вашему ИОМ"
    buttons = [[outbox.button("Открыть шаг", "route_step", step_id=step.id)]] if step else None
    await tell(
        session,
        mentee,
        f"route_comment:{note.id}",
        f"💬 Комментарий наставника {where}\nНаставник: {escape(mentor.full_name or '')}\n\n{escape(note.text)}"
        + ("" if step else "\n\nВаш маршрут — /route"),
        buttons,
    )
    return note


async def approve_route(session: AsyncSession, mentor: User, pair_id: int, now: datetime) -> Route:
    pair = await mentor_pair(session, mentor, pair_id)
    _, route = await _mentee_route(session, pair)
    return await routes.approve(session, route.id, mentor.telegram_id, now)  # a double tap is harmless there


def parse_deadline(text: str | None, today: date) -> date:
    day = parse_day(text)
    if day <= today:
        raise InvalidInput("Срок должен быть в будущем.")
    if day > add_months(today, 12):
        raise InvalidInput("Срок — не дальше чем через год.")
    return day


async def proposal_deadline(session: AsyncSession, mentor: User, pair_id: int, text: str | None, now: datetime) -> date:
    pair = await mentor_pair(session, mentor, pair_id)
    return parse_deadline(text, routes.today(await session.get(User, pair.mentee_id), now))


async def propose_step(
    session: AsyncSession, mentor: User, pair_id: int, title: str | None, deadline: date
) -> StepProposal:
    pair = await mentor_pair(session, mentor, pair_id)
    mentee, _ = await _mentee_route(session, pair)
    proposal = StepProposal(
        pair_id=pair.id, title=routes.parse_title(title), deadline=deadline, status=ProposalStatus.pending
    )
    session.add(proposal)
    await session.flush()
    await tell(
        session,
        mentee,
        f"proposal:{proposal.id}",
        f"📌 Наставник {escape(mentor.full_name or '')} предлагает шаг в ваш ИОМ:\n"
        f"<b>{escape(proposal.title)}</b>\nСрок: {deadline:%d.%m.%Y}",
        [
            [
                outbox.button("✅ Добавить в ИОМ", "proposal", proposal_id=proposal.id, accept=True),
                outbox.button("Отказаться", "proposal", proposal_id=proposal.id, accept=False),
            ]
        ],
    )
    return proposal


async def answer_proposal(
    session: AsyncSession, mentee: User, proposal_id: int, accept: bool
) -> tuple[StepProposal, RouteStep | None]:
    proposal = await session.get(StepProposal, proposal_id)
    pair = await session.get(MentorPair, proposal.pair_id) if proposal else None
    if pair is None or pair.mentee_id != mentee.id:
        raise NotFound("Предложение не найдено.")
    if proposal.status != ProposalStatus.pending:
        raise InvalidInput("Вы уже ответили на это предложение.")
    if pair.status != PairStatus.active:
        raise InvalidInput("Наставничество уже завершено.")
    step = None
    if accept:
        step = await routes.add_own(session, mentee, proposal.title, proposal.deadline)
        step.task = "Шаг, предложенный наставником"
    proposal.status = ProposalStatus.accepted if accept else ProposalStatus.declined
    verdict = "добавил(а) в свой ИОМ" if accept else "отказался(лась) от"
    await tell(
        session,
        await session.get(User, pair.mentor_id),
        f"proposal_answer:{proposal.id}",
        f"{escape(mentee.full_name or '')} {verdict} шаг «{escape(proposal.title)}».",
    )
    return proposal, step


def parse_checkin_day(text: str | None, pair: MentorPair, today: date) -> date:
    return check_checkin_day(parse_day(text), pair, today)


def check_checkin_day(day: date, pair: MentorPair, today: date) -> date:
    if day > today:
        raise InvalidInput("Дата встречи не может быть в будущем.")
    if day < pair.starts_on:
        raise InvalidInput(f"Наставничество началось {pair.starts_on:%d.%m.%Y}: встреча не может быть раньше.")
    return day


async def checkin_day(session: AsyncSession, mentor: User, pair_id: int, text: str | None, now: datetime) -> date:
    pair = await mentor_pair(session, mentor, pair_id)
    return parse_checkin_day(text, pair, routes.today(mentor, now))


async def log_checkin(
    session: AsyncSession,
    mentor: User,
    pair_id: int,
    held_on: date,
    discussed: str | None,
    next_steps: str | None,
    now: datetime,
) -> CheckIn:
    pair = await mentor_pair(session, mentor, pair_id)
    held_on = check_checkin_day(held_on, pair, routes.today(mentor, now))
    steps = (next_steps or "").strip()
    checkin = CheckIn(
        pair_id=pair.id,
        held_on=held_on,
        discussed=clean_text(discussed, MAX_TEXT, "Что обсуждали"),
        next_steps="" if steps in ("", "-", "—") else clean_text(steps, MAX_TEXT, "Договорённости"),
    )
    session.add(checkin)
    pair.escalation_level = 0
    await session.flush()
    await outbox.cancel_pending(session, f"checkin:{pair.id}:")
    await outbox.cancel_pending(session, f"escalation:{pair.id}:")  # a queued alarm is moot now
    agreed = f"\n<b>Договорились:</b> {escape(checkin.next_steps)}" if checkin.next_steps else ""
    await tell(
        session,
        await session.get(User, pair.mentee_id),
        f"checkin_copy:{checkin.id}",
        f"📝 Встреча с наставником {held_on:%d.%m.%Y}\nНаставник: {escape(mentor.full_name or '')}\n"
        f"<b>Обсуждали:</b> {escape(checkin.discussed)}{agreed}",
    )
    return checkin


@dataclass(frozen=True)
class Relay:
    pair_id: int
    recipient: User
    text: str  # ready HTML: the sender's words escaped under a header
    reachable: bool  # False: the recipient blocked the bot, nothing was queued


async def relay_peer(session: AsyncSession, user: User, pair_id: int) -> tuple[MentorPair, User]:
    pair = await member_pair(session, user, pair_id)
    peer = await session.get(User, pair.mentee_id if user.id == pair.mentor_id else pair.mentor_id)
    if peer is None or peer.telegram_id is None:
        raise InvalidInput("Собеседник удалил свои данные из бота: сообщение не доставить.")
    return pair, peer


async def relay(session: AsyncSession, user: User, pair_id: int, text: str | None, source_message_id: int) -> Relay:
    """A message through the bot: neither side learns the other's account, username or phone.
    Queued in the outbox keyed by the sender's message, so a redelivered update relays it once;
    urgent, because it is one person writing to another, not the bot's own news."""
    pair, peer = await relay_peer(session, user, pair_id)
    body = clean_text(text, MAX_TEXT, "Сообщение")
    # Names stay in the nominative after a label: Russian names do not decline reliably by rule.
    sender, role = ("наставника", "Наставник") if user.id == pair.mentor_id else ("подопечного", "Подопечный")
    relayed = Relay(
        pair.id,
        peer,
        f"✉️ Сообщение от {sender}\n{role}: <b>{escape(user.full_name or '')}</b>\n\n{escape(body)}",
        reachable=peer.is_active,
    )
    if relayed.reachable:
        await outbox.enqueue(
            session,
            key=f"relay:{user.id}:{source_message_id}",
            chat_id=peer.telegram_id,
            purpose="mentoring_relay",
            text=relayed.text,
            urgent=True,
            timezone=peer.timezone,
            buttons=[[outbox.button("↩️ Ответить", "relay_reply", pair_id=pair.id)]],
        )
    return relayed
