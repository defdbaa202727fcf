"""/diagnostics through the dispatcher: the intro, one question per edited message, answers saved
as they are tapped, pause and resume across a restart, «Назад», stale and forged buttons, the result
with the chart, and the second attempt compared with the first."""

from datetime import timedelta

from sqlalchemy import func, select, update

from bot.services import diagnosis
from handlers.diagnosis.ui import AnswerCb, MenuCb
from models import AreaResult, AttemptStatus, ContentVersion, DiagnosisAnswer, DiagnosisAttempt, Position, User
from tests.support.factories import register

# Per teacher area: five answers. Area 3 severe (5), 2 partial (10), 1 resource (15), 4 norm (11) with a
# point deficit at 4.5, and so on.
FIRST = {
    "1": [3, 3, 3, 3, 3],
    "2": [2, 2, 2, 2, 2],
    "3": [1, 1, 1, 1, 1],
    "4": [3, 3, 3, 2, 0],
    "5": [2, 2, 2, 1, 1],
    "6": [2, 2, 2, 2, 3],
    "7": [0, 1, 1, 1, 1],
    "8": [3, 3, 3, 3, 2],
}
SECOND = {**FIRST, "3": [2, 2, 2, 2, 1], "7": [1, 1, 2, 1, 1], "2": [2, 2, 2, 2, 3]}


def flat(plan: dict[str, list[int]]) -> list[int]:
    return [value for area in sorted(plan) for value in plan[area]]


async def teacher(harness, telegram_id: int):
    user = harness.user(telegram_id)
    await register(user)
    return user


async def attempt_of(sessionmaker, telegram_id: int) -> DiagnosisAttempt | None:
    async with sessionmaker() as session:
        return await session.scalar(
            select(DiagnosisAttempt)
            .join(User)
            .where(User.telegram_id == telegram_id)
            .order_by(DiagnosisAttempt.id.desc())
            .limit(1)
        )


async def answers_of(sessionmaker, attempt_id: int) -> dict[str, int]:
    async with sessionmaker() as session:
        rows = await session.execute(
            select(DiagnosisAnswer.item_code, DiagnosisAnswer.value).where(DiagnosisAnswer.attempt_id == attempt_id)
        )
        return {code: value for code, value in rows}


async def tap(user, sessionmaker, action: str = "a", value: int = 0) -> list[str]:
    """Press a button of the current question in the attempt's own message."""
    attempt = await attempt_of(sessionmaker, user.id)
    data = AnswerCb(action=action, attempt_id=attempt.id, index=attempt.current_index, value=value)
    return await user.click(data, message_id=attempt.message_id)


async def begin(user) -> list[str]:
    await user.send("/diagnostics")
    return await user.press("Начать")


async def answer_all(user, sessionmaker, values: list[int]) -> list[str]:
    replies = []
    for value in values:
        replies = await tap(user, sessionmaker, value=value)
    return replies


async def test_unregistered_user_is_asked_to_register(harness):
    assert "Сначала зарегистрируйтесь" in (await harness.user(800).send("/diagnostics"))[-1]


