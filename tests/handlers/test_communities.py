"""Communities through the dispatcher: a methodist creates a subject МО with the auto option and
appoints a leader; teachers see what is open to them, join and leave (a double tap does one
thing, the last leader stays); the subject rule at creation and at registration."""

import json

from sqlalchemy import func, select

from handlers.communities.callbacks import CommCb
from models import Community, CommunityKind, CommunityMember, MemberStatus, OutboxMessage
from tests.support.communities import active_members, community, member_rows, teacher, user_id
from tests.support.factories import diagnosed, make_methodist

METHODIST, MATHS, RUSSIAN, PHYSICS, FAR = 7001, 7002, 7003, 7004, 7005


async def _outbox(sessionmaker, chat_id: int) -> list[str]:
    async with sessionmaker() as session:
        rows = await session.scalars(select(OutboxMessage).where(OutboxMessage.chat_id == chat_id))
        return [row.payload["text"] for row in rows]


async def test_methodist_creates_subject_mo_with_auto_membership_and_a_leader(harness, sessionmaker):
    maths = await teacher(harness, MATHS, "Петрова Анна Ивановна", subjects=("Математика",))
    await teacher(harness, RUSSIAN, "Сидорова Вера Павловна", school="СОШ № 3", subjects=("Русский язык",))
    await teacher(harness, FAR, "Далёкая Нина", town="Волгодонск", school="СШ № 5", subjects=("Математика",))
    methodist = await make_methodist(harness, sessionmaker, METHODIST, "г. Новочеркасск")

    await methodist.send("/communities")
    await methodist.press("Создать сообщество")
    await methodist.press("Муниципальное МО")
    assert "Новочеркасск" in methodist.screen()
    await methodist.press("✅ г. Новочеркасск")
    await methodist.send("МО учителей математики")
    await methodist.send("Подготовка к ОГЭ и обмен опытом")
    await methodist.press("Математика")
    await methodist.press("Готово")
    shown = await methodist.press("2. Методическая")
    assert "Выбрано: 2" in shown[-1]
    await methodist.press("Готово")
    shown = await methodist.press("Да, принимать автоматически")
    # the maths teachers of the municipality: the teacher and the methodist (registered as one)
    assert "создано" in shown[-1] and "автоматически включены: 2" in shown[-1]

    async with sessionmaker() as session:
        made = await session.scalar(select(Community))
    assert made.kind == CommunityKind.municipal_mo and made.subjects == ["Математика"] and made.auto_by_subject
    assert made.areas == ["2"]
    # the Russian teacher and the maths teacher of another municipality are not in
    assert await active_members(sessionmaker, made.id) == {MATHS, METHODIST}
    assert any("МО учителей математики" in t for t in await _outbox(sessionmaker, MATHS))

    await methodist.press("Назначить руководителя")
    assert "Петрова Анна Ивановна" in str(methodist.buttons()) and "Далёкая" not in str(methodist.buttons())
    shown = await methodist.press("Петрова Анна Ивановна")
    assert "Руководитель назначен" in shown[-1] and "Руководитель: Петрова Анна Ивановна" in shown[-1]
    assert (await member_rows(sessionmaker, made.id))[MATHS].is_leader
    assert any("назначены руководителем" in t for t in await _outbox(sessionmaker, MATHS))

    # the leader's /communities lists it first with its member count
    shown = await maths.send("/communities")
    assert "МО учителей математики" in shown[-1] and "2 участника" in shown[-1]


