"""Community meetings: the leader plans one (an event of format «Заседание МО»), members are invited
with a sign-up button and sign up through the event card, attendance is marked after the start,
the protocol is copied to the members and closes the meeting; a leader of another community and
forged meeting ids are refused."""

from datetime import timedelta

from sqlalchemy import select, update

from handlers.communities.callbacks import CommCb
from handlers.events.callbacks import EventCb, FeedbackCb
from models import (
    CommunityMeeting,
    Event,
    EventFeedback,
    EventFormat,
    EventRegistration,
    EventStatus,
    OutboxMessage,
    Route,
    RouteStatus,
    RouteStep,
    StepStatus,
    utcnow,
)
from tests.support import clock
from tests.support.communities import community, manage_add, teacher, user_id
from tests.support.factories import when

LEADER, ONE, TWO, OTHER_LEADER = 7501, 7502, 7503, 7504
TODAY = clock.moscow_today()


async def test_leader_plans_a_meeting_members_sign_up_attendance_and_protocol(harness, sessionmaker):
    leader = await teacher(harness, LEADER, "Руководитель Анна")
    one = await teacher(harness, ONE, "Первая Ольга")
    await teacher(harness, TWO, "Вторая Ирина")
    other = await teacher(harness, OTHER_LEADER, "Другой Руководитель", school="СОШ № 3")
    made = await community(sessionmaker, "МО математиков", leader_tg=LEADER)
    await community(sessionmaker, "МО школы № 3", leader_tg=OTHER_LEADER)
    for tg in (ONE, TWO):
        await manage_add(sessionmaker, made, await user_id(sessionmaker, tg))

    await leader.click(CommCb(action="open", id=made))
    await leader.press("Встречи")
    await leader.press("Запланировать встречу")
    await leader.send("Итоги пробного ОГЭ")
    await leader.send("вчера")
    shown = await leader.send("Кабинет 12")
    assert "Не понял дату" in shown[-1] and "Тема или повестка" in shown[-1]  # asked again, nothing saved
    await leader.send("Итоги пробного ОГЭ")
    await leader.send(when(timedelta(days=3)))
    shown = await leader.send("МБОУ СОШ № 1, кабинет 12")
    assert "запланирована" in shown[-1]
    async with sessionmaker() as session:
        meeting = await session.scalar(select(CommunityMeeting))
        event = await session.get(Event, meeting.event_id)
        invites = list(await session.scalars(select(OutboxMessage).where(OutboxMessage.purpose == "community_meeting")))
    assert event.format == EventFormat.mo_meeting and event.place == "МБОУ СОШ № 1, кабинет 12"
    assert sorted(i.chat_id for i in invites) == [ONE, TWO]
    assert invites[0].payload["buttons"][0][0]["callback"] == {"kind": "event_card", "event_id": event.id}

    # a member signs up through the event card the invitation opens
    await one.click(EventCb(action="open", event_id=event.id))
    await one.press("Записаться")
    async with sessionmaker() as session:
        assert await session.scalar(select(EventRegistration.id).where(EventRegistration.event_id == event.id))

    # attendance and the protocol wait for the meeting to start; a leader of another community is refused
    one_id = await user_id(sessionmaker, ONE)
    shown = await leader.click(CommCb(action="mtog", id=meeting.id, user=one_id))
    assert "Посещаемость отмечают — после начала встречи." in shown
    for action in ("mcard", "mtog", "mprot"):
        shown = await other.click(CommCb(action=action, id=meeting.id, user=one_id))
        assert "Вы не руководите этим сообществом." in shown, action
    assert "Встреча не найдена." in await leader.click(CommCb(action="mcard", id=99999))
    async with sessionmaker() as session, session.begin():
        await session.execute(update(Event).values(starts_at=utcnow() - timedelta(hours=1)))

    async with sessionmaker() as session, session.begin():  # her ИОМ has a step built on this meeting
        route = Route(user_id=one_id, status=RouteStatus.active, period_start=TODAY, period_end=TODAY)
        session.add(route)
        await session.flush()
        session.add(
            RouteStep(
                route_id=route.id,
                position=1,
                area="2",
                deficit_kind="partial",
                event_id=event.id,
                title="Заседание МО",
                form="non_formal",
                deadline=TODAY,
                status=StepStatus.planned,
            )
        )
    shown = await leader.click(CommCb(action="mtog", id=meeting.id, user=one_id))
    assert "Посещаемость отмечена." in shown[-1] and "✅ Первая Ольга" in str(leader.buttons())
    await leader.press("Протокол")
    shown = await leader.send("Решили: провести разбор ошибок. Следующий шаг: открытые уроки в марте.")
    assert "Протокол сохранён" in shown[-1] and "копия: 2" in shown[-1]
    async with sessionmaker() as session:
        copies = list(await session.scalars(select(OutboxMessage).where(OutboxMessage.purpose == "community_protocol")))
        attended = await session.scalar(select(EventRegistration.attended).where(EventRegistration.user_id == one_id))
        status = await session.scalar(select(Event.status))
    assert sorted(c.chat_id for c in copies) == [ONE, TWO] and all("copy" in c.payload for c in copies)
    assert attended is True and status == EventStatus.closed
    async with sessionmaker() as session:
        assert await session.scalar(select(RouteStep.status)) == StepStatus.done
    shown = await leader.click(CommCb(action="mprot", id=meeting.id))  # an old button: one protocol only
    assert "Протокол этой встречи уже сохранён и отправлен." in shown


