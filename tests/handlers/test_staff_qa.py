"""QA of the staff side through the dispatcher: regressions for defects found while exploring the
methodist, mentor and admin screens."""

from datetime import timedelta

from sqlalchemy import select

from bot.services.shared import roles
from handlers.broadcasts.callbacks import BcCb
from handlers.events.callbacks import EventAdminCb
from handlers.shared.callbacks import MethodistsCb, RevokeCb
from models import BroadcastStatus, OutboxMessage, Role, RoleGrant
from tests.support.factories import (
    compose,
    delivery_worker,
    make_event,
    make_methodist,
    org_id,
    publish,
    register,
    the_broadcast,
    the_event,
    when,
)
from tests.support.harness import ADMIN_ID


async def test_methodists_list_names_each_scope_pages_and_revokes_only_methodist_grants(harness, sessionmaker):
    region, town = await org_id(sessionmaker, "Ростовская"), await org_id(sessionmaker, "г. Новочеркасск")
    school = await org_id(sessionmaker, "СОШ № 1")
    async with sessionmaker() as session, session.begin():
        await roles.grant(session, None, Role.methodist, 777, region)
        await roles.grant(session, None, Role.methodist, 777, town)
        for telegram_id in range(1000, 1011):
            await roles.grant(session, None, Role.methodist, telegram_id, school)
        await roles.grant(session, None, Role.mentor, 999, school)
    async with sessionmaker() as session:
        mentor_grant = await session.scalar(select(RoleGrant.id).where(RoleGrant.role == Role.mentor))
    admin = harness.user(ADMIN_ID)
    first = (await admin.send("/methodists"))[-1]
    assert "стр. 1 из 2" in first and first.count("•") == 10
    labels = [text for text, _ in admin.buttons()]
    # One person, two scopes: the two buttons say which scope each one takes away.
    assert "Снять роль: 777 — Ростовская область" in labels
    assert "Снять роль: 777 — Ростовская область, г. Новочеркасск" in labels
    assert labels[-2:] == ["1/2", "▶"]
    second = (await admin.press("▶"))[-1]
    assert "стр. 2 из 2" in second and second.count("•") == 3 and "1010" in second
    # Clamped to the page on screen: Telegram refuses the identical edit, the page stays.
    assert await admin.click(MethodistsCb(page=99)) == [] and "стр. 2 из 2" in admin.screen()

    replies = await admin.press("Снять роль: 1010")
    assert "снята: Пользователь с ID 1010 — г. Новочеркасск, МБОУ СОШ № 1" in replies[-1]
    # A forged revoke button with the id of a mentor grant takes nothing away.
    assert "уже снята" in (await admin.click(RevokeCb(grant_id=mentor_grant)))[-1]
    async with sessionmaker() as session:
        assert await session.get(RoleGrant, mentor_grant) is not None
        assert await session.scalar(select(RoleGrant).where(RoleGrant.telegram_id == 1010)) is None
    assert "только администраторам" in (await harness.user(1000).click(MethodistsCb(page=1)))[-1]


async def test_teacher_search_buttons_cut_the_organization_visibly(harness, sessionmaker):
    methodist = await make_methodist(harness, sessionmaker, 700, "г. Новочеркасск")
    await methodist.send("/pairs")
    await methodist.press("Подобрать наставника")
    await methodist.send("Методист")
    [label] = [text for text, _ in methodist.buttons() if "Методист Ольга" in text]
    # "г. Новочеркасск, МБОУ СОШ № 1" is too long for the button: the school stays, not a torn-off word.
    assert label == "Методист Ольга — МБОУ СОШ № 1", label  # was "— овочеркасск, МБОУ СОШ № 1"


async def test_stopping_a_scheduled_broadcast_says_nobody_gets_it(harness, sessionmaker):
    methodist = await make_methodist(harness, sessionmaker, 850, "г. Новочеркасск")
    await register(harness.user(851), name="Петрова Анна Сергеевна")  # a recipient: not the author
    await methodist.send("/broadcast")
    await methodist.send("Завтра методический день")
    b = await the_broadcast(sessionmaker)
    await methodist.click(BcCb(action="next", id=b.id))
    await methodist.press("Запланировать")
    assert "запланирована" in (await methodist.send(when(timedelta(days=1))))[-1]
    await methodist.click(BcCb(action="stop", id=b.id))
    replies = await methodist.press("Да, остановить")
    assert replies[-1] == f"⏹ Запланированная рассылка №{b.id} отменена: сообщение никому не отправлено."
    assert (await the_broadcast(sessionmaker)).status == BroadcastStatus.cancelled
    assert "Рассылка отменена" in (await methodist.click(BcCb(action="stopyes", id=b.id)))[-1]