async def test_full_teacher_attempt_saves_results_and_sends_the_chart(harness, sessionmaker):
    t = await teacher(harness, 801)
    intro = (await t.send("/diagnostics"))[-1]
    assert "40 утверждений" in intro and "около 8 минут" in intro and "Пауза" in intro and "/diagnostics" in intro
    assert "3</b> — делаю уверенно и могу показать или научить коллег" in intro
    assert [label for label, _ in t.buttons()] == ["▶ Начать"]
    intro_id, mark = harness.api.last_keyboard(801)[0], len(harness.api.requests)
    first = (await t.press("Начать"))[-1]
    assert "Вопрос 1 из 40" in first and "▱▱▱▱▱▱▱▱▱▱ 0%" in first and "Сам решаю задания ОГЭ/ЕГЭ" in first
    assert "0</b> — не умею или не делаю" in first
    assert [label for label, _ in t.buttons()] == ["0", "1", "2", "3", "⏸ Пауза"]
    edits = harness.api.sent("EditMessageText", 801)
    assert edits[-1].message_id == intro_id  # the intro message became the questionnaire

    replies = await answer_all(t, sessionmaker, flat(FIRST)[:12])
    assert (
        "Вопрос 13 из 40" in replies[-1] and "▰▰▰▱▱▱▱▱▱▱ 30%" in replies[-1] and "Область 3. Оценочная" in replies[-1]
    )
    assert [label for label, _ in t.buttons()] == ["0", "1", "2", "3", "◀ Назад", "⏸ Пауза"]
    assert {r.message_id for r in harness.api.requests[mark:] if type(r).__name__ == "EditMessageText"} == {intro_id}
    await answer_all(t, sessionmaker, flat(FIRST)[12:])

    attempt = await attempt_of(sessionmaker, 801)
    assert attempt.status == AttemptStatus.completed and attempt.completed_at is not None
    async with sessionmaker() as session:
        current = await session.scalar(
            select(ContentVersion).where(ContentVersion.kind == "questionnaire_teacher", ContentVersion.is_current)
        )
        results = {
            r.area: (r.score, r.max_score, r.zone, r.point_deficits)
            for r in await diagnosis.area_results(session, attempt.id)
        }
        user_id = attempt.user_id
        assert await diagnosis.deficit_areas(session, user_id) == {"2", "3", "5", "7"}
        assert (await diagnosis.latest_completed(session, user_id)).id == attempt.id
    assert attempt.content_version_id == current.id
    assert results["1"] == (15, 15, "resource", []) and results["2"] == (10, 15, "partial", [])
    assert results["3"] == (5, 15, "severe", []) and results["4"] == (11, 15, "norm", ["4.5"])
    assert results["7"] == (4, 15, "severe", ["7.1"]) and len(results) == 8

    (photo,) = harness.api.sent("SendPhoto", 801)
    assert photo.photo.data.startswith(b"\x89PNG") and "Профиль компетенций" in photo.caption
    text = harness.api.texts(801)[-1]
    assert "Результаты самодиагностики" in text and "3. Оценочная — <b>5</b> из 15: выраженный дефицит" in text
    assert "1. Предметная — <b>15</b> из 15: ресурсная зона ⭐" in text and "наставником для коллег" in text
    assert "4.5 Провожу проекты" in text and "7.1 Провожу родительские собрания" in text
    assert "объективную диагностику" in text and "Повторная диагностика — не раньше" in text
    # Area 1 is in the resource zone: an invitation to share a practice.
    assert "Вы в ресурсной зоне по областям: 1. Предметная, 8. Цифровая." in text
    assert t.buttons() == [
        ("🧭 Построить ИОМ", f"rbuildr:{attempt.id}"),
        ("📚 Поделиться практикой", "prc:share:0:0"),
        ("🎯 Проверить себя", "oc:pick:"),  # areas 3 and 7 are in the severe zone
    ]
    assert "Все ответы сохранены" in harness.api.sent("EditMessageText", 801)[-1].text
    assert (
        "уже завершена"
        in (
            await t.click(AnswerCb(action="a", attempt_id=attempt.id, index=39, value=3), message_id=attempt.message_id)
        )[-1]
    )
    async with sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(AreaResult)) == 8


async def test_pause_restart_and_resume_at_the_same_question(harness, sessionmaker):
    t = await teacher(harness, 802)
    await begin(t)
    await answer_all(t, sessionmaker, [2, 2, 1, 3, 0])
    paused = (await tap(t, sessionmaker, "p"))[-1]
    assert "Пауза" in paused and "вопросе 6 из 40" in paused
    before = await attempt_of(sessionmaker, 802)

    harness.restart()  # a new dispatcher: only the database remembers the questionnaire
    menu = (await t.send("/diagnostics"))[-1]
    assert "незавершённая" in menu and "вопросе 6 из 40" in menu
    resumed = (await t.press("Продолжить"))[-1]
    assert "Вопрос 6 из 40" in resumed and "Методическая" in resumed
    after = await attempt_of(sessionmaker, 802)
    assert after.id == before.id and after.current_index == 5 and after.message_id != before.message_id
    assert harness.api.sent("SendMessage", 802)[-1].text == resumed  # a fresh message, not an edit
    moved = harness.api.sent("EditMessageText", 802)[-1]
    assert "продолжается в новом сообщении" in moved.text and moved.message_id == before.message_id

    old = AnswerCb(action="a", attempt_id=after.id, index=5, value=3)
    assert "из старого сообщения" in (await t.click(old, message_id=before.message_id))[-1]
    assert len(await answers_of(sessionmaker, after.id)) == 5
    assert "Вопрос 7 из 40" in (await tap(t, sessionmaker, value=3))[-1]
    assert (await answers_of(sessionmaker, after.id))["2.1"] == 3


