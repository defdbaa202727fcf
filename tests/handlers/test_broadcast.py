"""Broadcasts through the dispatcher: compose, audience, send, progress, stop, restart, schedule,
event announcements, and refusals of forged buttons. Delivery is the real outbox worker."""

import uuid
from dataclasses import replace
from datetime import timedelta, timezone
from zoneinfo import ZoneInfo

from aiogram.types import Location, Message, PhotoSize, Update
from sqlalchemy import select, update

from bot.services import broadcasts
from bot.services.broadcasts import audience
from bot.services.broadcasts import report as broadcast_report
from bot.services.shared import roles
from handlers.broadcasts.callbacks import BcCb, BroadcastAnnounceCb
from handlers.events.callbacks import AnnounceJoinCb
from models import (
    AreaResult,
    AttemptStatus,
    AuditEntry,
    Broadcast,
    BroadcastStatus,
    ContentVersion,
    DiagnosisAttempt,
    EventRegistration,
    OutboxMessage,
    OutboxStatus,
    Position,
    RegistrationStatus,
    Role,
    User,
    utcnow,
)
from tests.support.factories import (
    FAST,
    compose,
    delivery_worker,
    make_event,
    make_methodist,
    org_id,
    register,
    the_broadcast,
)
from tests.support.harness import ADMIN_ID

# The worker's periodic flusher is cancelled at the end of run_once and can drop the outcomes it
# was writing (rows stay "sending" until their lease expires): keep it out of these short runs.
QUIET_FLUSH = replace(FAST, flush_every_s=60)


def make_worker(sessionmaker):
    return delivery_worker(sessionmaker, QUIET_FLUSH)


async def refresh(sessionmaker, now=None) -> list[broadcast_report.ProgressUpdate]:
    """One run of the progress job; its edits go out with the next delivery run."""
    async with sessionmaker() as session, session.begin():
        return await broadcast_report.tick(session, now or utcnow(), [ADMIN_ID])


async def progress_rows(sessionmaker, broadcast_id: int) -> list[OutboxMessage]:
    async with sessionmaker() as session:
        return list(
            await session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.idempotency_key.startswith(f"bcprogress:{broadcast_id}:"))
                .order_by(OutboxMessage.id)
            )
        )


async def teacher(harness, sessionmaker, telegram_id: int, org: str = "СОШ № 1", active: bool = True):
    user = harness.user(telegram_id)
    await register(user, name=f"Педагог {'АБВГДЕЖЗИКЛМНОПРСТ'[telegram_id % 19]}ов")
    async with sessionmaker() as session, session.begin():
        await session.execute(
            update(User)
            .where(User.telegram_id == telegram_id)
            .values(organization_id=await org_id(sessionmaker, org), is_active=active)
        )
    return user


async def diagnose(
    sessionmaker, telegram_id: int, zones: dict[str, str], *, completed: bool = True, days_ago: int = 0
) -> None:
    async with sessionmaker() as session, session.begin():
        version = ContentVersion(
            kind="questionnaire_teacher", version="t", checksum=uuid.uuid4().hex, data={}, is_current=False
        )
        session.add(version)
        await session.flush()
        user_id = await session.scalar(select(User.id).where(User.telegram_id == telegram_id))
        at = utcnow() - timedelta(days=days_ago)
        attempt = DiagnosisAttempt(
            user_id=user_id,
            variant="teacher",
            content_version_id=version.id,
            started_at=at,
            status=AttemptStatus.completed if completed else AttemptStatus.in_progress,
            completed_at=at if completed else None,
        )
        session.add(attempt)
        await session.flush()
        for area, zone in zones.items():
            session.add(AreaResult(attempt_id=attempt.id, area=area, score=5, max_score=15, zone=zone))


async def rows(sessionmaker) -> list[OutboxMessage]:
    async with sessionmaker() as session:
        return list(
            await session.scalars(
                select(OutboxMessage).where(OutboxMessage.purpose == "broadcast").order_by(OutboxMessage.id)
            )
        )


async def send_now(methodist) -> list[str]:
    replies = await methodist.press("Далее")
    assert "Отправить сейчас или запланировать" in replies[-1]
    return await methodist.press("Отправить сейчас")