async def test_editing_an_event_does_not_silently_drop_a_half_made_draft(harness, sessionmaker):
    methodist = await make_methodist(harness, sessionmaker, 700, "г. Новочеркасск")
    await publish(methodist)
    event = await the_event(sessionmaker)
    await methodist.send("/new_event")
    await methodist.send("Черновик семинара")
    await methodist.send("/events_admin")  # browsing keeps the draft
    await methodist.click(EventAdminCb(action="card", event_id=event.id))
    replies = await methodist.click(EventAdminCb(action="field", event_id=event.id, arg=6))
    assert "отмените его: /cancel" in replies[-1]
    assert "Шаг 3 из 10" in (await methodist.send("-"))[-1]  # the draft goes on where it was
    await methodist.send("/cancel")
    replies = await methodist.click(EventAdminCb(action="field", event_id=event.id, arg=6))
    assert "продолжительность" in replies[-1]


async def test_an_invite_names_a_school_never_a_municipality(harness, sessionmaker):
    """The picker only offers schools; a forged button must not register teachers to a municipality."""
    from handlers.shared.callbacks import InviteTermsCb, OrgPickCb
    from models import Invite

    methodist = await make_methodist(harness, sessionmaker, 710, "г. Новочеркасск")
    town, school = await org_id(sessionmaker, "г. Новочеркасск"), await org_id(sessionmaker, "СОШ № 1")
    await methodist.send("/invite")
    await methodist.press("Педагогов")
    replies = await methodist.click(OrgPickCb(purpose="invite", action="choose", org_id=town))
    replies += await methodist.click(InviteTermsCb(org_id=town, days=7, uses=1))
    assert "не в муниципалитет" in replies[-1]
    await methodist.click(InviteTermsCb(org_id=school, days=7, uses=1))
    async with sessionmaker() as session:
        assert list(await session.scalars(select(Invite.organization_id))) == [school]


async def test_a_forged_button_cannot_address_the_registrants_of_a_cancelled_event(harness, sessionmaker):
    from models import Broadcast, EventStatus

    methodist = await make_methodist(harness, sessionmaker, 720, "г. Новочеркасск")
    cancelled = await make_event(sessionmaker, "Отменённый семинар", status=EventStatus.cancelled)
    await compose(methodist)
    draft = await the_broadcast(sessionmaker)
    replies = await methodist.click(BcCb(action="ev", id=draft.id, value=str(cancelled)))
    assert "отменено" in replies[-1]
    async with sessionmaker() as session:
        assert "event" not in (await session.get(Broadcast, draft.id)).audience


async def test_the_progress_of_a_draft_says_it_was_not_sent(harness, sessionmaker):

    methodist = await make_methodist(harness, sessionmaker, 721, "г. Новочеркасск")
    await compose(methodist)
    draft = await the_broadcast(sessionmaker)
    shown = (await methodist.click(BcCb(action="status", id=draft.id)))[-1]
    assert "черновик" in shown and "100%" not in shown  # was «Отправлено 0 из 0 ▓▓▓ 100%»


async def test_a_granted_or_revoked_person_is_told_through_the_outbox_once(harness, sessionmaker):
    await register(harness.user(778), name="Будущий Методист")
    admin = harness.user(ADMIN_ID)
    await admin.send("/grant 778")
    await admin.press("Ростовская")
    assert "назначен методистом" in (await admin.press("Выбрать: Ростовская"))[-1]
    before = len(harness.api.sent("SendMessage", 778))
    (granted,) = await notices(sessionmaker, 778)
    assert granted.urgent and granted.idempotency_key.startswith("role_grant:")
    assert "Вам выдана роль методиста: Ростовская область" in granted.payload["text"]
    # A second press on the same scope grants nothing new and tells nobody again.
    await admin.send("/grant 778")
    await admin.press("Ростовская")
    assert "уже был методистом" in (await admin.press("Выбрать: Ростовская"))[-1]
    assert len(await notices(sessionmaker, 778)) == 1
    assert len(harness.api.sent("SendMessage", 778)) == before  # nothing sent from the handler

    async with sessionmaker() as session:
        grant_id = await session.scalar(select(RoleGrant.id).where(RoleGrant.telegram_id == 778))
    await admin.click(RevokeCb(grant_id=grant_id))
    assert "уже снята" in (await admin.click(RevokeCb(grant_id=grant_id)))[-1]
    granted, revoked = await notices(sessionmaker, 778)
    assert revoked.idempotency_key == f"role_revoke:{grant_id}" and "снята роль методиста" in revoked.payload["text"]
    worker, api = delivery_worker(sessionmaker)
    await worker.run_once()
    assert [m.text for m in api.sent("SendMessage", 778)] == [granted.payload["text"], revoked.payload["text"]]


async def notices(sessionmaker, chat_id: int) -> list[OutboxMessage]:
    async with sessionmaker() as session:
        return list(
            await session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.chat_id == chat_id, OutboxMessage.purpose == "role_change")
                .order_by(OutboxMessage.id)
            )
        )
