"""The user's rights under 152-ФЗ (the service side of handlers/onboarding/privacy.py): `export_data`
gathers everything stored about a person; `erase` blanks what identifies them, releases their seats
in events still to come and keeps position and organization for aggregate figures."""

from datetime import datetime
from html import escape

from sqlalchemy import Text, cast, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.communities import erasure as communities_erasure
from bot.services.courses import privacy as course_privacy
from bot.services.events import signups
from bot.services.lessons import privacy as lessons_privacy
from bot.services.objective_check import attempts as objective_checks
from bot.services.objective_check import review_requests
from bot.services.practices import privacy as practices_privacy
from bot.services.shared import audit, orgs, outbox, timefmt
from models import (
    AreaResult,
    AuditEntry,
    Broadcast,
    CheckIn,
    DiagnosisAnswer,
    DiagnosisAttempt,
    Event,
    EventFeedback,
    EventRegistration,
    FsmRecord,
    Invite,
    MentorPair,
    OutboxMessage,
    RoleGrant,
    Route,
    RouteComment,
    RouteStep,
    StepProposal,
    User,
)

ERASED = "(удалено по просьбе пользователя)"
ERASED_NAME = "(удалено)"  # in place of the name inside someone else's text
MIN_NAME_TO_SEARCH = 5


async def export_data(session: AsyncSession, user: User) -> dict:
    grants = await session.scalars(select(RoleGrant).where(RoleGrant.telegram_id == user.telegram_id))
    return {
        "telegram_id": user.telegram_id,
        "full_name": user.full_name,
        "position": user.position.value,
        "subjects": user.subjects,
        "experience_years": user.experience_years,
        "birth_year": user.birth_year,
        "organization": await orgs.display_name(session, user.organization_id),
        "timezone": user.timezone,
        "timezone_name": timefmt.label(user.timezone),
        "consent_at": user.consent_at.isoformat() if user.consent_at else None,
        "registered_at": user.created_at.isoformat(),
        "roles": [{"role": g.role.value, "scope_org_id": g.scope_org_id} for g in grants],
        **await _export_activity(session, user),
        "communities": await communities_erasure.export(session, user.id),  # issue 14
    }


async def erase(session: AsyncSession, user: User, policy: signups.SignupPolicy, now: datetime) -> None:
    """Blank everything that identifies the person; keep position and organization for aggregates."""
    telegram_id = user.telegram_id
    await _release_seats(session, user, policy, now)
    await session.execute(delete(RoleGrant).where(RoleGrant.telegram_id == telegram_id))
    await session.execute(update(Invite).where(Invite.created_by == telegram_id).values(created_by=0))
    await session.execute(delete(FsmRecord).where(FsmRecord.telegram_id == telegram_id))
    await session.execute(
        update(AuditEntry).where(AuditEntry.actor_telegram_id == telegram_id).values(actor_telegram_id=None)
    )
    await session.execute(update(AuditEntry).where(AuditEntry.target == f"tg:{telegram_id}").values(target="tg:erased"))
    await _erase_free_text(session, user.id)
    await _erase_mentions(session, user.full_name)
    await course_privacy.erase(session, user.id)
    await communities_erasure.leave_all(session, user.id, now)
    await practices_privacy.forget(session, user.id)
    await lessons_privacy.forget(session, user)
    await review_requests.forget(session, user)
    await session.execute(delete(OutboxMessage).where(OutboxMessage.chat_id == telegram_id))
    user.telegram_id = None
    user.full_name = None
    user.birth_year = None
    user.subjects = []
    user.consent_at = None
    user.is_active = False
    user.erased_at = now
    await audit.record(session, None, "user.erase", f"user:{user.id}")


async def _release_seats(session: AsyncSession, user: User, policy: signups.SignupPolicy, now: datetime) -> None:
    """Nobody can come in the erased person's place: their seats (and waitlist places) in events
    still to come go to the next in line. Past sign-ups stay for attendance figures."""
    event_ids = await session.scalars(
        select(EventRegistration.event_id)
        .join(Event, Event.id == EventRegistration.event_id)
        .where(
            EventRegistration.user_id == user.id, EventRegistration.status.in_(signups.ACTIVE), Event.starts_at > now
        )
        .order_by(EventRegistration.event_id)
    )
    for event_id in list(event_ids):
        await signups.cancel(session, user, event_id, policy, now)


async def _erase_free_text(session: AsyncSession, user_id: int) -> None:
    """What the person wrote may identify them: reflections, evidence, comments, reviews, check-ins."""
    route_ids = select(Route.id).where(Route.user_id == user_id)
    await session.execute(
        update(RouteStep).where(RouteStep.route_id.in_(route_ids)).values(reflection=None, evidence_file_id=None)
    )
    await session.execute(
        update(RouteStep)
        .where(RouteStep.route_id.in_(route_ids), RouteStep.deficit_kind == "own")
        .values(title=ERASED, task="", expected_result="")
    )  # steps the person wrote
    await session.execute(update(EventFeedback).where(EventFeedback.user_id == user_id).values(comment=None))
    await session.execute(update(RouteComment).where(RouteComment.author_id == user_id).values(text=ERASED))
    pairs = select(MentorPair.id).where(or_(MentorPair.mentor_id == user_id, MentorPair.mentee_id == user_id))
    await session.execute(
        update(MentorPair).where(MentorPair.id.in_(pairs)).values(mentor_review=None, mentee_review=None)
    )
    await session.execute(update(CheckIn).where(CheckIn.pair_id.in_(pairs)).values(discussed=ERASED, next_steps=""))


