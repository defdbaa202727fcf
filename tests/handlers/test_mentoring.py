"""Mentoring through the dispatcher: pairs made by a methodist from suggestions, the mentor's
/mentees with progress, comments, check-ins, proposals and approval, the mentee's /mentor and the
relay both ways, capacity, forged ids, ended pairs and foreign scopes. Diagnoses, routes and
events are written straight to the database (their own screens are tested elsewhere)."""

from datetime import timedelta

import pytest
from aiogram.exceptions import TelegramForbiddenError
from aiogram.methods import SendMessage
from sqlalchemy import func, select, update

from bot.services.mentoring import interactions
from handlers.mentoring.ui import MentorCb, PairCb, PickCb, ProposalCb, RelayCb, ReviewCb, SuggestCb
from handlers.route.ui import StepCb
from handlers.shared.outbox_buttons import pack
from models import (
    AreaResult,
    AttemptStatus,
    AuditEntry,
    CheckIn,
    ContentVersion,
    DiagnosisAttempt,
    Event,
    EventFormat,
    EventRegistration,
    MentorPair,
    OutboxMessage,
    PairStatus,
    PairType,
    RegistrationStatus,
    Role,
    RoleGrant,
    Route,
    RouteComment,
    RouteStatus,
    RouteStep,
    StepProposal,
    StepStatus,
    User,
    utcnow,
)
from tests.support import clock
from tests.support.factories import delivery_worker, make_methodist, org_id, register
from tests.support.telegram_html import assert_parses

TODAY = clock.moscow_today()  # the mentee's zone is the default, Moscow


@pytest.fixture(autouse=True)
async def html_is_valid(harness, sessionmaker):
    """Whatever the bot sent or queued in these scenarios is HTML Telegram accepts."""
    yield
    for request in harness.api.requests:
        text = getattr(request, "text", None) or getattr(request, "caption", None)
        if isinstance(text, str) and type(request).__name__ != "AnswerCallbackQuery":
            assert_parses(text)
    for message in await rows(sessionmaker, OutboxMessage):
        assert_parses(message.payload["text"])


async def person(harness, sessionmaker, telegram_id: int, name: str, year: str = "1975", **fields):
    user = harness.user(telegram_id)
    await register(user, name=name, year=year)
    if fields:
        if "school" in fields:  # org_id reads in its own session: before the write below begins
            fields["organization_id"] = await org_id(sessionmaker, fields.pop("school"))
        async with sessionmaker() as session, session.begin():
            await session.execute(update(User).where(User.telegram_id == telegram_id).values(**fields))
    return user


async def uid(sessionmaker, telegram_id: int) -> int:
    async with sessionmaker() as session:
        return await session.scalar(select(User.id).where(User.telegram_id == telegram_id))


async def diagnosis(sessionmaker, telegram_id: int, zones: dict[str, str], days_ago: int = 3) -> None:
    user_id = await uid(sessionmaker, telegram_id)
    async with sessionmaker() as session, session.begin():
        version = await session.scalar(select(ContentVersion.id).where(ContentVersion.kind == "questionnaire_teacher"))
        attempt = DiagnosisAttempt(
            user_id=user_id,
            variant="teacher",
            content_version_id=version,
            status=AttemptStatus.completed,
            completed_at=utcnow() - timedelta(days=days_ago),
        )
        session.add(attempt)
        await session.flush()
        scores = {"severe": 5, "partial": 9, "norm": 12, "resource": 15}
        session.add_all(
            AreaResult(attempt_id=attempt.id, area=area, score=scores[zone], max_score=15, zone=zone, point_deficits=[])
            for area, zone in zones.items()
        )


