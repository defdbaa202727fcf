"""The questionnaire dialog: when an attempt may start, start, restart, resume, answers saved the
moment they are tapped, «Назад», pause, completion with the area results. Ids and indexes come from
buttons, so every step re-checks the owner, status, message and index before it changes anything."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.infra.db import dialect_insert
from bot.services import content
from bot.services.content import Questionnaire
from bot.services.diagnosis.scoring import score_areas, variants_for
from bot.services.shared.errors import AccessDenied, InvalidInput
from bot.services.shared.timefmt import local
from models import AreaResult, AttemptStatus, ContentVersion, DiagnosisAnswer, DiagnosisAttempt, User

NOT_YOURS = "Это не ваша анкета."
FINISHED = "Эта диагностика уже завершена. Результат и новая попытка — /diagnostics."
ABANDONED = "Эту диагностику начали заново. Текущая анкета — /diagnostics."
OLD_MESSAGE = (
    "Эта кнопка из старого сообщения: анкета продолжается в последнем сообщении с вопросом (или /diagnostics)."
)


@dataclass
class Step:
    attempt: DiagnosisAttempt
    questionnaire: Questionnaire
    value: int | None = None  # the saved answer to the question shown (after «Назад»)

    @property
    def index(self) -> int:
        return self.attempt.current_index

    @property
    def finished(self) -> bool:
        return self.attempt.status == AttemptStatus.completed


@dataclass
class Option:
    questionnaire: Questionnaire
    last: DiagnosisAttempt | None
    next_allowed: datetime | None  # None: may start now


async def in_progress(session: AsyncSession, user_id: int) -> DiagnosisAttempt | None:
    return await session.scalar(
        select(DiagnosisAttempt)
        .where(DiagnosisAttempt.user_id == user_id, DiagnosisAttempt.status == AttemptStatus.in_progress)
        .order_by(DiagnosisAttempt.id.desc())
        .limit(1)
    )


async def unfinished(session: AsyncSession, user: User) -> Step | None:
    attempt = await in_progress(session, user.id)
    if attempt is None:
        return None
    return Step(attempt, await content.questionnaire(session, attempt.content_version_id))


async def options(session: AsyncSession, user: User, now: datetime) -> list[Option]:
    found = []
    for variant in variants_for(user):
        q = await content.current_questionnaire(session, variant)
        last = await latest_completed(session, user.id, variant)
        found.append(Option(q, last, _next_allowed(q, last, now)))
    return found


def _next_allowed(q: Questionnaire, last: DiagnosisAttempt | None, now: datetime) -> datetime | None:
    if last is None or last.completed_at is None:
        return None
    allowed = last.completed_at + timedelta(days=q.retake_interval_days)
    return allowed if allowed > now else None


async def latest_completed(session: AsyncSession, user_id: int, variant: str | None = None) -> DiagnosisAttempt | None:
    query = select(DiagnosisAttempt).where(
        DiagnosisAttempt.user_id == user_id, DiagnosisAttempt.status == AttemptStatus.completed
    )
    if variant is not None:
        query = query.where(DiagnosisAttempt.variant == variant)
    return await session.scalar(
        query.order_by(DiagnosisAttempt.completed_at.desc(), DiagnosisAttempt.id.desc()).limit(1)
    )


async def start(
    session: AsyncSession, user: User, variant: str, message_id: int | None, now: datetime
) -> tuple[Step, bool]:
    """A new attempt on the current questionnaire; a repeated «Начать» returns the running one."""
    if variant not in variants_for(user):
        raise AccessDenied("Анкета руководителя доступна руководителям и их заместителям.")
    # Serializes two concurrent «Начать» of one user on PostgreSQL (SQLite's BEGIN IMMEDIATE already does).
    await session.execute(select(User.id).where(User.id == user.id).with_for_update())
    running = await in_progress(session, user.id)
    if running is not None:
        if running.variant != variant:
            raise InvalidInput("Сначала завершите начатую диагностику: /diagnostics — продолжить или начать заново.")
        return Step(running, await content.questionnaire(session, running.content_version_id)), False
    q = await content.current_questionnaire(session, variant)
    allowed = _next_allowed(q, await latest_completed(session, user.id, variant), now)
    if allowed is not None:
        raise InvalidInput(f"Повторную диагностику можно пройти с {local(allowed, user.timezone):%d.%m.%Y}.")
    attempt = DiagnosisAttempt(
        user_id=user.id,
        variant=variant,
        content_version_id=q.content_version_id,
        status=AttemptStatus.in_progress,
        current_index=0,
        message_id=message_id,
        started_at=now,
    )
    session.add(attempt)
    await session.flush()
    return Step(attempt, q), True


async def restart(session: AsyncSession, user: User, attempt_id: int, message_id: int | None, now: datetime) -> Step:
    attempt = await owned(session, user, attempt_id)
    if attempt.status != AttemptStatus.in_progress:
        raise InvalidInput(FINISHED if attempt.status == AttemptStatus.completed else ABANDONED)
    attempt.status = AttemptStatus.abandoned
    attempt.message_id = None
    await session.flush()
    step, _ = await start(session, user, attempt.variant, message_id, now)
    return step


async def resume(session: AsyncSession, user: User, attempt_id: int) -> Step:
    attempt = await owned(session, user, attempt_id)
    if attempt.status != AttemptStatus.in_progress:
        raise InvalidInput(FINISHED if attempt.status == AttemptStatus.completed else ABANDONED)
    q = await content.questionnaire(session, attempt.content_version_id)
    return Step(attempt, q, await _saved(session, attempt.id, q.items[attempt.current_index].code))


async def owned(session: AsyncSession, user: User, attempt_id: int) -> DiagnosisAttempt:
    attempt = await session.get(DiagnosisAttempt, attempt_id)
    if attempt is None or attempt.user_id != user.id:
        raise AccessDenied(NOT_YOURS)
    return attempt


def _active_query():
    answered = (
        select(func.count())
        .where(DiagnosisAnswer.attempt_id == DiagnosisAttempt.id)
        .correlate(DiagnosisAttempt)
        .scalar_subquery()
    )
    return (
        select(DiagnosisAttempt, ContentVersion.kind, ContentVersion.checksum, answered)
        .join(ContentVersion)
        .where(DiagnosisAttempt.id == bindparam("attempt_id"))
        .with_for_update(of=DiagnosisAttempt)
    )


# The step's statements are built once (per database dialect for the upsert): every answer runs
# them, and building a statement per call costs more Python time than its round trip to SQLite.
ACTIVE_QUERY = _active_query()
_save_answer: dict[str, Any] = {}


def _save_answer_statement(session: AsyncSession) -> Any:
    dialect = session.bind.dialect.name
    if dialect not in _save_answer:
        insert = dialect_insert(session, DiagnosisAnswer).values(
            {name: bindparam(name) for name in ("attempt_id", "item_code", "area", "value", "answered_at")}
        )
        _save_answer[dialect] = insert.on_conflict_do_update(
            index_elements=["attempt_id", "item_code"],
            set_={"value": insert.excluded.value, "answered_at": insert.excluded.answered_at},
        )
    return _save_answer[dialect]


async def _active(
    session: AsyncSession, user: User, attempt_id: int, index: int, message_id: int | None
) -> tuple[DiagnosisAttempt, Questionnaire, int]:
    """The attempt a question button belongs to, after every check a stale or forged button fails,
    with how many questions are answered (always the first ones: nothing can be skipped)."""
    row = (await session.execute(ACTIVE_QUERY, {"attempt_id": attempt_id})).first()
    if row is None or row[0].user_id != user.id:
        raise AccessDenied(NOT_YOURS)
    attempt = row[0]
    if attempt.status != AttemptStatus.in_progress:
        raise InvalidInput(FINISHED if attempt.status == AttemptStatus.completed else ABANDONED)
    if message_id is None or message_id != attempt.message_id:
        raise InvalidInput(OLD_MESSAGE)
    q = await content.questionnaire_of(session, attempt.content_version_id, row[1], row[2])
    if index != attempt.current_index:
        raise InvalidInput(
            f"Кнопка устарела: сейчас открыт вопрос {attempt.current_index + 1} из {q.total}. "
            "Изменить прошлый ответ можно кнопкой «Назад»."
        )
    return attempt, q, row[3]


async def _saved(session: AsyncSession, attempt_id: int, item_code: str) -> int | None:
    return await session.scalar(
        select(DiagnosisAnswer.value).where(
            DiagnosisAnswer.attempt_id == attempt_id, DiagnosisAnswer.item_code == item_code
        )
    )


async def answer(
    session: AsyncSession, user: User, attempt_id: int, index: int, value: int, message_id: int | None, now: datetime
) -> Step:
    """Save one answer and move on; the last one completes the attempt and stores the results."""
    if value not in content.SCALE_VALUES:
        raise InvalidInput("Ответ должен быть от 0 до 3.")
    attempt, q, answered = await _active(session, user, attempt_id, index, message_id)
    item = q.items[index]
    await session.execute(
        _save_answer_statement(session),
        {"attempt_id": attempt.id, "item_code": item.code, "area": item.area, "value": value, "answered_at": now},
    )
    if index + 1 < q.total:
        attempt.current_index = index + 1
        # Only after «Назад» can the next question already hold an answer to show.
        kept = await _saved(session, attempt.id, q.items[index + 1].code) if answered > index + 1 else None
        return Step(attempt, q, kept)
    rows = await session.execute(
        select(DiagnosisAnswer.item_code, DiagnosisAnswer.value).where(DiagnosisAnswer.attempt_id == attempt.id)
    )
    answers = {code: saved for code, saved in rows}
    missing = [n for n, item in enumerate(q.items) if item.code not in answers]
    if missing:  # cannot happen through the buttons; never complete with a hole
        attempt.current_index = missing[0]
        return Step(attempt, q)
    session.add_all(
        AreaResult(
            attempt_id=attempt.id,
            area=s.area,
            score=s.score,
            max_score=s.max_score,
            zone=s.zone,
            point_deficits=list(s.point_deficits),
        )
        for s in score_areas(q, answers)
    )
    attempt.status, attempt.completed_at = AttemptStatus.completed, now
    await session.flush()
    return Step(attempt, q)


async def back(session: AsyncSession, user: User, attempt_id: int, index: int, message_id: int | None) -> Step:
    attempt, q, _ = await _active(session, user, attempt_id, index, message_id)
    if index == 0:
        raise InvalidInput("Это первый вопрос анкеты.")
    attempt.current_index = index - 1
    return Step(attempt, q, await _saved(session, attempt.id, q.items[index - 1].code))


async def pause(session: AsyncSession, user: User, attempt_id: int, index: int, message_id: int | None) -> Step:
    attempt, q, _ = await _active(session, user, attempt_id, index, message_id)
    return Step(attempt, q)


def show_in(step: Step, message_id: int) -> None:
    """The questionnaire moved to another message: buttons of the old one become stale."""
    step.attempt.message_id = message_id
