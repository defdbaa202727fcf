"""Community access on the server: forged and foreign ids in buttons, a leader acting outside their
community or on a methodist's action, a teacher outside the scope, a methodist of another zone."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from handlers.communities.callbacks import CommCb
from models import AuditEntry, Broadcast, CommunityKind, CommunityMeeting
from tests.support.communities import (
    active_members,
    community,
    community_row,
    manage_add,
    member_rows,
    teacher,
    user_id,
)
from tests.support.factories import make_methodist, when

LEADER_A, LEADER_B, MEMBER, FAR, METHODIST, FAR_METHODIST = 7101, 7102, 7103, 7104, 7105, 7106


@pytest.fixture
async def world(harness, sessionmaker):
    people = {
        "a": await teacher(harness, LEADER_A, "Руководитель Анна"),
        "b": await teacher(harness, LEADER_B, "Руководитель Борис", school="СОШ № 3"),
        "member": await teacher(harness, MEMBER, "Участница Мария", subjects=("Физика",)),
        "far": await teacher(harness, FAR, "Далёкая Нина", town="Волгодонск", school="СШ № 5"),
    }
    ids = {
        "a": await community(sessionmaker, "МО математиков", leader_tg=LEADER_A),
        "b": await community(sessionmaker, "МО школы № 3", "СОШ № 3", CommunityKind.school_mo, leader_tg=LEADER_B),
    }
    return people, ids


async def test_a_leader_cannot_act_outside_their_community(harness, sessionmaker, world):
    people, ids = world
    leader_a, member = people["a"], await user_id(sessionmaker, MEMBER)
    for action, extra in (("addpick", {"user": member}), ("add", {}), ("ann", {})):
        shown = await leader_a.click(CommCb(action=action, id=ids["b"], **extra))
        assert "Вы не руководите этим сообществом." in shown, action
    leader_b = await user_id(sessionmaker, LEADER_B)
    shown = await leader_a.click(CommCb(action="remove", id=ids["b"], user=leader_b))
    assert "Вы не руководите этим сообществом." in shown
    assert await active_members(sessionmaker, ids["b"]) == {LEADER_B}

    # inside their own community the leader adds a member, but methodist actions stay refused
    shown = await leader_a.click(CommCb(action="addpick", id=ids["a"], user=member))
    assert "Участник добавлен" in shown[-1]
    for action in ("archive", "leadpick", "edit", "new", "scope"):
        shown = await leader_a.click(CommCb(action=action, id=ids["a"], user=member, value="title"))
        assert "Эта команда доступна только методистам." in shown, action
    assert (await member_rows(sessionmaker, ids["a"]))[MEMBER].is_leader is False
    assert (await community_row(sessionmaker, ids["a"])).archived_at is None
    # a leader cannot remove the other leader, nor themselves by the member button
    shown = await leader_a.click(CommCb(action="remove", id=ids["a"], user=await user_id(sessionmaker, LEADER_A)))
    assert "нажмите «Выйти»" in str(shown)


async def test_forged_ids_are_refused(harness, sessionmaker, world):
    people, ids = world
    member, far = people["member"], people["far"]
    shown = await member.click(CommCb(action="open", id=999999))
    assert "Сообщество не найдено." in shown
    shown = await member.click(CommCb(action="join", id=999999))
    assert "Сообщество не найдено." in shown
    # a school МО of another school and a community of another municipality are closed to them
    shown = await member.click(CommCb(action="join", id=ids["b"]))
    assert any("открыто только педагогам" in text for text in shown)
    shown = await far.click(CommCb(action="open", id=ids["a"]))
    assert any("открыто только педагогам" in text for text in shown)
    shown = await far.click(CommCb(action="members", id=ids["a"]))
    assert "Список участников видят участники сообщества." in shown
    # a plain teacher cannot add or remove anybody
    shown = await member.click(CommCb(action="addpick", id=ids["a"], user=await user_id(sessionmaker, FAR)))
    assert "Вы не руководите этим сообществом." in shown
    # a leader adding someone from outside the scope, or a user id that does not exist
    shown = await people["a"].click(CommCb(action="addpick", id=ids["a"], user=await user_id(sessionmaker, FAR)))
    assert any("открыто только педагогам" in text for text in shown)
    shown = await people["a"].click(CommCb(action="addpick", id=ids["a"], user=987654))
    assert "Педагог не найден." in shown
    assert await active_members(sessionmaker, ids["a"]) == {LEADER_A}
    assert await active_members(sessionmaker, ids["b"]) == {LEADER_B}
    async with sessionmaker() as session:
        assert not await session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "community.join")
        )


async def test_a_methodist_of_another_zone_cannot_touch_the_community(harness, sessionmaker, world):
    _, ids = world
    far_methodist = await make_methodist(harness, sessionmaker, FAR_METHODIST, "г. Волгодонск")
    member = await user_id(sessionmaker, MEMBER)
    for action in ("archive", "leadpick", "lead", "addpick"):
        shown = await far_methodist.click(CommCb(action=action, id=ids["a"], user=member))
        assert any("вне вашей зоны" in t or "не руководите" in t for t in shown), action
    assert (await community_row(sessionmaker, ids["a"])).archived_at is None
    assert await active_members(sessionmaker, ids["a"]) == {LEADER_A}
    # creating a community outside the zone: a forged organization id in the picker
    await far_methodist.send("/communities")
    await far_methodist.press("Создать сообщество")
    await far_methodist.press("Сетевое сообщество")
    novocherkassk = (await community_row(sessionmaker, ids["a"])).scope_org_id
    shown = await far_methodist.click(CommCb(action="orgpick", id=novocherkassk))
    assert "Эта организация вне вашей зоны ответственности." in shown


async def test_the_methodist_archives_and_a_member_cannot_join_an_archived_one(harness, sessionmaker, world):
    people, ids = world
    methodist = await make_methodist(harness, sessionmaker, METHODIST, "г. Новочеркасск")
    await methodist.click(CommCb(action="open", id=ids["a"]))
    shown = await methodist.press("В архив")
    assert "перенесено в архив" in shown[-1]
    shown = await people["member"].click(CommCb(action="join", id=ids["a"]))
    assert "Сообщество в архиве: вступить в него нельзя." in shown
    shown = await people["a"].click(CommCb(action="addpick", id=ids["a"], user=await user_id(sessionmaker, MEMBER)))
    assert "Сообщество в архиве: в нём ничего нельзя изменить." in shown
    shown = await people["member"].send("/communities")
    assert "МО математиков" not in shown[-1]


async def test_an_archived_community_leaves_the_lists_and_its_leader_can_neither_announce_nor_plan(
    harness, sessionmaker, world
):
    people, ids = world
    leader = people["a"]
    await manage_add(sessionmaker, ids["a"], await user_id(sessionmaker, MEMBER))
    assert "МО математиков" in (await people["member"].send("/communities"))[-1]
    methodist = await make_methodist(harness, sessionmaker, METHODIST, "г. Новочеркасск")
    # both dialogs were opened before the archiving and finish after it
    await leader.click(CommCb(action="mplan", id=ids["a"]))
    await leader.send("Итоги пробного ОГЭ")
    await methodist.click(CommCb(action="open", id=ids["a"]))
    await methodist.press("В архив")
    await leader.send(when(timedelta(days=3)))
    shown = await leader.send("Кабинет 12")
    assert "Сообщество в архиве: в нём ничего нельзя изменить." in shown[-1]
    await methodist.click(CommCb(action="open", id=ids["a"]))
    await methodist.press("Вернуть из архива")
    await leader.click(CommCb(action="ann", id=ids["a"]))
    await methodist.click(CommCb(action="open", id=ids["a"]))
    await methodist.press("В архив")
    shown = await leader.send("Завтра заседание переносится.")
    assert "Сообщество в архиве: в нём ничего нельзя изменить." in shown[-1]
    for action in ("ann", "mplan"):  # and an old button after it
        shown = await leader.click(CommCb(action=action, id=ids["a"]))
        assert "Сообщество в архиве: в нём ничего нельзя изменить." in shown, action
    async with sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(CommunityMeeting)) == 0
        assert await session.scalar(select(func.count()).select_from(Broadcast)) == 0
    for who in (leader, people["member"]):  # gone from the lists of its own members too
        assert "МО математиков" not in (await who.send("/communities"))[-1]
    await leader.click(CommCb(action="open", id=ids["a"]))  # the card stays readable, without the leader's tools
    labels = str(leader.buttons())
    assert "Участники" in labels and "Встречи" not in labels and "Объявление" not in labels