async def make_pair(sessionmaker, mentor_tg: int, mentee_tg: int, kind=PairType.subject, days_ago: int = 0) -> int:
    mentor_id, mentee_id = await uid(sessionmaker, mentor_tg), await uid(sessionmaker, mentee_tg)
    async with sessionmaker() as session, session.begin():
        start = TODAY - timedelta(days=days_ago)
        pair = MentorPair(
            mentor_id=mentor_id,
            mentee_id=mentee_id,
            type=kind,
            goal="Цель",
            starts_on=start,
            planned_end=start + timedelta(days=180),
            cadence_days=14,
            status=PairStatus.active,
            escalation_level=0,
        )
        session.add(pair)
        await session.flush()
        return pair.id


async def make_route(sessionmaker, telegram_id: int, status=RouteStatus.active) -> list[int]:
    """Four steps: one done, one overdue, two ahead (progress 25%, one overdue)."""
    user_id = await uid(sessionmaker, telegram_id)
    async with sessionmaker() as session, session.begin():
        route = Route(user_id=user_id, status=status, period_start=TODAY, period_end=TODAY + timedelta(days=180))
        session.add(route)
        await session.flush()
        plan = [
            ("Курс по оцениванию", StepStatus.done, 10),
            ("Вебинар ВПР", StepStatus.planned, -5),
            ("Книга Пинской", StepStatus.planned, 20),
            ("Стажировка", StepStatus.planned, 40),
        ]
        steps = [
            RouteStep(
                route_id=route.id,
                position=n,
                area="3",
                deficit_kind="severe",
                title=title,
                form="formal",
                deadline=TODAY + timedelta(days=shift),
                status=state,
                done_at=utcnow() if state == StepStatus.done else None,
            )
            for n, (title, state, shift) in enumerate(plan, start=1)
        ]
        session.add_all(steps)
        await session.flush()
        return [s.id for s in steps]


async def rows(sessionmaker, model, *where):
    async with sessionmaker() as session:
        return list(await session.scalars(select(model).where(*where)))


async def outbox(sessionmaker, chat_id: int) -> list[OutboxMessage]:
    return await rows(sessionmaker, OutboxMessage, OutboxMessage.chat_id == chat_id)


async def test_methodist_pairs_a_young_specialist_from_a_suggestion(harness, sessionmaker):
    methodist = await make_methodist(harness, sessionmaker, 801, "СОШ № 1")  # a deputy head: school scope
    await person(harness, sessionmaker, 802, "Молодая Анна", year=str(TODAY.year - 24), subjects=["Математика"])
    await person(harness, sessionmaker, 803, "Опытная Мария", experience_years=20)
    await person(harness, sessionmaker, 804, "Другой Пётр", school="СОШ № 3", experience_years=15)
    await diagnosis(sessionmaker, 802, {"3": "severe", "2": "partial", "1": "norm"})
    await diagnosis(sessionmaker, 803, {"3": "resource", "2": "norm", "1": "resource"})

    await methodist.send("/pairs")
    young = (await methodist.press("Молодые специалисты"))[-1]
    assert "Молодая Анна" in young and "Опытная Мария" not in young
    shown = (await methodist.press("Подобрать наставника: Молодая Анна"))[-1]
    assert "Дефициты: Оценочная, Методическая" in shown
    assert "ресурсная зона: Оценочная; тот же предмет: Математика; та же школа; свободно 3 места из 3" in shown
    assert shown.index("Опытная Мария") < shown.index("Другой Пётр")
    assert "тот же муниципалитет" in shown and "Молодая Анна</b> —" not in shown.split("Дефициты")[1]
    prompt = (await methodist.press("Назначить: Опытная Мария"))[-1]
    assert "Напишите цель" in prompt
    card = (await methodist.send("Освоить <формирующее> оценивание"))[-1]
    assert "Пара создана" in card and "&lt;формирующее&gt;" in card and "раз в 2 недели" in card

    pairs = await rows(sessionmaker, MentorPair)
    assert len(pairs) == 1
    pair = pairs[0]
    assert (pair.type, pair.starts_on, pair.cadence_days, pair.status) == (
        PairType.young_specialist,
        TODAY,
        14,
        PairStatus.active,
    )
    assert 89 <= (pair.planned_end - TODAY).days <= 276  # inside 3–9 months (6 by default)
    school = await org_id(sessionmaker, "СОШ № 1")
    assert await rows(
        sessionmaker,
        RoleGrant,
        RoleGrant.telegram_id == 803,
        RoleGrant.role == Role.mentor,
        RoleGrant.scope_org_id == school,
    )
    assert [m.purpose for m in await outbox(sessionmaker, 803)] == ["mentoring"]
    assert "Опытная Мария" in (await outbox(sessionmaker, 802))[0].payload["text"]
    assert [a.action for a in await rows(sessionmaker, AuditEntry, AuditEntry.action.like("pair.%"))] == ["pair.create"]
    # The young specialist has a mentor now; the methodist adjusts the default terms.
    await methodist.send("/pairs")
    assert "Молодая Анна" not in (await methodist.press("Молодые специалисты"))[-1]
    await methodist.click(PairCb(action="card", pair_id=pair.id))
    assert "Встречи: раз в неделю" in (await methodist.press("Раз в неделю"))[-1]
    await methodist.press("Дата окончания")
    refused = (await methodist.send(f"{TODAY + timedelta(days=30):%d.%m.%Y}"))[-1]
    assert "от 3 до 9 месяцев" in refused
    assert "Даты изменены" in (await methodist.send(f"{TODAY + timedelta(days=120):%d.%m.%Y}"))[-1]
    assert (await rows(sessionmaker, MentorPair))[0].cadence_days == 7
    assert "Подопечные, их маршруты" in (await outbox(sessionmaker, 803))[0].payload["text"]