async def _erase_mentions(session: AsyncSession, name: str | None) -> None:
    """Others' screens wrote the person's name into stored texts: messages queued or sent to a
    mentor or a methodist (blanked, withdrawn if not sent), audit details, a broadcast's preview, a
    pair's goal, comments and proposals. A name too short to be told from ordinary words is left
    to the retention period (bot.services.shared.outbox.forget_sent_payloads)."""
    if name is None or len(name) < MIN_NAME_TO_SEARCH:
        return
    forms = sorted({name, escape(name)})
    await outbox.forget_mentions(session, forms)
    for form in forms:
        for column in (Broadcast.preview, MentorPair.goal, RouteComment.text, StepProposal.title):
            erased = func.replace(column, form, ERASED_NAME)
            if getattr(column.type, "length", None):
                erased = func.substr(erased, 1, column.type.length)
            await session.execute(
                update(column.class_)
                .where(column.contains(form, autoescape=True))
                .values({column.key: erased})
                .execution_options(synchronize_session=False)
            )
    json_forms = outbox.stored_forms(forms)
    details = cast(AuditEntry.details, Text)
    for entry in await session.scalars(
        select(AuditEntry).where(or_(*(details.contains(form, autoescape=True) for form in json_forms)))
    ):
        entry.details = {
            key: ERASED if isinstance(value, str) and any(form in value for form in forms) else value
            for key, value in entry.details.items()
        }


async def _export_activity(session: AsyncSession, user: User) -> dict:
    attempts = await session.scalars(
        select(DiagnosisAttempt).where(DiagnosisAttempt.user_id == user.id).order_by(DiagnosisAttempt.started_at)
    )
    diagnoses = []
    for attempt in attempts:
        results = await session.scalars(select(AreaResult).where(AreaResult.attempt_id == attempt.id))
        answers = await session.execute(
            select(DiagnosisAnswer.item_code, DiagnosisAnswer.value).where(DiagnosisAnswer.attempt_id == attempt.id)
        )
        diagnoses.append(
            {
                "variant": attempt.variant,
                "status": attempt.status.value,
                "started_at": attempt.started_at.isoformat(),
                "answers": dict(answers.all()),
                "areas": {r.area: {"score": r.score, "zone": r.zone} for r in results},
            }
        )
    steps = await session.scalars(
        select(RouteStep)
        .join(Route, Route.id == RouteStep.route_id)
        .where(Route.user_id == user.id)
        .order_by(RouteStep.route_id, RouteStep.position)
    )
    registrations = await session.execute(
        select(Event.title, Event.starts_at, EventRegistration.status, EventRegistration.attended)
        .join(Event, Event.id == EventRegistration.event_id)
        .where(EventRegistration.user_id == user.id)
    )
    feedback = await session.execute(
        select(Event.title, EventFeedback.rating, EventFeedback.comment)
        .join(Event, Event.id == EventFeedback.event_id)
        .where(EventFeedback.user_id == user.id)
    )
    return {
        "diagnoses": diagnoses,
        "route_steps": [
            {
                "title": s.title,
                "deadline": s.deadline.isoformat(),
                "status": s.status.value,
                "reflection": s.reflection,
                "evidence": s.evidence_kind,
            }
            for s in steps
        ],
        "event_registrations": [
            {"event": title, "starts_at": starts.isoformat(), "status": status.value, "attended": attended}
            for title, starts, status, attended in registrations
        ],
        "event_feedback": [
            {"event": title, "rating": rating, "comment": comment} for title, rating, comment in feedback
        ],
        "mentoring": await _export_mentoring(session, user),
        "courses": await course_privacy.export(session, user.id),  # issue 16
        "objective_checks": await objective_checks.export(session, user.id),  # issue 16
        "lesson_review_requests": await review_requests.export(session, user.id),
    }


async def _export_mentoring(session: AsyncSession, user: User) -> list[dict]:
    pairs = await session.scalars(
        select(MentorPair)
        .where(or_(MentorPair.mentor_id == user.id, MentorPair.mentee_id == user.id))
        .order_by(MentorPair.starts_on)
    )
    exported = []
    for pair in pairs:
        as_mentor = pair.mentor_id == user.id
        check_ins = await session.scalars(select(CheckIn).where(CheckIn.pair_id == pair.id).order_by(CheckIn.held_on))
        exported.append(
            {
                "role": "mentor" if as_mentor else "mentee",
                "type": pair.type.value,
                "goal": pair.goal,
                "starts_on": pair.starts_on.isoformat(),
                "planned_end": pair.planned_end.isoformat(),
                "status": pair.status.value,
                "my_review": pair.mentor_review if as_mentor else pair.mentee_review,
                "check_ins": [
                    {"held_on": c.held_on.isoformat(), "discussed": c.discussed, "next_steps": c.next_steps}
                    for c in check_ins
                ],
            }
        )
    return exported
