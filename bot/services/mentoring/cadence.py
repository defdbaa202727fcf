"""Check-in cadence: a reminder to the mentor when a meeting is due, escalations to methodists when
a pair keeps silent (level 1 after twice the cadence, level 2 after three times)."""

from datetime import date, datetime, timedelta
from html import escape

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.services import route as routes
from bot.services.mentoring.common import tell
from bot.services.mentoring.rules import cadence_label
from bot.services.shared import orgs, outbox, roles
from models import CheckIn, MentorPair, PairStatus, User


def checkin_state(anchor: date, cadence_days: int, today: date) -> tuple[date | None, int]:
    """For a pair last met (or started) on `anchor`: the due date of the reminder owed now (None
    when the next meeting is not due yet) and the escalation level: 1 after twice the cadence
    without a check-in, 2 after three times."""
    silent = (today - anchor).days
    if silent < cadence_days:
        return None, 0
    due = anchor + timedelta(days=cadence_days * (silent // cadence_days))
    return due, 2 if silent >= 3 * cadence_days else 1 if silent >= 2 * cadence_days else 0


async def enqueue_checkin_reminders_and_escalations(session: AsyncSession, now: datetime) -> int:
    """Periodic and idempotent: a reminder per due date to the mentor, and an escalation per level
    to methodists, keyed on the last check-in so that logging a check-in starts afresh."""
    last = select(CheckIn.pair_id, func.max(CheckIn.held_on).label("held_on")).group_by(CheckIn.pair_id).subquery()
    mentors, mentees = aliased(User), aliased(User)
    rows = (
        await session.execute(
            select(MentorPair, mentors, mentees, last.c.held_on)
            .join(mentors, mentors.id == MentorPair.mentor_id)
            .join(mentees, mentees.id == MentorPair.mentee_id)
            .outerjoin(last, last.c.pair_id == MentorPair.id)
            .where(MentorPair.status == PairStatus.active)
        )
    ).all()
    queued = 0
    for pair, mentor, mentee, held_on in rows:
        anchor = held_on or pair.starts_on
        due, level = checkin_state(anchor, pair.cadence_days, routes.today(mentor, now))
        if due is None:
            continue
        since = f"последняя встреча — {held_on:%d.%m.%Y}" if held_on else f"встреч ещё не было (с {anchor:%d.%m.%Y})"
        queued += await tell(
            session,
            mentor,
            f"checkin:{pair.id}:{due.isoformat()}",
            f"📅 Пора встретиться с подопечным.\nПодопечный: {escape(mentee.full_name or '')}\nВстречи "
            f"{cadence_label(pair.cadence_days)}, {since}. После встречи запишите её в карточке.",
            [[outbox.button("Открыть карточку", "mentee_open", pair_id=pair.id)]],
            "mentor_checkin",
        )
        told: set[int] = set()  # when both levels fall due at once, nobody gets the alarm twice
        for step in range(pair.escalation_level + 1, level + 1):
            text = (
                f"⚠️ Наставническая пара без встреч {(routes.today(mentor, now) - anchor).days} дн.: наставник "
                f"{escape(mentor.full_name or '—')} — подопечный {escape(mentee.full_name or '—')} "
                f"({escape(await orgs.display_name(session, mentee.organization_id))}). "
                f"План — {cadence_label(pair.cadence_days)}, {since}."
            )
            for telegram_id, zone in await roles.methodists_near(
                session, mentee.organization_id, step, mentor.telegram_id
            ):
                if telegram_id in told:
                    continue
                told.add(telegram_id)
                queued += await outbox.enqueue(
                    session,
                    key=f"escalation:{pair.id}:{anchor.isoformat()}:{step}:{telegram_id}",
                    chat_id=telegram_id,
                    purpose="mentor_escalation",
                    text=text,
                    timezone=zone,
                    buttons=[[outbox.button("Открыть пару", "pair_card", pair_id=pair.id)]],
                )
        pair.escalation_level = max(pair.escalation_level, level)
    return queued