async def test_mentor_sees_progress_comments_a_step_and_approves(harness, sessionmaker):
    mentor = await person(harness, sessionmaker, 811, "Наставник Ирина")
    await person(harness, sessionmaker, 812, "Подопечный Олег")
    await diagnosis(sessionmaker, 812, {"1": "norm", "2": "partial", "3": "severe"}, days_ago=2)
    pair_id = await make_pair(sessionmaker, 811, 812)
    steps = await make_route(sessionmaker, 812, status=RouteStatus.draft)
    school, user_id = await org_id(sessionmaker, "СОШ № 1"), await uid(sessionmaker, 812)
    async with sessionmaker() as session, session.begin():
        event = Event(
            title="Семинар",
            format=EventFormat.seminar,
            scope_org_id=school,
            timezone="Europe/Moscow",
            starts_at=utcnow() - timedelta(days=5),
            duration_min=60,
            registration_deadline=utcnow() - timedelta(days=6),
        )
        session.add(event)
        await session.flush()
        session.add(
            EventRegistration(event_id=event.id, user_id=user_id, status=RegistrationStatus.registered, attended=True)
        )
    listing = (await mentor.send("/mentees"))[-1]
    diagnosed = f"{TODAY - timedelta(days=2):%d.%m.%Y}"
    for fragment in (
        "Подопечный Олег",
        f"Диагностика: пройдена {diagnosed}",
        "выполнено 25%",
        "просрочено шагов: 1",
        "Мероприятия за 30 дней: 1",
        f"Последняя активность: {TODAY:%d.%m.%Y}",
    ):
        assert fragment in listing, fragment
    card = (await mentor.press("Подопечный Олег"))[-1]
    photo = harness.api.sent("SendPhoto", 811)[-1]  # the competency chart comes first
    assert "Подопечный Олег" in photo.caption and harness.api.requests.index(photo) < len(harness.api.requests) - 1
    assert "Оценочная — выраженный дефицит (5/15)" in card and "✅ 2. Курс по оцениванию" in card
    assert "⚠️ 1. Вебинар ВПР" in card  # soonest deadline first

    await mentor.press("Комментарий к шагу")
    await mentor.press("1. Вебинар ВПР")
    await mentor.send("Посмотрите <b>запись</b> & разбор")
    comments = await rows(sessionmaker, RouteComment)
    assert [(c.step_id, c.text) for c in comments] == [(steps[1], "Посмотрите <b>запись</b> & разбор")]
    note = (await outbox(sessionmaker, 812))[-1]
    assert "Посмотрите &lt;b&gt;запись&lt;/b&gt; &amp; разбор" in note.payload["text"]
    assert pack(note.payload["buttons"][0][0]["callback"]) == StepCb(action="open", step_id=steps[1]).pack()

    assert "ИОМ согласован" in (await mentor.press("Согласовать ИОМ"))[-1]
    route = (await rows(sessionmaker, Route))[0]
    assert (route.status, route.approved_by) == (RouteStatus.approved, 811)

    await mentor.click(MentorCb(action="propose", pair_id=pair_id))
    await mentor.send("Посетить урок коллеги")
    assert "в будущем" in (await mentor.send(f"{TODAY:%d.%m.%Y}"))[-1]
    assert "Предложение отправлено" in (await mentor.send(f"{TODAY + timedelta(days=14):%d.%m.%Y}"))[-1]
    proposal = (await rows(sessionmaker, StepProposal))[0]
    offer = [m for m in await outbox(sessionmaker, 812) if m.idempotency_key == f"proposal:{proposal.id}"][0]
    assert pack(offer.payload["buttons"][0][0]["callback"]) == ProposalCb(proposal_id=proposal.id, accept=True).pack()
    mentee = harness.user(812)
    assert "добавлен в ваш ИОМ" in (await mentee.click(pack(offer.payload["buttons"][0][0]["callback"])))[-1]
    assert "уже ответили" in (await mentee.click(ProposalCb(proposal_id=proposal.id, accept=False)))[-1]
    added = await rows(sessionmaker, RouteStep, RouteStep.title == "Посетить урок коллеги")
    assert [(s.route_id, s.deficit_kind, s.position) for s in added] == [(route.id, "own", 5)]
    assert "добавил(а) в свой ИОМ" in (await outbox(sessionmaker, 811))[-1].payload["text"]


