"""/delete_me reaches every stored text that names the person (messages sent or queued to her
mentor and to methodists, her lesson-review requests, audit details, a pair's goal, a broadcast
preview), and finished outbox messages lose their text after the retention period."""

import json
from datetime import timedelta
from html import escape

from sqlalchemy import func, select, text, update

from bot.services.mentoring import cadence, pairing
from bot.services.shared import audit, outbox, roles
from handlers.objective_check.ui import CheckCb
from models import (
    AuditEntry,
    Base,
    Broadcast,
    LessonReviewRequest,
    MentorPair,
    OutboxMessage,
    OutboxStatus,
    PairType,
    User,
    utcnow,
)
from tests.support.factories import delivery_worker, make_methodist, register

NAME = "Сидоренко Юлиана O'Нил"  # Cyrillic (escaped as \uXXXX in SQLite's JSON) and an apostrophe


def forms(name: str) -> set[str]:
    """Every way the name can sit in the database: plain, HTML-escaped, and JSON-escaped."""
    plain = {name, escape(name), "Юлиана O", "Юлиана O&#x27;Нил"}
    return plain | {json.dumps(form)[1:-1] for form in plain}


async def traces(sessionmaker, name: str) -> list[tuple[str, str]]:
    """(table, value) for every stored value that contains the name in any form, read raw."""
    found = []
    async with sessionmaker() as session:
        for table in Base.metadata.sorted_tables:
            for row in await session.execute(text(f'SELECT * FROM "{table.name}"')):
                for value in row:
                    if isinstance(value, str) and any(form in value for form in forms(name)):
                        found.append((table.name, value))
    return found


async def user_id(sessionmaker, telegram_id: int) -> int:
    async with sessionmaker() as session:
        return await session.scalar(select(User.id).where(User.telegram_id == telegram_id))


async def test_delete_me_leaves_no_trace_of_the_name(harness, sessionmaker):
    methodist = await make_methodist(harness, sessionmaker, 851, "г. Новочеркасск")
    mentor = harness.user(852)
    await register(mentor, name="Опытная Мария Ивановна")
    mentee = harness.user(853)
    await register(mentee, name=NAME)
    mentee_id, mentor_id = await user_id(sessionmaker, 853), await user_id(sessionmaker, 852)
    async with sessionmaker() as session, session.begin():
        identity = await roles.load_identity(session, methodist.id, [])
        pair = await pairing.create_pair(
            session,
            identity,
            mentee_id,
            mentor_id,
            PairType.subject,
            f"Адаптация: {NAME} осваивает ФГОС",
            utcnow(),
        )
        pair_id = pair.id
        session.add(
            Broadcast(author_telegram_id=851, source_chat_id=851, source_message_id=1, preview=f"Поздравляем, {NAME}!")
        )
        await audit.record(session, 851, "broadcast.create", "broadcast:1", preview=f"Поздравляем, {NAME}!")
        await outbox.enqueue(session, key="unrelated", chat_id=852, purpose="test", text="Семинар завтра в 15:00")
    # The mentee writes to her mentor; the notices and the relay are delivered.
    await mentee.send("/mentor")
    await mentee.press("Написать")
    await mentee.send("Здравствуйте! Когда встретимся?")
    worker, api = delivery_worker(sessionmaker)
    await worker.run_once()
    assert any(NAME.split()[0] in r.text for r in api.sent(chat_id=852))
    # Months without a meeting: escalations naming her are queued for methodists (one still pending).
    async with sessionmaker() as session, session.begin():
        await cadence.enqueue_checkin_reminders_and_escalations(session, utcnow() + timedelta(days=60))
        escalated = list(
            await session.scalars(select(OutboxMessage).where(OutboxMessage.purpose == "mentor_escalation"))
        )
    assert escalated and all(NAME.split()[0] in m.payload["text"] for m in escalated)
    # She asks for a lesson review: her mentor and the methodist are told, naming her.
    assert "Запрос на разбор урока отправлен" in (await mentee.click(CheckCb(action="review")))[-1]
    assert await traces(sessionmaker, NAME)  # the test can see the name where it is

    await mentee.send("/delete_me")
    assert "удалены" in (await mentee.press("Да, удалить"))[-1]

    assert await traces(sessionmaker, NAME) == []
    async with sessionmaker() as session:
        messages = list(await session.scalars(select(OutboxMessage).where(OutboxMessage.chat_id != 853)))
        kept = await session.get(MentorPair, pair_id)
        grants = list(await session.scalars(select(AuditEntry).where(AuditEntry.action == "broadcast.create")))
        requests = await session.scalar(select(func.count()).select_from(LessonReviewRequest))
    assert requests == 0
    mentioned = [m for m in messages if m.payload == outbox.BLANK]
    assert {m.purpose for m in mentioned} >= {
        "mentoring",
        "mentoring_relay",
        "mentor_escalation",
        "lesson_review_request",
    }
    assert all(m.status != OutboxStatus.pending for m in mentioned)  # withdrawn, not sent blank
    assert [m.payload["text"] for m in messages if m.payload != outbox.BLANK] == ["Семинар завтра в 15:00"]
    assert kept.goal == "Адаптация: (удалено) осваивает ФГОС"
    assert grants[0].details["preview"] == "(удалено по просьбе пользователя)"
    # The mentor's own name stays wherever it was.
    assert await traces(sessionmaker, "Опытная Мария Ивановна")


