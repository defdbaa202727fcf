"""A leader's announcement to members goes through the broadcast machinery: copied as written to
the active members only (not the leader, not someone who left, not outsiders), once however often
«send» is pressed, with the progress card, the report and the leader's own «stop»."""

from dataclasses import replace

from sqlalchemy import select, update

from bot.delivery.worker import DeliveryConfig
from bot.services.broadcasts import report as broadcast_report
from handlers.broadcasts.callbacks import BcCb
from handlers.communities.callbacks import CommCb
from models import Broadcast, BroadcastStatus, OutboxMessage, OutboxStatus, utcnow
from tests.support.communities import community, manage_add, teacher, user_id
from tests.support.factories import FAST, delivery_worker
from tests.support.harness import ADMIN_ID

LEADER, ONE, TWO, GONE, OUTSIDER = 7201, 7202, 7203, 7204, 7205
NAMES = ("Первая Ольга", "Вторая Ирина", "Ушедшая Лидия")
QUIET_FLUSH: DeliveryConfig = replace(FAST, flush_every_s=60)


async def _rows(sessionmaker) -> list[OutboxMessage]:
    async with sessionmaker() as session:
        return list(
            await session.scalars(select(OutboxMessage).where(OutboxMessage.purpose == "community_announcement"))
        )


async def _announcement(sessionmaker) -> Broadcast:
    async with sessionmaker() as session:
        return await session.scalar(select(Broadcast).order_by(Broadcast.id.desc()))


async def test_leader_announces_to_members_once_with_progress_and_report(harness, sessionmaker):
    leader = await teacher(harness, LEADER, "Руководитель Анна")
    members = [await teacher(harness, tg, name) for tg, name in zip((ONE, TWO, GONE), NAMES, strict=True)]
    await teacher(harness, OUTSIDER, "Посторонний Пётр")
    made = await community(sessionmaker, "МО математиков", leader_tg=LEADER)
    for member in members:
        await member.click(CommCb(action="join", id=made))
    await members[2].click(CommCb(action="leave", id=made))

    await leader.click(CommCb(action="open", id=made))
    await leader.press("Объявление участникам")
    shown = await leader.send("Заседание МО в четверг в 15:00, <b>кабинет 12</b>")
    assert "Отправить это объявление участникам сообщества: 2?" in shown[-1]
    confirm = harness.api.last_keyboard(LEADER)[0]
    shown = await leader.press("Отправить")
    assert "отправляется: участников — 2" in str(shown)
    again = await leader.click(CommCb(action="annsend", id=(await _announcement(sessionmaker)).id), confirm)
    assert "Рассылка уже отправляется." in again

    b = await _announcement(sessionmaker)
    assert b.status == BroadcastStatus.sending and b.audience == {"community": made} and b.recipients == 2
    queued = await _rows(sessionmaker)
    assert sorted(r.chat_id for r in queued) == [ONE, TWO]
    assert all(r.payload["copy"]["from_chat_id"] == LEADER for r in queued)

    worker, api = delivery_worker(sessionmaker, QUIET_FLUSH)
    await worker.run_once()
    assert sorted(c.chat_id for c in api.sent("CopyMessage")) == [ONE, TWO]
    async with sessionmaker() as session, session.begin():
        await broadcast_report.tick(session, utcnow(), [ADMIN_ID])
    await worker.run_once()
    report = api.texts(LEADER)[-1]
    assert "завершена" in report and "Доставлено: 2 из 2" in report


async def test_a_leader_who_is_not_a_methodist_stops_their_announcement(harness, sessionmaker):
    leader = await teacher(harness, LEADER, "Руководитель Анна")
    for tg, name in zip((ONE, TWO), NAMES[:2], strict=True):
        await teacher(harness, tg, name)
    made = await community(sessionmaker, "МО математиков", leader_tg=LEADER)
    for tg in (ONE, TWO):
        await manage_add(sessionmaker, made, await user_id(sessionmaker, tg))
    await leader.click(CommCb(action="ann", id=made))
    await leader.send("Перенос заседания")
    await leader.press("Отправить")
    b = await _announcement(sessionmaker)
    async with sessionmaker() as session, session.begin():  # nothing delivered yet: all held back
        await session.execute(update(OutboxMessage).values(due_at=utcnow().replace(year=2030)))
    shown = await leader.click(BcCb(action="stop", id=b.id))
    assert "Остановить" in shown[-1]
    shown = await leader.press("Да, остановить")
    assert "Не отправлено: 2" in shown[-1]
    assert {r.status for r in await _rows(sessionmaker)} == {OutboxStatus.cancelled}
    # another teacher cannot stop it; a forged id is not a community announcement: /broadcast's refusal
    other = harness.user(ONE)
    assert "Это не ваше объявление." in await other.click(BcCb(action="stopyes", id=b.id))
    assert "Эта команда доступна только методистам." in await other.click(BcCb(action="stopyes", id=99999))
