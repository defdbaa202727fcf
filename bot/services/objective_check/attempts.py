"""A teacher taking the objective check of one area: start (or pick up the running one), answer one
question at a time, grade on the server, and the side-by-side of self-assessment and check.

State is the ObjectiveCheck row: a press carries only the question's index and the option number,
the running check is found by its owner, so a restart loses nothing and a key never leaves here.
A check is asked and graded from the bank version it started on (bank.of_version): an upload
through /content changes what new checks ask, never a check already under way or done."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import content
from bot.services.objective_check import bank, scoring
from bot.services.shared.errors import InvalidInput
from models import AreaResult, AttemptStatus, DiagnosisAttempt, ObjectiveCheck, User

STALE = "Этот вопрос уже позади: отвечайте на вопрос в последнем сообщении проверки (/check)."
OUTDATED = "Задания проверки обновились. Начните её заново: /check"


@dataclass(frozen=True)
class Question:
    check: ObjectiveCheck
    index: int
    total: int
    task: bank.PublicTask


async def running(session: AsyncSession, user_id: int) -> ObjectiveCheck | None:
    return await session.scalar(
        select(ObjectiveCheck)
        .where(ObjectiveCheck.user_id == user_id, ObjectiveCheck.status == AttemptStatus.in_progress)
        .order_by(ObjectiveCheck.id.desc())
        .limit(1)
    )


async def self_assessment(session: AsyncSession, user_id: int) -> tuple[int | None, dict[str, str]]:
    """The latest completed teacher diagnosis and its zone per area (none yet: empty)."""
    attempt_id = await session.scalar(
        select(DiagnosisAttempt.id)
        .where(
            DiagnosisAttempt.user_id == user_id,
            DiagnosisAttempt.status == AttemptStatus.completed,
            DiagnosisAttempt.variant == "teacher",
        )
        .order_by(DiagnosisAttempt.completed_at.desc(), DiagnosisAttempt.id.desc())
        .limit(1)
    )
    if attempt_id is None:
        return None, {}
    rows = await session.execute(select(AreaResult.area, AreaResult.zone).where(AreaResult.attempt_id == attempt_id))
    return attempt_id, {area: zone for area, zone in rows}


def question(check: ObjectiveCheck, tasks: dict) -> Question:
    """The next question of `check`; `tasks`: the bank of the check's own version."""
    index = len(check.answers)
    found = bank.task(tasks, check.area, check.tasks[index])
    if found is None:  # a hand-made version row without the task: nothing sensible to ask
        raise InvalidInput(OUTDATED)
    return Question(check, index, len(check.tasks), bank.public(found))


async def start(session: AsyncSession, user: User, area: str, now: datetime) -> Question:
    """The first question of a new check of `area` on the current bank; the running check of the
    same area is picked up where it stopped (a double tap, or /check again), on its own version
    even if a new bank was loaded since; one of another area is abandoned."""
    data = await bank.current(session)
    if area not in data["areas"]:
        raise InvalidInput("Такой области нет в проверке. Выберите область кнопкой: /check")
    await session.execute(select(User.id).where(User.id == user.id).with_for_update())
    current = await running(session, user.id)
    if current is not None and current.area == area:
        own = await bank.of_version(session, current.bank_version)
        if own is not None and bank.task(own, area, current.tasks[len(current.answers)]) is not None:
            return question(current, own)
    if current is not None:
        current.status = AttemptStatus.abandoned
    attempt_id, zones = await self_assessment(session, user.id)
    check = ObjectiveCheck(
        user_id=user.id,
        area=area,
        bank_version=data["version"],
        tasks=[t["code"] for t in data["areas"][area]],
        answers=[],
        status=AttemptStatus.in_progress,
        diagnosis_attempt_id=attempt_id,
        self_zone=zones.get(area),
        started_at=now,
    )
    session.add(check)
    await session.flush()
    return question(check, data)


def show_in(check: ObjectiveCheck, message_id: int | None) -> None:
    """The message now holding the question: only its buttons count from here on."""
    check.message_id = message_id


async def answer(
    session: AsyncSession, user: User, index: int, option: int, message_id: int | None, now: datetime
) -> Question | ObjectiveCheck:
    """Record `option` for question `index`; the next question, or the completed check."""
    # Two presses at once (PostgreSQL): the second waits and then finds its question already answered.
    await session.execute(select(User.id).where(User.id == user.id).with_for_update())
    check = await running(session, user.id)
    if check is None or check.message_id != message_id or index != len(check.answers):
        raise InvalidInput(STALE)
    own = await bank.of_version(session, check.bank_version)
    if own is None:  # its version is gone (never happens through /content): start() begins anew
        raise InvalidInput(OUTDATED)
    if not 1 <= option <= len(question(check, own).task.options):
        raise InvalidInput("Такого варианта нет. Выберите вариант кнопкой под вопросом.")
    check.answers = [*check.answers, option]  # a new list: JSON columns track assignment, not mutation
    if len(check.answers) < len(check.tasks):
        return question(check, own)
    await _grade(session, check, own, now)
    return check


async def _grade(session: AsyncSession, check: ObjectiveCheck, data: dict, now: datetime) -> None:
    """On the bank the check was taken on: its keys, whatever version is current now."""
    check.correct = sum(
        bank.is_correct(data, check.area, code, chosen) for code, chosen in zip(check.tasks, check.answers, strict=True)
    )
    check.score = scoring.score(check.correct, len(check.tasks))
    q = await content.current_questionnaire(session, "teacher")
    zones = [{"code": z.code, "min": z.min, "max": z.max} for z in q.scoring.zones]
    check.zone = scoring.zone_of(check.score, zones)
    check.status = AttemptStatus.completed
    check.completed_at = now


async def latest_checks(session: AsyncSession, user_id: int) -> dict[str, ObjectiveCheck]:
    """The latest completed check per area."""
    rows = await session.scalars(
        select(ObjectiveCheck)
        .where(ObjectiveCheck.user_id == user_id, ObjectiveCheck.status == AttemptStatus.completed)
        .order_by(ObjectiveCheck.completed_at, ObjectiveCheck.id)
    )
    return {row.area: row for row in rows}


async def side_by_side(
    session: AsyncSession, user_id: int, done: ObjectiveCheck
) -> list[tuple[ObjectiveCheck, scoring.Comparison | None]]:
    """The areas checked against the same self-assessment as `done` (the latest check of each), each
    with its comparison (None: no self-assessment then); the same pairs the ИОМ follows."""
    rows = [
        check
        for area, check in sorted((await latest_checks(session, user_id)).items())
        if check.diagnosis_attempt_id == done.diagnosis_attempt_id
    ]
    return [
        (check, scoring.Comparison(check.area, check.self_zone, check.zone) if check.self_zone else None)
        for check in rows
    ]


async def export(session: AsyncSession, user_id: int) -> list[dict]:
    """A person's checks in their data export (/my_data): area, answers chosen and the result."""
    rows = await session.scalars(
        select(ObjectiveCheck).where(ObjectiveCheck.user_id == user_id).order_by(ObjectiveCheck.id)
    )
    return [
        {
            "area": c.area,
            "status": c.status.value,
            "started_at": c.started_at.isoformat(),
            "answers": list(c.answers),
            "correct": c.correct,
            "score": c.score,
            "zone": c.zone,
            "self_zone": c.self_zone,
        }
        for c in rows
    ]