async def test_finished_messages_lose_their_text_after_the_retention_period(harness, sessionmaker):
    now = utcnow()
    async with sessionmaker() as session, session.begin():
        for key, status, sent_days_ago in (
            ("old-sent", OutboxStatus.sent, 8),
            ("old-failed", OutboxStatus.failed, 9),
            ("old-cancelled", OutboxStatus.cancelled, 30),
            ("recent-sent", OutboxStatus.sent, 6),
            ("old-pending", OutboxStatus.pending, 10),
        ):
            await outbox.enqueue(session, key=key, chat_id=861, purpose="test", text=f"Текст {key} для Юлианы")
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.idempotency_key == key)
                .values(
                    status=status,
                    due_at=now - timedelta(days=sent_days_ago),
                    sent_at=now - timedelta(days=sent_days_ago) if status == OutboxStatus.sent else None,
                )
            )
    async with sessionmaker() as session, session.begin():
        assert await outbox.forget_sent_payloads(session, now - timedelta(days=harness.settings.outbox_retention_days))
    async with sessionmaker() as session, session.begin():  # a second run finds nothing left to blank
        assert await outbox.forget_sent_payloads(session, now - timedelta(days=7)) == 0
    async with sessionmaker() as session:
        payloads = dict((await session.execute(select(OutboxMessage.idempotency_key, OutboxMessage.payload))).all())
    assert payloads["old-sent"] == payloads["old-failed"] == payloads["old-cancelled"] == {}
    assert payloads["recent-sent"]["text"] == "Текст recent-sent для Юлианы"
    assert payloads["old-pending"]["text"] == "Текст old-pending для Юлианы"  # not yet delivered
    assert harness.settings.outbox_retention_days == 7


async def test_the_retention_job_is_scheduled_with_the_setting(harness, sessionmaker):
    from bot.scheduler import Jobs

    jobs = Jobs(
        harness.bot, sessionmaker, harness.settings.model_copy(update={"outbox_retention_days": 3}), None, utcnow
    )
    assert jobs.scheduler.get_job("outbox_retention") is not None and jobs.retention == timedelta(days=3)
    await jobs.outbox_retention()


async def test_shutdown_lets_a_running_job_finish_its_transaction(harness, sessionmaker, monkeypatch, caplog):
    """APScheduler's shutdown cancels the jobs still running: Jobs.shutdown waits for them first,
    so a run is not cut inside its transaction nor logged as an error."""
    import asyncio

    from bot import scheduler as scheduler_module
    from bot.scheduler import Jobs

    started, finished = asyncio.Event(), asyncio.Event()

    async def slow_nudges(session, now):
        started.set()
        await asyncio.sleep(0.3)
        finished.set()

    monkeypatch.setattr(scheduler_module.routes, "enqueue_nudges", slow_nudges)
    jobs = Jobs(harness.bot, sessionmaker, harness.settings, None, utcnow)
    await jobs.start()
    jobs.scheduler.modify_job("route_nudges", next_run_time=utcnow())
    await asyncio.wait_for(started.wait(), 5)
    await jobs.shutdown()
    assert finished.is_set()
    await asyncio.sleep(0.05)  # AsyncIOScheduler.shutdown runs on the loop's next turn
    assert not jobs.scheduler.running
    assert not [r for r in caplog.records if r.levelname == "ERROR"]
