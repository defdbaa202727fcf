"""A finished diagnosis: its area results next to the previous attempt's with the changes, the
latest completed attempt of a user, and the areas a user has a deficit in."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import content
from bot.services.content import Questionnaire
from bot.services.diagnosis.attempts import latest_completed, owned
from bot.services.diagnosis.scoring import DEFICIT_ZONES, AreaChange, compare
from bot.services.shared.errors import InvalidInput
from models import AreaResult, AttemptStatus, DiagnosisAttempt, User


@dataclass
class Result:
    attempt: DiagnosisAttempt
    questionnaire: Questionnaire
    areas: list[AreaResult]
    previous: DiagnosisAttempt | None
    previous_areas: list[AreaResult]
    changes: dict[str, AreaChange]
    next_allowed: datetime | None  # None: a retake may start at once (a retake interval of 0)

    @property
    def overcome(self) -> list[str]:
        return [area for area, change in self.changes.items() if change.overcome]


async def result(session: AsyncSession, user: User, attempt_id: int) -> Result:
    attempt = await owned(session, user, attempt_id)
    if attempt.status != AttemptStatus.completed or attempt.completed_at is None:
        raise InvalidInput("Эта диагностика ещё не завершена: продолжить — /diagnostics.")
    q = await content.questionnaire(session, attempt.content_version_id)
    areas = await area_results(session, attempt.id)
    previous = await session.scalar(
        select(DiagnosisAttempt)
        .where(
            DiagnosisAttempt.user_id == user.id,
            DiagnosisAttempt.variant == attempt.variant,
            DiagnosisAttempt.status == AttemptStatus.completed,
            DiagnosisAttempt.id != attempt.id,
            DiagnosisAttempt.completed_at <= attempt.completed_at,
        )
        .order_by(DiagnosisAttempt.completed_at.desc(), DiagnosisAttempt.id.desc())
        .limit(1)
    )
    previous_areas = await area_results(session, previous.id) if previous is not None else []
    current = await content.current_questionnaire(session, attempt.variant)
    return Result(
        attempt,
        q,
        areas,
        previous,
        previous_areas,
        compare(q.scoring, areas, previous_areas),
        attempt.completed_at + timedelta(days=current.retake_interval_days) if current.retake_interval_days else None,
    )


async def area_results(session: AsyncSession, attempt_id: int) -> list[AreaResult]:
    return list(
        await session.scalars(select(AreaResult).where(AreaResult.attempt_id == attempt_id).order_by(AreaResult.id))
    )


async def deficit_areas(session: AsyncSession, user_id: int) -> set[str]:
    """Areas in the severe or partial zone of the latest completed attempt (any variant)."""
    latest = await latest_completed(session, user_id)
    if latest is None:
        return set()
    return {r.area for r in await area_results(session, latest.id) if r.zone in DEFICIT_ZONES}