async def test_deficit_audience_in_a_municipality(harness, sessionmaker):
    methodist = await make_methodist(harness, sessionmaker, 800, "Ростовская")
    await teacher(harness, sessionmaker, 801)  # severe in area 3
    await teacher(harness, sessionmaker, 802, "лицей № 7")  # partial in area 3
    await teacher(harness, sessionmaker, 803)  # area 3 was severe, the latest diagnosis says norm
    await teacher(harness, sessionmaker, 804, "СОШ № 3", active=False)  # blocked the bot
    await teacher(harness, sessionmaker, 805, "СОШ № 24")  # another municipality
    await teacher(harness, sessionmaker, 806)  # a deficit in area 5 only
    await teacher(harness, sessionmaker, 807)  # an unfinished attempt
    await diagnose(sessionmaker, 801, {"3": "severe", "5": "norm"})
    await diagnose(sessionmaker, 802, {"3": "partial"})
    await diagnose(sessionmaker, 803, {"3": "severe"}, days_ago=200)
    await diagnose(sessionmaker, 803, {"3": "norm"})
    for telegram_id in (804, 805):
        await diagnose(sessionmaker, telegram_id, {"3": "severe"})
    await diagnose(sessionmaker, 806, {"3": "resource", "5": "severe"})
    await diagnose(sessionmaker, 807, {"3": "severe"}, completed=False)

    replies = await compose(methodist)
    assert "Так сообщение увидят получатели" in replies[0]
    source = await the_broadcast(sessionmaker)
    copy = harness.api.sent("CopyMessage", 800)[-1]  # the preview is the very message, copied back
    assert (copy.from_chat_id, copy.message_id) == (800, source.source_message_id)
    assert (
        "Все педагоги в вашей зоне" in replies[-1] and "Получателей: <b>6</b>" in replies[-1]
    )  # 6 active teachers; the methodist is not a recipient of her own broadcast (shared.population)

    await methodist.press("Территории")
    await methodist.press("›")
    replies = await methodist.press("г. Новочеркасск")
    assert "☑️ г. Новочеркасск" in [text for text, _ in methodist.buttons()]
    await methodist.press("К аудитории")
    await methodist.press("Дефицит по области")
    await methodist.press("3. Оценочная")
    replies = await methodist.press("К аудитории")
    assert "Новочеркасск" in replies[-1] and "Дефицит по последней диагностике: 3. Оценочная" in replies[-1]
    assert "Получателей: <b>2</b>" in replies[-1]

    replies = await send_now(methodist)
    assert "запущена: 2 получателя" in replies[-2] and "Отправлено 0 из 2" in replies[-1]
    b = await the_broadcast(sessionmaker)
    assert b.status == BroadcastStatus.sending and b.recipients == 2
    queued = await rows(sessionmaker)
    assert sorted(r.chat_id for r in queued) == [801, 802]
    assert {r.batch for r in queued} == {f"broadcast:{b.id}"}
    assert all(r.idempotency_key.startswith(f"broadcast:{b.id}:") for r in queued)

    worker, api = make_worker(sessionmaker)
    await worker.run_once()
    copies = api.sent("CopyMessage")
    assert sorted(c.chat_id for c in copies) == [801, 802]
    assert {(c.from_chat_id, c.message_id) for c in copies} == {(800, source.source_message_id)}

    updates = await refresh(sessionmaker)
    assert [u.final for u in updates] == [True]
    (edit,) = await progress_rows(sessionmaker, b.id)
    assert edit.urgent and edit.batch is None and edit.payload["edit"] == b.progress_message_id
    await worker.run_once()
    final = api.sent("EditMessageText", 800)[-1]
    report = final.text  # the progress message becomes the one report (no second copy as a new message)
    assert final.message_id == b.progress_message_id and final.reply_markup is None
    assert "завершена" in report and "Доставлено: 2 из 2" in report and "Заблокировали бота: 0" in report
    assert (await the_broadcast(sessionmaker)).status == BroadcastStatus.done
    assert await refresh(sessionmaker) == []  # reported once
    await worker.run_once()
    assert api.sent("SendMessage", 800) == []
    async with sessionmaker() as session:
        actions = list(
            await session.scalars(select(AuditEntry.action).where(AuditEntry.action.startswith("broadcast.")))
        )
    assert actions == ["broadcast.create", "broadcast.send"]