async def test_checkin_is_logged_and_copied_to_the_mentee(harness, sessionmaker):
    mentor = await person(harness, sessionmaker, 821, "Наставник Павел")
    await person(harness, sessionmaker, 822, "Подопечная Вера")
    pair_id = await make_pair(sessionmaker, 821, 822, days_ago=40)
    async with sessionmaker() as session, session.begin():
        await session.execute(update(MentorPair).values(escalation_level=2))
    await mentor.click(MentorCb(action="checkin", pair_id=pair_id))
    assert "не может быть в будущем" in (await mentor.send(f"{TODAY + timedelta(days=1):%d.%m.%Y}"))[-1]
    assert "раньше" in (await mentor.send(f"{TODAY - timedelta(days=41):%d.%m.%Y}"))[-1]
    await mentor.send(f"{TODAY:%d.%m.%Y}")
    await mentor.send("Разобрали урок <7 класс>")
    saved = (await mentor.send("Открытый урок к пятнице"))[-1]
    assert "Встреча записана" in saved and f"Последняя встреча: {TODAY:%d.%m.%Y}" in saved
    checkin = (await rows(sessionmaker, CheckIn))[0]
    assert (checkin.held_on, checkin.discussed, checkin.next_steps) == (
        TODAY,
        "Разобрали урок <7 класс>",
        "Открытый урок к пятнице",
    )
    assert (await rows(sessionmaker, MentorPair))[0].escalation_level == 0
    copy = (await outbox(sessionmaker, 822))[-1]
    assert copy.idempotency_key == f"checkin_copy:{checkin.id}"
    assert "Разобрали урок &lt;7 класс&gt;" in copy.payload["text"]
    assert "Открытый урок к пятнице" in copy.payload["text"]