async def test_back_changes_the_previous_answer(harness, sessionmaker):
    t = await teacher(harness, 803)
    await begin(t)
    await answer_all(t, sessionmaker, [1, 2])
    attempt = await attempt_of(sessionmaker, 803)
    shown = (await tap(t, sessionmaker, "b"))[-1]
    assert "Вопрос 2 из 40" in shown and "Ваш ответ: <b>2</b>" in shown
    assert [label for label, _ in t.buttons()][:4] == ["0", "1", "✅ 2", "3"]
    assert (await attempt_of(sessionmaker, 803)).current_index == 1
    # the old button of question 3 is refused while question 2 is open
    stale = AnswerCb(action="a", attempt_id=attempt.id, index=2, value=0)
    assert "сейчас открыт вопрос 2 из 40" in (await t.click(stale, message_id=attempt.message_id))[-1]
    assert "Вопрос 3 из 40" in (await tap(t, sessionmaker, value=0))[-1]
    assert await answers_of(sessionmaker, attempt.id) == {"1.1": 1, "1.2": 0}
    assert (await attempt_of(sessionmaker, 803)).current_index == 2
    await tap(t, sessionmaker, "b")
    await tap(t, sessionmaker, "b")
    assert (
        "Это первый вопрос"
        in (await t.click(AnswerCb(action="b", attempt_id=attempt.id, index=0), message_id=attempt.message_id))[-1]
    )
    assert "Ваш ответ: <b>0</b>" in (await tap(t, sessionmaker, value=1))[-1]  # forward shows the kept answer


async def test_stale_and_forged_buttons_change_nothing(harness, sessionmaker):
    a, b = await teacher(harness, 804), await teacher(harness, 805)
    await begin(a)
    await answer_all(a, sessionmaker, [3, 3, 3])
    attempt = await attempt_of(sessionmaker, 804)
    mid = attempt.message_id
    refusals = [
        (b, AnswerCb(action="a", attempt_id=attempt.id, index=3, value=0), mid, "не ваша"),
        (b, AnswerCb(action="b", attempt_id=attempt.id, index=3), mid, "не ваша"),
        (b, MenuCb(action="resume", attempt_id=attempt.id), mid, "не ваша"),
        (b, MenuCb(action="show", attempt_id=attempt.id), mid, "не ваша"),
        (a, AnswerCb(action="a", attempt_id=attempt.id, index=2, value=0), mid, "сейчас открыт вопрос 4"),
        (a, AnswerCb(action="a", attempt_id=attempt.id, index=4, value=0), mid, "сейчас открыт вопрос 4"),
        (a, AnswerCb(action="a", attempt_id=attempt.id, index=3, value=0), mid + 1, "из старого сообщения"),
        (a, AnswerCb(action="a", attempt_id=attempt.id, index=3, value=7), mid, "от 0 до 3"),
        (a, AnswerCb(action="a", attempt_id=attempt.id + 99, index=0, value=1), mid, "не ваша"),
        (a, MenuCb(action="show", attempt_id=attempt.id), mid, "ещё не завершена"),
        (a, MenuCb(action="start", variant="leader"), mid, "руководителям"),
    ]
    for user, data, message_id, expected in refusals:
        assert expected in (await user.click(data, message_id=message_id))[-1], (data, expected)
    assert "Это не ваша анкета." in harness.api.alerts()
    assert await answers_of(sessionmaker, attempt.id) == {"1.1": 3, "1.2": 3, "1.3": 3}
    assert (await attempt_of(sessionmaker, 804)).current_index == 3
    assert await attempt_of(sessionmaker, 805) is None
    assert "кнопка устарела" in (await b.click("dg:a:abc:0:1"))[-1]  # unparsable data


async def test_restart_abandons_the_unfinished_attempt(harness, sessionmaker):
    t = await teacher(harness, 806)
    await begin(t)
    await answer_all(t, sessionmaker, [1, 1])
    old = await attempt_of(sessionmaker, 806)
    await t.send("/diagnostics")
    assert "Вопрос 1 из 40" in (await t.press("Начать заново"))[-1]
    new = await attempt_of(sessionmaker, 806)
    assert new.id != old.id and new.current_index == 0
    async with sessionmaker() as session:
        assert (await session.get(DiagnosisAttempt, old.id)).status == AttemptStatus.abandoned
    replies = await t.click(AnswerCb(action="a", attempt_id=old.id, index=2, value=1), message_id=old.message_id)
    assert "начали заново" in replies[-1]
    assert "начали заново" in (await t.click(MenuCb(action="restart", attempt_id=old.id)))[-1]