async def _hold_back(sessionmaker, keep: int) -> None:
    """Only the first `keep` rows are due now: the rest is what a real run has not reached yet."""
    async with sessionmaker() as session, session.begin():
        ids = [r.id for r in await rows(sessionmaker)][keep:]
        await session.execute(
            update(OutboxMessage).where(OutboxMessage.id.in_(ids)).values(due_at=utcnow() + timedelta(hours=1))
        )


async def test_progress_and_stop_mid_way(harness, sessionmaker):
    methodist = await make_methodist(harness, sessionmaker, 820, "г. Новочеркасск")
    for telegram_id in range(821, 826):
        await teacher(harness, sessionmaker, telegram_id)
    await compose(methodist, "Новости недели")
    await send_now(methodist)
    b = await the_broadcast(sessionmaker)
    assert b.recipients == 5  # five teachers; the methodist does not count as a pedagogical worker
    await _hold_back(sessionmaker, 2)
    worker, api = make_worker(sessionmaker)
    await worker.run_once()
    assert len(api.sent("CopyMessage")) == 2

    await refresh(sessionmaker)
    await worker.run_once()  # the edit is a personal row: it goes ahead of the held broadcast rows
    edit = api.sent("EditMessageText", 820)[-1]
    assert edit.message_id == b.progress_message_id
    assert "Отправлено 2 из 5" in edit.text and "▓▓▓▓░░░░░░ 40%" in edit.text
    assert edit.reply_markup.inline_keyboard[0][0].callback_data == BcCb(action="stop", id=b.id).pack()
    assert await refresh(sessionmaker) == []  # not every tick

    replies = await methodist.click(BcCb(action="stop", id=b.id))
    assert "Остановить рассылку" in replies[-1]
    replies = await methodist.press("Да, остановить")
    assert "остановлена. Не отправлено: 3" in replies[-1]
    statuses = [r.status for r in await rows(sessionmaker)]
    assert statuses.count(OutboxStatus.sent) == 2 and statuses.count(OutboxStatus.cancelled) == 3
    async with sessionmaker() as session, session.begin():
        await session.execute(update(OutboxMessage).values(due_at=utcnow()))
    await worker.run_once()
    assert len(api.sent("CopyMessage")) == 2  # nothing more goes out
    await refresh(sessionmaker)
    await worker.run_once()
    final = api.sent("EditMessageText", 820)[-1]
    assert "отменена" in final.text and "Не отправлено из-за отмены: 3" in final.text and final.reply_markup is None
    replies = await methodist.click(BcCb(action="stopyes", id=b.id))
    assert "Рассылка отменена" in replies[-1]  # a second tap changes nothing
    async with sessionmaker() as session:
        cancel = await session.scalar(select(AuditEntry).where(AuditEntry.action == "broadcast.cancel"))
    assert cancel.actor_telegram_id == 820 and cancel.details["withdrawn"] == 3


async def test_restart_resumes_and_nobody_gets_it_twice(harness, sessionmaker):
    methodist = await make_methodist(harness, sessionmaker, 830, "г. Новочеркасск")
    for telegram_id in range(831, 835):
        await teacher(harness, sessionmaker, telegram_id)
    await compose(methodist, "Важное объявление")
    await send_now(methodist)
    b = await the_broadcast(sessionmaker)
    await _hold_back(sessionmaker, 2)
    worker, api = make_worker(sessionmaker)
    await worker.run_once()
    assert len(api.sent("CopyMessage")) == 2, [(r.status, r.due_at, r.last_error) for r in await rows(sessionmaker)]

    harness.restart()  # a new process: only the database remembers the broadcast
    async with sessionmaker() as session, session.begin():
        await session.execute(update(OutboxMessage).values(due_at=utcnow()))
        broadcast = await session.get(Broadcast, b.id)
        # A replayed start (a redelivered update, a restarted job) enqueues nothing new.
        identity = await roles.load_identity(session, 830, [])
        assert await broadcasts.launch(session, identity, broadcast, utcnow()) == 4
    assert len(await rows(sessionmaker)) == 4
    assert "уже отправляется" in (await methodist.click(BcCb(action="now", id=b.id)))[-1]

    updates = await refresh(sessionmaker)
    assert "Отправлено 2 из 4" in updates[0].text
    worker2, api2 = make_worker(sessionmaker)
    await worker2.run_once()
    await worker2.run_once()
    delivered = [c.chat_id for c in api.sent("CopyMessage") + api2.sent("CopyMessage")]
    assert sorted(delivered) == [831, 832, 833, 834]
    updates = await refresh(sessionmaker)
    assert updates[0].final and "Доставлено: 4 из 4" in updates[0].text