async def test_mentee_writes_through_the_bot_and_the_reply_comes_back(harness, sessionmaker):
    mentor = await person(harness, sessionmaker, 831, "Наставник Глеб", school="СОШ № 3")
    mentee = await person(harness, sessionmaker, 832, "Подопечная Нина")
    pair_id = await make_pair(sessionmaker, 831, 832)
    shown = (await mentee.send("/mentor"))[-1]
    assert "Ваш наставник: Наставник Глеб" in shown and "МБОУ СОШ № 3" in shown
    assert "831" not in shown and "@" not in shown
    await mentee.press("Написать")
    assert "можно до 2000" in (await mentee.send("x" * 2001))[-1]
    # Mentoring had its own copy of the text check that let control characters through.
    assert "управляющие символы" in (await mentee.send("Здравствуйте\x1b[2J"))[-1]
    seen_by_mentor = len(harness.api.requests)
    assert "Сообщение передано" in (await mentee.send("Можно <b>вопрос</b>?"))[-1]
    assert [r for r in harness.api.requests[seen_by_mentor:] if getattr(r, "chat_id", None) == 831] == []
    (queued,) = await outbox(sessionmaker, 831)
    assert queued.purpose == "mentoring_relay" and queued.urgent  # a person's message waits for no morning
    assert queued.idempotency_key.startswith("relay:")
    worker, api = delivery_worker(sessionmaker)
    await worker.run_once()
    relayed = api.sent(chat_id=831)[-1]
    assert relayed.text.endswith("Можно &lt;b&gt;вопрос&lt;/b&gt;?")
    assert "Сообщение от подопечного\nПодопечный: <b>Подопечная Нина</b>" in relayed.text
    assert relayed.reply_markup.inline_keyboard[0][0].callback_data == RelayCb(pair_id=pair_id).pack()
    await mentor.click(relayed.reply_markup.inline_keyboard[0][0].callback_data)  # «Ответить» on the delivered one
    await mentor.send("Конечно, завтра в 15:00")
    await worker.run_once()
    back = api.sent(chat_id=832)[-1]
    assert "Сообщение от наставника\nНаставник: <b>Наставник Глеб</b>" in back.text and back.text.endswith(
        "Конечно, завтра в 15:00"
    )
    # A redelivered update relays nothing twice (the key is the sender's message).
    source_message_id = int(queued.idempotency_key.rsplit(":", 1)[1])
    async with sessionmaker() as session, session.begin():
        sender = await session.scalar(select(User).where(User.telegram_id == 832))
        assert (await interactions.relay(session, sender, pair_id, "Можно?", source_message_id)).reachable
    assert len(await outbox(sessionmaker, 831)) == 1
    # A recipient who blocks the bot is marked by the delivery (403) and the next relay says so.
    await mentee.click(RelayCb(pair_id=pair_id))
    await mentee.send("Вы здесь?")
    api.fail("SendMessage", 831, TelegramForbiddenError(SendMessage(chat_id=831, text=""), "Forbidden"))
    await worker.run_once()
    assert (await rows(sessionmaker, User, User.telegram_id == 831))[0].is_active is False
    await mentee.click(RelayCb(pair_id=pair_id))
    assert "Не удалось доставить" in (await mentee.send("Вы здесь?"))[-1]
    assert len(await outbox(sessionmaker, 831)) == 2  # nothing queued for a chat known to be gone


