"""Issue 13, the methodist's broadcasts: what a stopped scheduled broadcast's progress says, one
final report, quiet hours before «Отправить сейчас», and a one-tap sign-up from an announcement."""

from dataclasses import replace
from datetime import datetime, timedelta, timezone

from sqlalchemy import update

from bot.services.broadcasts import report as broadcast_report
from handlers.broadcasts.callbacks import BcCb, BroadcastAnnounceCb
from models import RegistrationStatus, User, utcnow
from tests.support.factories import (
    FAST,
    compose,
    delivery_worker,
    make_event,
    make_methodist,
    register,
    registration,
    the_broadcast,
    when,
)
from tests.support.harness import ADMIN_ID

QUIET_FLUSH = replace(FAST, flush_every_s=60)  # see test_broadcast: no periodic flush in short runs


async def refresh(sessionmaker, now=None) -> list[broadcast_report.ProgressUpdate]:
    async with sessionmaker() as session, session.begin():
        return await broadcast_report.tick(session, now or utcnow(), [ADMIN_ID])


async def test_a_stopped_scheduled_broadcast_progress_says_it_was_stopped_before_sending(harness, sessionmaker):
    methodist = await make_methodist(harness, sessionmaker, 850, "г. Новочеркасск")
    await register(harness.user(851), name="Петрова Анна Сергеевна")
    await compose(methodist, "Завтра методический день")
    b = await the_broadcast(sessionmaker)
    await methodist.click(BcCb(action="next", id=b.id))
    await methodist.press("Запланировать")
    await methodist.send(when(timedelta(days=1)))
    progress_id = (await the_broadcast(sessionmaker)).progress_message_id
    await methodist.click(BcCb(action="stop", id=b.id))
    await methodist.press("Да, остановить")

    (final,) = await refresh(sessionmaker)
    worker, api = delivery_worker(sessionmaker, QUIET_FLUSH)
    await worker.run_once()
    (edit,) = api.sent("EditMessageText", 850)
    assert edit.message_id == progress_id and final.final
    assert edit.text == f"⏹ Рассылка №{b.id} отменена до отправки: сообщение никому не отправлено."
    assert "Доставлено" not in edit.text  # was «отменена. Доставлено: 0 из 0 / Заблокировали бота: 0 …»


async def test_the_final_report_arrives_once(harness, sessionmaker):
    methodist = await make_methodist(harness, sessionmaker, 860, "г. Новочеркасск")
    await register(harness.user(861), name="Петрова Анна Сергеевна")
    await compose(methodist, "Новости недели")
    await methodist.press("Далее")
    await methodist.press("Отправить сейчас")
    b = await the_broadcast(sessionmaker)
    worker, api = delivery_worker(sessionmaker, QUIET_FLUSH)
    await worker.run_once()
    await refresh(sessionmaker)
    await worker.run_once()
    reports = [r.text for r in api.sent("EditMessageText", 860) + api.sent("SendMessage", 860)]
    assert len(reports) == 1 and "завершена" in reports[0]  # was the edited progress and a new message
    assert api.sent("EditMessageText", 860)[0].message_id == b.progress_message_id
    assert await refresh(sessionmaker) == []


async def test_send_now_in_quiet_hours_warns_and_the_progress_says_when(harness, sessionmaker, known_instant):
    methodist = await make_methodist(harness, sessionmaker, 870, "г. Новочеркасск")
    for telegram_id in (871, 872):
        await register(harness.user(telegram_id), name="Петрова Анна Сергеевна")
    async with sessionmaker() as session, session.begin():  # 20:30 in Kaliningrad: not quiet yet
        await session.execute(update(User).where(User.telegram_id == 872).values(timezone="Europe/Kaliningrad"))
    known_instant.move_to(datetime(2026, 12, 7, 18, 30, tzinfo=timezone.utc))  # 21:30 in Moscow
    await compose(methodist, "Новости недели")
    confirm = (await methodist.press("Далее"))[-1]
    assert "тихие часы: им сообщение придёт в 08:00 по их местному времени" in confirm
    replies = await methodist.press("Отправить сейчас")
    b = await the_broadcast(sessionmaker)
    in_quiet = b.recipients - 1  # everyone but the teacher in Kaliningrad
    assert f"Ждут окончания тихих часов: {in_quiet} — уйдут в 08:00 по местному времени получателей" in replies[-1]

    known_instant.move_to(datetime(2026, 12, 7, 9, 0, tzinfo=timezone.utc))  # noon in Moscow: nothing held
    await compose(methodist, "Днём")
    assert "тихие часы" not in (await methodist.press("Далее"))[-1]


async def test_sign_up_from_an_announcement_in_one_tap_and_the_announcement_stays(harness, sessionmaker):
    methodist = await make_methodist(harness, sessionmaker, 880, "г. Новочеркасск")
    teacher = harness.user(881)
    await register(teacher, name="Петрова Анна Сергеевна")
    event_id = await make_event(sessionmaker, "Мастер-класс по ФГ")
    await methodist.click(BroadcastAnnounceCb(event_id=event_id))
    await methodist.press("Далее")
    await methodist.press("Отправить сейчас")
    worker, api = delivery_worker(sessionmaker, QUIET_FLUSH)
    await worker.run_once()
    copy = api.sent("CopyMessage", 881)[0]
    button = copy.reply_markup.inline_keyboard[0][0]
    assert button.text == "Записаться"
    announcement = harness.api.remember(881, "📣 Мастер-класс по ФГ", copy.reply_markup)

    edits = len(harness.api.sent("EditMessageText", 881))
    replies = await teacher.click(button.callback_data, announcement)
    assert (await registration(sessionmaker, 881, event_id)).status == RegistrationStatus.registered
    assert len(harness.api.sent("EditMessageText", 881)) == edits  # the announcement is not replaced
    assert harness.api.shown(881, announcement).content == "📣 Мастер-класс по ФГ"
    assert len(replies) == 1 and "Мастер-класс по ФГ" in replies[0] and "Ваш статус: ✅ вы записаны" in replies[0]
    # A second tap keeps the place and says so.
    replies = await teacher.click(button.callback_data, announcement)
    assert "Вы уже записаны" in replies[-1] and len(harness.api.sent("EditMessageText", 881)) == edits