async def test_scheduled_broadcast_starts_on_tick(harness, sessionmaker):
    methodist = await make_methodist(harness, sessionmaker, 840, "г. Новочеркасск")
    await teacher(harness, sessionmaker, 841)
    await compose(methodist, "Завтра методический день")
    await methodist.press("Далее")
    replies = await methodist.press("Запланировать")
    assert "по московскому времени" in replies[-1] and "25.12.2026 15:00" in replies[-1]
    msk = ZoneInfo("Europe/Moscow")
    replies = await methodist.send((utcnow() - timedelta(hours=1)).astimezone(msk).strftime("%d.%m.%Y %H:%M"))
    assert "уже прошла" in replies[-1]
    at = (utcnow() + timedelta(hours=2)).astimezone(msk).replace(second=0, microsecond=0)
    replies = await methodist.send(at.strftime("%d.%m.%Y %H:%M"))
    assert f"запланирована на {at:%d.%m.%Y}" in replies[-1] and f"{at:%H:%M}" in replies[-1]
    b = await the_broadcast(sessionmaker)
    assert b.status == BroadcastStatus.scheduled and b.scheduled_at == at.astimezone(timezone.utc)
    assert await rows(sessionmaker) == []

    assert await refresh(sessionmaker, at - timedelta(minutes=1)) == []
    assert await rows(sessionmaker) == []
    updates = await refresh(sessionmaker, at + timedelta(seconds=5))
    assert "Отправлено 0 из 1" in updates[0].text
    assert sorted(r.chat_id for r in await rows(sessionmaker)) == [841]
    assert (await the_broadcast(sessionmaker)).status == BroadcastStatus.sending
    async with sessionmaker() as session:
        actions = list(
            await session.scalars(select(AuditEntry.action).where(AuditEntry.action.startswith("broadcast.")))
        )
    assert actions == ["broadcast.create", "broadcast.schedule", "broadcast.send"]


async def test_scheduled_broadcast_of_a_demoted_methodist_is_not_sent(harness, sessionmaker):
    methodist = await make_methodist(harness, sessionmaker, 845, "г. Новочеркасск")
    await teacher(harness, sessionmaker, 846)
    await compose(methodist, "Потом")
    await methodist.press("Далее")
    await methodist.press("Запланировать")
    at = utcnow() + timedelta(hours=3)
    await methodist.send(at.astimezone(ZoneInfo("Europe/Moscow")).strftime("%d.%m.%Y %H:%M"))
    async with sessionmaker() as session, session.begin():
        await roles.revoke(session, None, Role.methodist, 845)
    updates = await refresh(sessionmaker, at + timedelta(minutes=1))
    assert updates[0].final and "отменена" in updates[0].text
    assert await rows(sessionmaker) == []


async def test_teacher_and_foreign_methodist_are_refused(harness, sessionmaker):
    methodist = await make_methodist(harness, sessionmaker, 850, "г. Новочеркасск")
    await compose(methodist)
    b = await the_broadcast(sessionmaker)
    t = await teacher(harness, sessionmaker, 851)
    assert "только методистам" in (await t.send("/broadcast"))[-1]
    for forged in (
        BcCb(action="now", id=b.id),
        BcCb(action="org", id=b.id, value="1"),
        BcCb(action="stopyes", id=b.id),
        BcCb(action="aud", id=b.id),
    ):
        assert "только методистам" in (await t.click(forged))[-1]
    event_id = await make_event(sessionmaker, "Семинар")
    assert "только методистам" in (await t.click(BroadcastAnnounceCb(event_id=event_id)))[-1]

    other = await make_methodist(harness, sessionmaker, 852, "г. Новошахтинск")
    assert "не ваша рассылка" in (await other.click(BcCb(action="now", id=b.id)))[-1]
    assert "вне вашей зоны" in (await other.click(BroadcastAnnounceCb(event_id=event_id)))[-1]
    foreign_school = await org_id(sessionmaker, "СОШ № 24")
    replies = await methodist.click(BcCb(action="org", id=b.id, value=str(foreign_school)))
    assert "вне вашей зоны" in replies[-1]
    assert "Неизвестное значение" in (await methodist.click(BcCb(action="area", id=b.id, value="9")))[-1]
    assert "Неверные данные" in (await methodist.click(BcCb(action="subj", id=b.id, value="x")))[-1]
    assert await rows(sessionmaker) == []
    # Without filters a municipal methodist reaches only their municipality.
    await teacher(harness, sessionmaker, 853, "СОШ № 24")
    replies = await methodist.click(BcCb(action="aud", id=b.id))
    assert "Получателей: <b>1</b>" in replies[-1]  # 851 (СОШ № 1); not 853, nor the methodists 850 and 852


