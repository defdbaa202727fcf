"""Event reminders: one outbox row per registration and offset before the start, scheduled when a
seat is taken and rescheduled when the event's start time moves.
"""

from datetime import datetime, timedelta
from html import escape

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.events.seats import SignupPolicy
from bot.services.shared import outbox
from bot.services.shared.timefmt import fmt
from models import Event, EventRegistration, OutboxMessage, OutboxStatus, RegistrationStatus, User


async def schedule_reminders(
    session: AsyncSession,
    registration: EventRegistration,
    event: Event,
    user: User,
    policy: SignupPolicy,
    now: datetime,
) -> None:
    """One outbox row per offset; the key carries the start time, so a moved event reschedules."""
    if user.telegram_id is None:
        return
    for offset in policy.reminder_offsets_h:
        due = event.starts_at - timedelta(hours=offset)
        if due <= now:
            continue
        where = event.online_url or event.place or ""
        key = f"reminder:{registration.id}:{offset:g}:{event.starts_at.timestamp():.0f}"
        # A cancel-then-sign-up-again (or an event moved back) reuses the key of a withdrawn row,
        # which would make the enqueue below a silent no-op: drop the withdrawn row first.
        await session.execute(
            delete(OutboxMessage).where(
                OutboxMessage.idempotency_key == key, OutboxMessage.status == OutboxStatus.cancelled
            )
        )
        await outbox.enqueue(
            session,
            key=key,
            chat_id=user.telegram_id,
            purpose="event_reminder",
            due_at=due,
            timezone=user.timezone,
            quiet_exempt_before=event.starts_at,
            text=(
                f"⏰ Напоминание: «{escape(event.title)}» начнётся {fmt(event.starts_at, user.timezone)}."
                + (f"\n{escape(where)}" if where else "")
            ),
        )


async def reschedule_reminders(session: AsyncSession, event: Event, policy: SignupPolicy, now: datetime) -> None:
    """After the start time moved: withdraw old reminders and schedule new ones."""
    registrations = await session.scalars(
        select(EventRegistration).where(
            EventRegistration.event_id == event.id, EventRegistration.status == RegistrationStatus.registered
        )
    )
    for registration in registrations:
        await outbox.cancel_pending(session, f"reminder:{registration.id}:")
        user = await session.get(User, registration.user_id)
        if user is not None:
            await schedule_reminders(session, registration, event, user, policy, now)