async def test_the_year_plan_is_written_by_the_leader_and_read_by_members_only(harness, sessionmaker):
    leader = await teacher(harness, LEADER, "Руководитель Анна")
    member = await teacher(harness, ONE, "Первая Ольга")
    outsider = await teacher(harness, TWO, "Вторая Ирина")
    made = await community(sessionmaker, "МО математиков", leader_tg=LEADER)
    await manage_add(sessionmaker, made, await user_id(sessionmaker, ONE))
    shown = await member.click(CommCb(action="plan", id=made))
    assert "Вы не руководите этим сообществом." in shown
    await leader.click(CommCb(action="open", id=made))
    await leader.press("План работы на год")
    shown = await leader.send("Сентябрь — анализ ЕГЭ\nНоябрь — функциональная грамотность")
    assert "сохранён" in shown[-1]
    shown = await member.click(CommCb(action="open", id=made))
    assert "План работы на год" in shown[-1] and "Ноябрь — функциональная грамотность" in shown[-1]
    shown = await outsider.click(CommCb(action="open", id=made))  # open to her, but not a member yet
    assert "План работы на год" not in shown[-1]


async def test_a_meeting_is_for_members_only_a_forged_sign_up_is_refused(harness, sessionmaker):
    leader = await teacher(harness, LEADER, "Руководитель Анна")
    member = await teacher(harness, ONE, "Первая Ольга")
    outsider = await teacher(harness, TWO, "Вторая Ирина")  # same school and subject, not a member
    made = await community(sessionmaker, "МО математиков", leader_tg=LEADER)
    await manage_add(sessionmaker, made, await user_id(sessionmaker, ONE))
    await leader.click(CommCb(action="open", id=made))
    await leader.press("Встречи")
    await leader.press("Запланировать встречу")
    await leader.send("Итоги пробного ОГЭ")
    await leader.send(when(timedelta(days=3)))
    await leader.send("Кабинет 12")
    async with sessionmaker() as session:
        event_id = await session.scalar(select(CommunityMeeting.event_id))

    assert "Итоги пробного ОГЭ" in (await member.send("/events"))[-1]
    assert "Итоги пробного ОГЭ" in (await leader.send("/events"))[-1]
    assert "Итоги пробного ОГЭ" not in (await outsider.send("/events"))[-1]
    for action in ("open", "join"):
        shown = await outsider.click(EventCb(action=action, event_id=event_id))
        assert "Это мероприятие недоступно для вашей организации." in shown, action
    async with sessionmaker() as session:
        assert await session.scalar(select(EventRegistration.id)) is None


async def test_the_protocol_asks_those_present_for_a_rating_like_any_closed_event(harness, sessionmaker):
    leader = await teacher(harness, LEADER, "Руководитель Анна")
    one = await teacher(harness, ONE, "Первая Ольга")
    two = await teacher(harness, TWO, "Вторая Ирина")
    made = await community(sessionmaker, "МО математиков", leader_tg=LEADER)
    for tg in (ONE, TWO):
        await manage_add(sessionmaker, made, await user_id(sessionmaker, tg))
    await leader.click(CommCb(action="mplan", id=made))
    await leader.send("Итоги пробного ОГЭ")
    await leader.send(when(timedelta(days=3)))
    await leader.send("Кабинет 12")
    async with sessionmaker() as session:
        meeting = await session.scalar(select(CommunityMeeting))
    for member in (one, two):
        await member.click(EventCb(action="open", event_id=meeting.event_id))
        await member.press("Записаться")
    async with sessionmaker() as session, session.begin():
        await session.execute(update(Event).values(starts_at=utcnow() - timedelta(hours=1)))

    await leader.click(CommCb(action="mtog", id=meeting.id, user=await user_id(sessionmaker, ONE)))
    await leader.press("Протокол")
    await leader.send("Решили: провести разбор ошибок.")
    async with sessionmaker() as session:
        asked = list(await session.scalars(select(OutboxMessage).where(OutboxMessage.purpose == "feedback_request")))
    assert [a.chat_id for a in asked] == [ONE]  # present; the one not marked is not asked
    assert asked[0].payload["buttons"][0][4]["callback"] == {
        "kind": "event_feedback",
        "event_id": meeting.event_id,
        "rating": 5,
    }
    # marked present after the protocol: asked then, as for an event marked after closing
    await leader.click(CommCb(action="mtog", id=meeting.id, user=await user_id(sessionmaker, TWO)))
    async with sessionmaker() as session:
        asked = list(await session.scalars(select(OutboxMessage).where(OutboxMessage.purpose == "feedback_request")))
    assert sorted(a.chat_id for a in asked) == [ONE, TWO]
    shown = await one.click(FeedbackCb(event_id=meeting.event_id, rating=5))
    assert shown
    async with sessionmaker() as session:
        assert await session.scalar(select(EventFeedback.rating)) == 5