async def test_teacher_joins_and_leaves_and_a_double_tap_does_one_thing(harness, sessionmaker):
    teacher_ = await teacher(harness, RUSSIAN, "Сидорова Вера Павловна", school="СОШ № 3", subjects=("Русский язык",))
    network = await community(
        sessionmaker, "Сеть «Функциональная грамотность»", "Ростовская область", CommunityKind.network
    )
    russian = await community(sessionmaker, "МО словесников", subjects=("Русский язык",))
    await community(sessionmaker, "МО Волгодонска", "г. Волгодонск")

    shown = await teacher_.send("/communities")
    listed = shown[-1]
    assert "МО Волгодонска" not in listed  # another municipality: not open to her
    assert listed.index("МО словесников") < listed.index("Сеть")  # her subject first
    assert "⭐" in listed

    await teacher_.click(CommCb(action="open", id=network))
    first = await teacher_.click(CommCb(action="join", id=network))
    message_id = harness.api.last_keyboard(RUSSIAN)[0]
    again = await teacher_.click(CommCb(action="join", id=network), message_id)
    assert "Вы вступили" in first[-1] and "Вы вступили" not in str(again)
    async with sessionmaker() as session:
        rows = await session.scalar(select(func.count()).select_from(CommunityMember))
    assert rows == 1 and await active_members(sessionmaker, network) == {RUSSIAN}

    shown = await teacher_.press("Выйти")
    assert "Вы вышли" in shown[-1]
    row = (await member_rows(sessionmaker, network))[RUSSIAN]
    assert row.status == MemberStatus.left and row.left_at is not None
    assert await active_members(sessionmaker, russian) == set()


async def test_the_last_leader_cannot_leave_until_another_is_appointed(harness, sessionmaker):
    leader = await teacher(harness, MATHS, "Петрова Анна Ивановна")
    await teacher(harness, PHYSICS, "Физиков Олег", subjects=("Физика",))
    made = await community(sessionmaker, "МО математиков", leader_tg=MATHS)

    shown = await leader.click(CommCb(action="leave", id=made))
    assert "единственный руководитель" in str(shown)
    assert MATHS in await active_members(sessionmaker, made)

    methodist = await make_methodist(harness, sessionmaker, METHODIST, "г. Новочеркасск")
    await methodist.click(CommCb(action="leadpick", id=made, user=await user_id(sessionmaker, PHYSICS)))
    shown = await leader.click(CommCb(action="leave", id=made))
    assert "Вы вышли" in shown[-1]
    assert await active_members(sessionmaker, made) == {PHYSICS}


async def test_a_new_maths_teacher_joins_the_auto_mo_at_registration_but_one_who_left_stays_out(harness, sessionmaker):
    first = await teacher(harness, MATHS, "Петрова Анна Ивановна")
    made = await community(sessionmaker, "МО математиков", subjects=("Математика",), auto=True)
    assert await active_members(sessionmaker, made) == {MATHS}
    await first.click(CommCb(action="leave", id=made))

    shown = await teacher(harness, PHYSICS, "Новикова Ирина", school="лицей № 7", subjects=("Математика", "Физика"))
    assert await active_members(sessionmaker, made) == {PHYSICS}
    assert MATHS in await member_rows(sessionmaker, made)  # left, and not taken back in
    assert shown is not None
    texts = harness.api.texts(PHYSICS)
    assert any("МО математиков" in t for t in texts[-1:])  # told at once, in the registration answer


async def test_a_young_specialist_is_offered_the_young_teachers_community_after_registration(harness, sessionmaker):
    young = await community(sessionmaker, "Молодые педагоги Новочеркасска", kind=CommunityKind.young)
    await community(sessionmaker, "Молодые педагоги Волгодонска", "г. Волгодонск", kind=CommunityKind.young)
    newcomer = await teacher(harness, RUSSIAN, "Юная Алина", subjects=("Русский язык",), experience="1", year="2001")
    offer = harness.api.texts(RUSSIAN)[-1]
    assert "Молодые педагоги Новочеркасска" in offer and "Волгодонска" not in offer
    shown = await newcomer.press("Вступить")
    assert "Вы вступили" in shown[-1]
    assert (await member_rows(sessionmaker, young))[RUSSIAN].source == "offer"

    await teacher(harness, MATHS, "Опытная Галина")  # 10 years of experience: no offer
    assert "Молодые педагоги" not in harness.api.texts(MATHS)[-1]