async def test_forged_ids_from_another_mentor_change_nothing(harness, sessionmaker):
    mine = await person(harness, sessionmaker, 841, "Наставник Свой")
    await person(harness, sessionmaker, 842, "Подопечный Свой")
    await person(harness, sessionmaker, 843, "Наставник Чужой")
    stranger = await person(harness, sessionmaker, 844, "Подопечный Чужой")
    own_pair = await make_pair(sessionmaker, 841, 842)
    foreign_pair = await make_pair(sessionmaker, 843, 844)
    await make_route(sessionmaker, 842)
    foreign_steps = await make_route(sessionmaker, 844, status=RouteStatus.draft)
    before = len(await rows(sessionmaker, OutboxMessage))
    for action in ("card", "steps", "cmt_route", "approve", "propose", "checkin", "write"):
        replies = await mine.click(MentorCb(action=action, pair_id=foreign_pair))
        assert "не ваш подопечный" in replies[-1] or "недоступна" in replies[-1], action
    assert "недоступна" in (await mine.click(RelayCb(pair_id=foreign_pair)))[-1]
    replies = await mine.click(MentorCb(action="cmt_step", pair_id=own_pair, step_id=foreign_steps[0]))
    assert "Шаг не найден" in replies[-1]
    assert "Подопечный Чужой" not in "".join(harness.api.texts(841))
    # A teacher forging a methodist's buttons is refused too.
    assert "только методистам" in (await stranger.click(SuggestCb(mentee_id=1, kind="subject")))[-1]
    assert "только методистам" in (await stranger.click(PairCb(action="end", pair_id=own_pair)))[-1]
    assert await rows(sessionmaker, RouteComment) == [] and await rows(sessionmaker, CheckIn) == []
    assert len(await rows(sessionmaker, OutboxMessage)) == before
    assert (
        await rows(
            sessionmaker,
            Route,
            Route.id == (await rows(sessionmaker, RouteStep, RouteStep.id == foreign_steps[0]))[0].route_id,
        )
    )[0].status == RouteStatus.draft
    assert [p.status for p in await rows(sessionmaker, MentorPair)] == [PairStatus.active] * 2


async def test_a_fourth_mentee_is_refused(harness, sessionmaker):
    methodist = await make_methodist(harness, sessionmaker, 851, "г. Новочеркасск")
    await person(harness, sessionmaker, 852, "Занятой Наставник")
    for n in range(3):
        await person(harness, sessionmaker, 853 + n, f"Подопечный Номер{'ABC'[n]}", experience_years=10)
        await make_pair(sessionmaker, 852, 853 + n)
    await person(harness, sessionmaker, 857, "Четвёртый Педагог")
    mentee, busy = await uid(sessionmaker, 857), await uid(sessionmaker, 852)
    shown = (await methodist.click(SuggestCb(mentee_id=mentee, kind="subject")))[-1]
    assert "Занятой Наставник" not in shown and "Подопечный НомерA" in shown
    replies = await methodist.click(PickCb(mentee_id=mentee, mentor_id=busy, kind="subject"))
    assert "уже 3 подопечных — это предел (3)" in replies[-1]
    assert len(await rows(sessionmaker, MentorPair)) == 3


async def test_the_limit_of_mentees_is_the_deployments_setting(harness, sessionmaker):
    harness.settings.mentor_capacity = 1  # MENTOR_CAPACITY=1
    harness.restart()
    methodist = await make_methodist(harness, sessionmaker, 861, "г. Новочеркасск")
    await person(harness, sessionmaker, 862, "Единственный Наставник")
    await person(harness, sessionmaker, 863, "Первый Подопечный")
    await make_pair(sessionmaker, 862, 863)
    await person(harness, sessionmaker, 864, "Второй Педагог")
    mentee, busy = await uid(sessionmaker, 864), await uid(sessionmaker, 862)
    shown = (await methodist.click(SuggestCb(mentee_id=mentee, kind="subject")))[-1]
    assert "Единственный Наставник" not in shown
    replies = await methodist.click(PickCb(mentee_id=mentee, mentor_id=busy, kind="subject"))
    assert "уже 1 подопечный — это предел (1)" in replies[-1]
    assert len(await rows(sessionmaker, MentorPair)) == 1


