"""152-ФЗ rights, stale and doubled buttons, floods, blocked users and unexpected failures."""

import json

from aiogram.exceptions import TelegramForbiddenError
from aiogram.methods import SendMessage
from sqlalchemy import select

from handlers.shared.callbacks import ConsentCb, DeleteMeCb
from models import AuditEntry, FsmRecord, Role, RoleGrant, User
from tests.support import clock
from tests.support.factories import built, make_event, register, route_steps
from tests.support.harness import Harness


async def test_my_data_sends_everything_as_json(harness):
    teacher = harness.user(701)
    await register(teacher)
    await teacher.send("/my_data")
    document = harness.api.sent("SendDocument", 701)[-1].document
    data = json.loads(document.data.decode("utf-8"))
    assert data["full_name"] == "Иванова Мария Петровна" and data["birth_year"] == 1990
    assert data["organization"] == "г. Новочеркасск, МБОУ СОШ № 1"
    assert (data["timezone"], data["timezone_name"]) == ("Europe/Moscow", "МСК, Москва")


async def test_delete_me_leaves_no_personal_data(harness, sessionmaker):
    teacher = harness.user(702)
    await register(teacher, name="Удаляемая Анна")
    async with sessionmaker() as session, session.begin():
        session.add(RoleGrant(telegram_id=702, role=Role.mentor))
    await teacher.send("/delete_me")
    replies = await teacher.press("Да, удалить")
    assert "удалены" in replies[-1]
    async with sessionmaker() as session:
        user = (await session.scalars(select(User))).one()
        assert (user.telegram_id, user.full_name, user.birth_year, user.subjects) == (None, None, None, [])
        assert user.erased_at is not None and user.organization_id is not None  # aggregates stay
        assert (await session.scalars(select(RoleGrant))).all() == []
        assert (await session.scalars(select(FsmRecord).where(FsmRecord.telegram_id == 702))).all() == []
        assert all(e.actor_telegram_id != 702 for e in await session.scalars(select(AuditEntry)))
    # The same person may come back and register afresh.
    replies = await teacher.send("/start")
    assert "Согласие" in replies[-1]


async def test_stale_and_forged_buttons_get_a_clear_answer(harness):
    teacher = harness.user(703)
    assert "устарела" in (await teacher.click("subj:3"))[-1]
    assert "устарела" in (await teacher.click("garbage-data"))[-1]
    assert "устарела" in (await teacher.click("org:reg:choose:notanumber:0"))[-1]
    await register(teacher)
    assert "устарела" in (await teacher.click("pos:teacher"))[-1]
    # Double tap on consent after registration: a friendly answer, no second user.
    assert "С возвращением" in (await teacher.click(ConsentCb(agree=True)))[-1]


async def test_double_tap_on_consent_keeps_one_dialog(harness, sessionmaker):
    teacher = harness.user(704)
    await teacher.send("/start")
    consent = harness.api.last_keyboard(704)[0]
    await teacher.click(ConsentCb(agree=True), consent)
    await teacher.send("Двойной Тап")
    replies = await teacher.click(ConsentCb(agree=True), consent)  # the second tap of a double tap
    assert "муниципалитет" in replies[-1]  # still at the step after the name, the name kept
    async with sessionmaker() as session:
        record = await session.scalar(select(FsmRecord).where(FsmRecord.telegram_id == 704))
    assert record.data["full_name"] == "Двойной Тап"


async def test_flood_gets_one_warning(db_url, sessionmaker):
    harness = Harness(db_url, sessionmaker, throttle_rate=3, throttle_window_s=60)
    await harness.start()
    user = harness.user(705)
    for _ in range(10):
        await user.send("привет")
    texts = harness.api.texts(705)
    assert texts.count("Слишком много сообщений подряд. Подождите несколько секунд и повторите.") == 1
    assert len(texts) == 4
    await harness.stop()


async def test_user_who_blocked_the_bot_is_marked_inactive(harness, sessionmaker):
    teacher = harness.user(706)
    await register(teacher)
    harness.api.fail(
        "SendMessage",
        706,
        TelegramForbiddenError(SendMessage(chat_id=706, text=""), "Forbidden: bot was blocked by the user"),
    )
    await teacher.send("/help")
    async with sessionmaker() as session:
        user = await session.scalar(select(User).where(User.telegram_id == 706))
    assert user.is_active is False and user.blocked_at is not None
    harness.api.failures.clear()
    await teacher.send("/start")
    async with sessionmaker() as session:
        user = await session.scalar(select(User).where(User.telegram_id == 706))
    assert user.is_active is True


