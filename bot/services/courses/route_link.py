"""A verified course completes the matching formal step of the teacher's ИОМ: the step the teacher
linked it to, else the soonest planned formal step of the same area. The certificate is the evidence."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.route.common import refresh
from bot.services.shared import outbox
from models import CourseRecord, Route, RouteStatus, RouteStep, StepStatus

# A draft route is not agreed yet: its steps are not marked, as the teacher could not mark them either.
MARKABLE = (RouteStatus.approved, RouteStatus.active, RouteStatus.completed)


async def complete_step(session: AsyncSession, record: CourseRecord, now: datetime) -> RouteStep | None:
    base = (
        select(Route, RouteStep)
        .join(RouteStep, RouteStep.route_id == Route.id)
        .where(
            Route.user_id == record.user_id,
            Route.status.in_(MARKABLE),
            RouteStep.status == StepStatus.planned,
            RouteStep.form == "formal",
        )
    )
    row = None
    if record.step_id:
        row = (await session.execute(base.where(RouteStep.id == record.step_id))).first()
    if row is None and record.area:
        query = base.where(RouteStep.area == record.area).order_by(RouteStep.deadline, RouteStep.position).limit(1)
        row = (await session.execute(query)).first()
    if row is None:
        return None
    route, step = row
    step.status, step.done_at = StepStatus.done, now
    step.reflection = f"Курс «{record.title}», {record.hours} ч ({record.provider}) — подтверждён методистом."[:2000]
    step.evidence_file_id, step.evidence_kind = record.certificate_file_id, record.certificate_kind
    record.step_id = step.id
    await outbox.cancel_pending(session, f"nudge:{step.id}:")
    await session.flush()
    await refresh(session, route)
    return step