async def test_event_announcement(harness, sessionmaker):
    methodist = await make_methodist(harness, sessionmaker, 860, "г. Новочеркасск")
    t = await teacher(harness, sessionmaker, 861, "лицей № 7")
    await teacher(harness, sessionmaker, 862, "СОШ № 24")
    event_id = await make_event(sessionmaker, "Мастер-класс <по ФГ>", description="Берите & ноутбук")
    replies = await methodist.click(BroadcastAnnounceCb(event_id=event_id))
    card = harness.api.sent("SendMessage", 860)[-2]
    assert "Мастер-класс &lt;по ФГ&gt;" in card.text and "Берите &amp; ноутбук" in card.text
    button = card.reply_markup.inline_keyboard[0][0]
    assert button.text == "Записаться" and button.callback_data == AnnounceJoinCb(event_id=event_id).pack()
    assert "г. Новочеркасск" in replies[-1] and "Получателей: <b>1</b>" in replies[-1]  # not the methodist
    b = await the_broadcast(sessionmaker)
    assert b.source_chat_id == 860 and b.source_message_id and b.event_id == event_id
    assert b.preview.startswith("📣 Мастер-класс <по ФГ>")

    await send_now(methodist)
    worker, api = make_worker(sessionmaker)
    await worker.run_once()
    copy = api.sent("CopyMessage", 861)[0]
    assert copy.reply_markup.inline_keyboard[0][0].callback_data == button.callback_data
    assert "Мастер-класс" in (await t.click(button.callback_data))[-1]  # signed up, the card below


async def test_replace_message_and_drop_draft(harness, sessionmaker):
    methodist = await make_methodist(harness, sessionmaker, 870, "г. Новочеркасск")
    await compose(methodist, "Черновой текст")
    first = await the_broadcast(sessionmaker)
    await methodist.press("Заменить сообщение")
    replies = await methodist.send("Чистовой текст")
    b = await the_broadcast(sessionmaker)
    assert b.id == first.id and b.preview == "Чистовой текст" and b.source_message_id != first.source_message_id
    assert "Чистовой текст" in replies[-1]
    replies = await methodist.press("Удалить черновик")
    assert "удалён" in replies[-1]
    assert (await the_broadcast(sessionmaker)).status == BroadcastStatus.cancelled
    assert "Рассылка отменена" in (await methodist.click(BcCb(action="now", id=b.id)))[-1]
    assert "сообщение для рассылки" in (await methodist.send("/broadcast"))[-1]
    assert [text for text, _ in methodist.buttons()] == [f"№{b.id} отменена: Чистовой текст"]


async def test_callbacks_fit():
    longest = BcCb(action="stopyes", id=10**12, value=str(10**12), parent=10**12, page=999)
    assert len(longest.pack().encode()) <= 64