async def test_ended_pair_asks_for_reviews_and_the_former_mentor_loses_access(harness, sessionmaker):
    methodist = await make_methodist(harness, sessionmaker, 861, "г. Новочеркасск")
    mentor = await person(harness, sessionmaker, 862, "Бывший Наставник")
    mentee = await person(harness, sessionmaker, 863, "Бывший Подопечный")
    pair_id = await make_pair(sessionmaker, 862, 863)
    await methodist.send("/pairs")
    await methodist.press("Действующие пары")
    await methodist.press("Бывший Наставник")
    assert "Завершить наставничество" in (await methodist.press("Завершить пару"))[-1]
    card = (await methodist.press("Да, завершить"))[-1]
    assert "Наставничество завершено" in card and "Отзыв наставника: пока нет" in card
    await methodist.click(PairCb(action="end", pair_id=pair_id))  # a double tap changes nothing
    pair = (await rows(sessionmaker, MentorPair))[0]
    assert pair.status == PairStatus.ended and pair.ended_at is not None
    assert [a.action for a in await rows(sessionmaker, AuditEntry, AuditEntry.action == "pair.end")] == ["pair.end"]

    assert "нет подопечных" in (await mentor.send("/mentees"))[-1]
    assert "не ваш подопечный" in (await mentor.click(MentorCb(action="card", pair_id=pair_id)))[-1]
    assert "завершено" in (await mentor.click(RelayCb(pair_id=pair_id)))[-1]
    assert "пока нет наставника" in (await mentee.send("/mentor"))[-1]
    for user, telegram_id, text in ((mentor, 862, "Было полезно"), (mentee, 863, "Спасибо <наставнику>")):
        request = [
            m
            for m in await outbox(sessionmaker, telegram_id)
            if m.idempotency_key.endswith(":ended:" + ("mentor" if telegram_id == 862 else "mentee"))
        ][0]
        assert pack(request.payload["buttons"][0][0]["callback"]) == ReviewCb(pair_id=pair_id).pack()
        await user.click(ReviewCb(pair_id=pair_id))
        assert "Отзыв сохранён" in (await user.send(text))[-1]
    pair = (await rows(sessionmaker, MentorPair))[0]
    assert (pair.mentor_review, pair.mentee_review) == ("Было полезно", "Спасибо <наставнику>")
    assert "недоступна" in (await methodist.click(ReviewCb(pair_id=pair_id)))[-1]  # not a member of the pair
    history = (await methodist.click(PairCb(action="card", pair_id=pair_id)))[-1]
    assert "Спасибо &lt;наставнику&gt;" in history


async def test_methodist_of_another_municipality_cannot_make_or_touch_pairs(harness, sessionmaker):
    outsider = await make_methodist(harness, sessionmaker, 871, "г. Новошахтинск")
    await person(harness, sessionmaker, 872, "Местный Наставник")
    await person(harness, sessionmaker, 873, "Местный Педагог")
    mentor, mentee = await uid(sessionmaker, 872), await uid(sessionmaker, 873)
    assert "вне вашей зоны" in (await outsider.click(SuggestCb(mentee_id=mentee, kind="subject")))[-1]
    assert "вне вашей зоны" in (await outsider.click(PickCb(mentee_id=mentee, mentor_id=mentor, kind="subject")))[-1]
    assert await rows(sessionmaker, MentorPair) == []
    pair_id = await make_pair(sessionmaker, 872, 873)
    for action in ("card", "end_ask", "end", "months"):
        assert "вне вашей зоны" in (await outsider.click(PairCb(action=action, pair_id=pair_id, value=3)))[-1]
    await outsider.send("/pairs")
    assert "Пар пока нет" in (await outsider.press("Действующие пары"))[-1]
    await outsider.press("Меню")
    await outsider.press("Подобрать наставника")
    assert "Никого не нашлось" in (await outsider.send("Местный"))[-1]
    assert (await rows(sessionmaker, MentorPair))[0].status == PairStatus.active
    async with sessionmaker() as session:
        assert (
            await session.scalar(select(func.count()).select_from(RoleGrant).where(RoleGrant.role == Role.mentor)) == 0
        )