async def test_help_lists_exactly_the_roles_commands(harness, sessionmaker):
    teacher = harness.user(707)
    await register(teacher)
    text = (await teacher.send("/help"))[-1]
    assert "/profile" in text and "/invite" not in text and "/grant" not in text
    async with sessionmaker() as session, session.begin():
        session.add(RoleGrant(telegram_id=707, role=Role.methodist, scope_org_id=1))
    text = (await teacher.send("/help"))[-1]
    assert "/invite" in text and "/grant" not in text


async def test_unexpected_error_gets_an_apology(harness, monkeypatch):
    teacher = harness.user(708)
    await register(teacher)

    async def boom(*args, **kwargs):
        raise RuntimeError("database exploded")

    monkeypatch.setattr("bot.services.onboarding.privacy.export_data", boom)
    replies = await teacher.send("/my_data")
    assert replies[-1].startswith("Что-то пошло не так")
    assert [r.exc_info[1].args for r in harness.errors.records] == [("database exploded",)]
    harness.errors.records.clear()  # the one error this test causes on purpose


async def test_delete_refusal_and_double_confirmation(harness, sessionmaker):
    teacher = harness.user(709)
    await register(teacher)
    await teacher.send("/delete_me")
    assert "ничего не удаляем" in (await teacher.click(DeleteMeCb(confirm=False)))[-1]
    confirm = harness.api.holding(709, DeleteMeCb(confirm=True).pack())
    assert "удалены" in (await teacher.click(DeleteMeCb(confirm=True), confirm))[-1]
    # The second tap shows the same screen again: Telegram refuses the identical edit, no error.
    assert await teacher.click(DeleteMeCb(confirm=True), confirm) == []
    assert "удалены" in teacher.screen(confirm)


async def test_my_data_has_answers_feedback_and_mentoring_and_delete_me_blanks_own_steps(harness, sessionmaker):
    """«Все данные» means all: the export carries every answer, rating and mentoring record, and
    erasure blanks the route steps the person wrote themselves."""
    from datetime import timedelta

    from models import (
        CheckIn,
        DiagnosisAnswer,
        EventFeedback,
        EventStatus,
        MentorPair,
        PairStatus,
        PairType,
        RouteStep,
        StepStatus,
        utcnow,
    )

    teacher, attempt_id = await built(harness, sessionmaker, 740)
    await register(harness.user(741), name="Наставникова Ольга")
    event_id = await make_event(
        sessionmaker, "Семинар по ФГОС", starts_at=utcnow() - timedelta(days=3), status=EventStatus.closed
    )
    route_id = (await route_steps(sessionmaker, 740))[0].route_id
    async with sessionmaker() as session, session.begin():
        me, other = [await session.scalar(select(User).where(User.telegram_id == tg)) for tg in (740, 741)]
        session.add(DiagnosisAnswer(attempt_id=attempt_id, item_code="3.1", area="3", value=0, answered_at=utcnow()))
        session.add(EventFeedback(event_id=event_id, user_id=me.id, rating=4, comment="Полезно"))
        pair = MentorPair(
            mentor_id=other.id,
            mentee_id=me.id,
            type=PairType.young_specialist,
            goal="Освоить ФГОС",
            starts_on=clock.moscow_today(),
            planned_end=clock.moscow_today() + timedelta(days=180),
            status=PairStatus.active,
            mentee_review="Спасибо наставнику",
        )
        session.add(pair)
        await session.flush()
        session.add(
            CheckIn(
                pair_id=pair.id, held_on=clock.moscow_today(), discussed="Урок 5 класса", next_steps="Открытый урок"
            )
        )
        session.add(
            RouteStep(
                route_id=route_id,
                position=99,
                area=None,
                deficit_kind="own",
                title="Мой проект «Лаборатория»",
                form="informal",
                task="Собрать кружок",
                deadline=clock.moscow_today() + timedelta(days=30),
                status=StepStatus.planned,
            )
        )
    await teacher.send("/my_data")
    data = json.loads(harness.api.sent("SendDocument", 740)[-1].document.data.decode("utf-8"))
    assert data["diagnoses"][0]["answers"]["3.1"] == 0
    assert data["event_feedback"] == [{"event": "Семинар по ФГОС", "rating": 4, "comment": "Полезно"}]
    [pairing] = data["mentoring"]
    assert (pairing["role"], pairing["goal"], pairing["my_review"]) == ("mentee", "Освоить ФГОС", "Спасибо наставнику")
    assert pairing["check_ins"][0]["discussed"] == "Урок 5 класса"
    assert "Мой проект «Лаборатория»" in [step["title"] for step in data["route_steps"]]

    await teacher.send("/delete_me")
    await teacher.press("Да, удалить")
    async with sessionmaker() as session:
        own = (await session.scalars(select(RouteStep).where(RouteStep.deficit_kind == "own"))).one()
    assert (own.title, own.task) == ("(удалено по просьбе пользователя)", "")