async def test_audience_dimensions_combine(sessionmaker, harness):
    year = utcnow().year
    school, foreign = await org_id(sessionmaker, "СОШ № 1"), await org_id(sessionmaker, "СОШ № 24")
    municipality = await org_id(sessionmaker, "г. Новочеркасск")
    people = {  # name: (telegram id, organization, position, subjects, birth year, experience)
        "young": (1, school, Position.teacher, ["Математика"], year - 30, 2),
        "older": (2, school, Position.teacher, ["Физика"], year - 40, 2),
        "experienced": (3, school, Position.educator, ["Математика"], year - 25, 5),
        "mentor": (4, school, Position.teacher, ["Математика"], year - 50, 20),
        "outside": (5, foreign, Position.teacher, ["Математика"], year - 30, 1),
        "registered": (6, school, Position.teacher, [], year - 45, 10),
        "waitlisted": (7, school, Position.teacher, [], year - 45, 10),
        "erased": (None, school, Position.teacher, [], None, None),
    }
    event_id = await make_event(sessionmaker, "Семинар", capacity=1)
    async with sessionmaker() as session, session.begin():
        ids = {}
        for name, (tg, org, position, subjects, born, experience) in people.items():
            user = User(
                telegram_id=tg,
                full_name=name,
                position=position,
                subjects=subjects,
                birth_year=born,
                experience_years=experience,
                organization_id=org,
                timezone="Europe/Moscow",
            )
            session.add(user)
            await session.flush()
            ids[name] = user.id
        session.add_all(
            [
                EventRegistration(event_id=event_id, user_id=ids["registered"], status=RegistrationStatus.registered),
                EventRegistration(event_id=event_id, user_id=ids["waitlisted"], status=RegistrationStatus.waitlisted),
            ]
        )
        await roles.grant(session, None, Role.mentor, 4, school)
        await roles.grant(session, None, Role.methodist, 99, municipality)
    await diagnose(sessionmaker, 2, {"1": "norm"})

    async def who(spec: dict, telegram_id: int = 99) -> set[str]:
        async with sessionmaker() as session:
            identity = await roles.load_identity(session, telegram_id, [ADMIN_ID])
            found = await audience.resolve(session, identity, spec, year)
            assert await audience.count(session, identity, spec, year) == len(found)
        by_id = {v: k for k, v in ids.items()}
        return {by_id[r.user_id] for r in found}

    inside = {"young", "older", "experienced", "mentor", "registered", "waitlisted"}
    assert await who({}) == inside
    assert await who({}, ADMIN_ID) == inside | {"outside"}
    assert await who({"young": True}) == {"young"}
    assert await who({"subjects": ["Математика"]}) == {"young", "experienced", "mentor"}
    assert await who({"subjects": ["Математика", "Физика"], "positions": ["teacher"]}) == {"young", "older", "mentor"}
    assert await who({"roles": ["mentor"]}) == {"mentor"}
    assert await who({"roles": ["teacher"]}) == inside - {"mentor"}
    assert await who({"roles": ["teacher", "mentor"]}) == inside
    assert await who({"event": event_id}) == {"registered"}
    assert await who({"undiagnosed": True, "young": True}) == {"young"}
    assert await who({"undiagnosed": True}) == inside - {"older"}
    assert await who({"orgs": [foreign]}) == set()  # outside the scope stays outside, whatever the filter
    assert await who({"orgs": [foreign]}, ADMIN_ID) == {"outside"}


async def test_photo_is_accepted_and_other_content_refused(harness, sessionmaker):
    methodist = await make_methodist(harness, sessionmaker, 880, "г. Новочеркасск")
    await methodist.send("/broadcast")

    async def feed(**content) -> list[str]:
        mark = len(harness.api.requests)
        message = Message(
            message_id=harness.next_message_id(), date=utcnow(), chat=methodist.chat, from_user=methodist.tg, **content
        )
        await harness.feed(Update(update_id=harness.next_update_id(), message=message))
        return [
            r.text for r in harness.api.requests[mark:] if getattr(r, "chat_id", None) == 880 and hasattr(r, "text")
        ]

    assert "текст, одно фото или один документ" in (await feed(location=Location(latitude=47.4, longitude=40.1)))[-1]
    photo = [PhotoSize(file_id="p1", file_unique_id="u1", width=640, height=480)]
    assert "Альбомы не поддерживаются" in (await feed(photo=photo, caption="Раз", media_group_id="g1"))[-1]
    replies = await feed(photo=photo, caption="Афиша <методического> дня")
    b = await the_broadcast(sessionmaker)
    assert b.preview == "Афиша <методического> дня" and "«Афиша &lt;методического&gt; дня»" in replies[-1]
    assert harness.api.sent("CopyMessage", 880)[-1].message_id == b.source_message_id