async def test_second_attempt_after_the_interval_shows_the_changes(harness, sessionmaker):
    t = await teacher(harness, 807)
    await begin(t)
    await answer_all(t, sessionmaker, flat(FIRST))
    first = await attempt_of(sessionmaker, 807)
    menu = (await t.send("/diagnostics"))[-1]
    assert "повторно пройти можно с" in menu
    assert [label for label, _ in t.buttons()] == ["Последний результат"]
    assert "Повторную диагностику можно пройти с" in (await t.click(MenuCb(action="start", variant="teacher")))[-1]
    await t.press("Последний результат")
    assert len(harness.api.sent("SendPhoto", 807)) == 2 and t.buttons()[0] == (
        "🧭 Построить ИОМ",
        f"rbuildr:{first.id}",
    )

    async with sessionmaker() as session, session.begin():
        await session.execute(
            update(DiagnosisAttempt)
            .where(DiagnosisAttempt.id == first.id)
            .values(completed_at=first.completed_at - timedelta(days=181))
        )
    await begin(t)
    await answer_all(t, sessionmaker, flat(SECOND))
    second = await attempt_of(sessionmaker, 807)
    assert second.id != first.id and second.status == AttemptStatus.completed
    text = harness.api.texts(807)[-1]
    assert "3. Оценочная — <b>9</b> из 15: частичный дефицит (было 5, +4) ✅ дефицит преодолён" in text
    assert "7. Коммуникативная — <b>6</b> из 15: выраженный дефицит (было 4, +2)" in text
    assert "2. Методическая — <b>11</b> из 15: норма (было 10, +1) ✅ дефицит преодолён" in text
    assert "1. Предметная — <b>15</b> из 15: ресурсная зона (было 15, +0) ⭐" in text
    assert "Преодолены дефициты: 2. Методическая, 3. Оценочная." in text
    photo = harness.api.sent("SendPhoto", 807)[-1]
    assert "Пунктир — диагностика от" in photo.caption
    async with sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(DiagnosisAttempt)) == 2  # history is kept
        assert await diagnosis.deficit_areas(session, second.user_id) == {"3", "5", "7"}


async def test_leader_chooses_between_both_questionnaires(harness, sessionmaker):
    head = await teacher(harness, 808)
    async with sessionmaker() as session, session.begin():
        await session.execute(update(User).where(User.telegram_id == 808).values(position=Position.head))
    intro = (await head.send("/diagnostics"))[-1]
    assert "Анкета руководителя</b>: 12 утверждений, около 3 минут" in intro and "40 утверждений" in intro
    assert [label for label, _ in head.buttons()] == ["▶ Анкета руководителя", "▶ Анкета педагога"]
    first = (await head.press("Анкета руководителя"))[-1]
    assert "Вопрос 1 из 12" in first and "Область У1. Стратегия и управление качеством" in first
    await answer_all(head, sessionmaker, [3, 3, 3, 2, 2, 1, 1, 1, 1, 2, 2, 3])
    attempt = await attempt_of(sessionmaker, 808)
    assert attempt.variant == "leader" and attempt.status == AttemptStatus.completed
    async with sessionmaker() as session:
        zones = {r.area: (r.score, r.zone) for r in await diagnosis.area_results(session, attempt.id)}
    assert zones == {"L1": (9, "norm"), "L2": (5, "partial"), "L3": (3, "severe"), "L4": (7, "norm")}
    text = harness.api.texts(808)[-1]
    assert "У3. Ресурсы, нормативная база, безопасность — <b>3</b> из 9: дефицит" in text
    assert "ментором для руководителей по областям: У1. Стратегия и управление качеством." in text
    assert head.buttons() == [("🧭 Построить ИОМ", f"rbuildr:{attempt.id}")]
    await head.send("/diagnostics")  # the teacher questionnaire is still open to a leader
    assert [label for label, _ in head.buttons()] == ["Последний результат: Анкета руководителя", "▶ Анкета педагога"]
    assert "Вопрос 1 из 40" in (await head.press("Анкета педагога"))[-1]


def test_chart_renders_cyrillic_and_both_attempts(recwarn):
    from bot.render.chart import Band, radar

    png = radar(
        ["1. Предметная", "2. Методическая", "3. Оценочная $5$"],
        [12, 7, 3],
        15,
        previous=[9, 7, 1],
        bands=[Band("severe", "выраженный дефицит", 0, 7), Band("partial", "частичный", 8, 15)],
        title="Профиль компетенций",
    )
    assert png.startswith(b"\x89PNG") and len(png) > 10_000
    assert not [w for w in recwarn if "missing from" in str(w.message)]  # DejaVu Sans has Cyrillic