async def test_delete_me_removes_the_person_from_every_community_leader_role_included(harness, sessionmaker):
    leaving = await teacher(harness, MATHS, "Петрова Анна Ивановна")
    stays = await teacher(harness, PHYSICS, "Физиков Олег", subjects=("Физика",))
    led = await community(sessionmaker, "МО математиков", leader_tg=MATHS)
    network = await community(sessionmaker, "Сеть наставников", "Ростовская область", CommunityKind.network)
    await leaving.click(CommCb(action="join", id=network))
    await stays.click(CommCb(action="join", id=network))

    await leaving.send("/my_data")
    exported = json.loads(harness.api.sent("SendDocument", MATHS)[-1].document.data)
    assert [(c["community"], c["leader"]) for c in exported["communities"]] == [
        ("МО математиков", True),
        ("Сеть наставников", False),
    ]
    await leaving.send("/delete_me")
    await leaving.press("Да, удалить")
    for community_id in (led, network):
        rows = await member_rows(sessionmaker, community_id)
        assert MATHS not in rows  # the erased person's row has no telegram id any more
        assert await active_members(sessionmaker, community_id) == ({PHYSICS} if community_id == network else set())
    async with sessionmaker() as session:
        left = list(await session.scalars(select(CommunityMember).where(CommunityMember.status == MemberStatus.left)))
    assert len(left) == 2 and not any(row.is_leader for row in left)
    shown = await stays.click(CommCb(action="open", id=network))
    assert "Участников: 1" in shown[-1]


async def test_communities_of_the_teachers_deficit_areas_come_first(harness, sessionmaker):
    russian = await teacher(harness, RUSSIAN, "Сидорова Вера Павловна", subjects=("Русский язык",))
    await community(sessionmaker, "Аа: сеть цифровой школы", "Ростовская область", CommunityKind.network)
    assessing = await community(sessionmaker, "Яя: сеть «Оценивание»", "Ростовская область", CommunityKind.network)
    async with sessionmaker() as session, session.begin():
        (await session.get(Community, assessing)).areas = ["3"]
    before = (await russian.send("/communities"))[-1]
    assert before.index("Аа:") < before.index("Яя:")  # by title while nothing matches
    await diagnosed(sessionmaker, RUSSIAN)  # area 3 severe
    after = (await russian.send("/communities"))[-1]
    assert after.index("Яя:") < after.index("Аа:") and "⭐ <b>Яя:" in after


async def test_a_profile_change_brings_a_teacher_into_the_matching_auto_mo_but_not_one_who_left(harness, sessionmaker):
    physicist = await teacher(harness, PHYSICS, "Физиков Олег", subjects=("Физика",))
    left = await teacher(harness, MATHS, "Петрова Анна Ивановна")
    moving = await teacher(harness, FAR, "Дальняя Мария", town="Волгодонск", school="СШ № 5")
    made = await community(sessionmaker, "МО математиков", subjects=("Математика",), auto=True)
    assert await active_members(sessionmaker, made) == {MATHS}
    await left.click(CommCb(action="leave", id=made))

    # new subjects: the auto МО of maths takes the physicist in, and he reads it at once
    await physicist.send("/profile")
    await physicist.press("Предметы")
    await physicist.press("Математика")
    shown = await physicist.press("Готово")
    assert "Вас включили в сообщество «МО математиков»" in shown[-1]
    # one who left on her own stays out whatever she changes
    await left.send("/profile")
    await left.press("Предметы")
    await left.press("Физика")
    shown = await left.press("Готово")
    assert "МО математиков" not in shown[-1]
    # a maths teacher moving into the scope joins it too
    await moving.send("/profile")
    await moving.press("Организация")
    await moving.press("Новочеркасск")
    shown = await moving.press("СОШ № 1")
    assert "Вас включили в сообщество «МО математиков»" in shown[-1]
    assert await active_members(sessionmaker, made) == {PHYSICS, FAR}
    assert (await member_rows(sessionmaker, made))[PHYSICS].source == "auto"
