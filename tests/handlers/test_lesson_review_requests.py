"""A lesson review instead of the objective check: asked from the check's result or list, one open
request per teacher (a double tap or a repeat makes no second), the mentor and the methodist told
through the outbox; a methodist of the teacher's scope sees it in /review_requests and marks it
handled (the teacher is told); out of scope, forged and stranger's presses are refused."""

import json

from sqlalchemy import func, select

from bot.services.mentoring import pairing
from bot.services.shared import roles
from handlers.objective_check.review_ui import ReviewReqCb
from handlers.objective_check.ui import CheckCb
from models import (
    AuditEntry,
    LessonReviewRequest,
    OutboxMessage,
    PairType,
    ReviewRequestStatus,
    Role,
    User,
    utcnow,
)
from tests.support.factories import diagnosed, make_methodist, org_id, registered
from tests.support.objective import take

ASK = "🧑‍🏫 Попросить разбор урока"


async def requests(sessionmaker) -> list[LessonReviewRequest]:
    async with sessionmaker() as session:
        return list(await session.scalars(select(LessonReviewRequest).order_by(LessonReviewRequest.id)))


async def messages(sessionmaker, purpose: str) -> list[OutboxMessage]:
    async with sessionmaker() as session:
        query = select(OutboxMessage).where(OutboxMessage.purpose == purpose).order_by(OutboxMessage.id)
        return list(await session.scalars(query))


async def user_id(sessionmaker, telegram_id: int) -> int:
    async with sessionmaker() as session:
        return await session.scalar(select(User.id).where(User.telegram_id == telegram_id))


async def paired(sessionmaker, methodist_id: int, mentee: int, mentor: int) -> None:
    mentee_id, mentor_id = await user_id(sessionmaker, mentee), await user_id(sessionmaker, mentor)
    async with sessionmaker() as session, session.begin():
        identity = await roles.load_identity(session, methodist_id, [])
        await pairing.create_pair(
            session, identity, mentee_id, mentor_id, PairType.subject, "Освоить формирующее оценивание", utcnow()
        )


async def test_asked_from_the_result_once_and_the_mentor_and_methodist_are_told(harness, sessionmaker):
    methodist = await make_methodist(harness, sessionmaker, 961, "г. Новочеркасск")
    await registered(harness, 962, "Опытная Мария Ивановна")
    teacher = await registered(harness, 963, "Кузнецова Дарья Олеговна")
    await paired(sessionmaker, methodist.id, 963, 962)
    await diagnosed(sessionmaker, 963)  # area 3 severe
    result = await take(teacher, "3", right=True)
    assert "проверка: 🔵 ресурсная зона" in result and "разбор урока" in result
    assert teacher.buttons() == [(ASK, CheckCb(action="review", area="3").pack())]
    result_message = harness.api.last_keyboard(963)[0]

    replies = await teacher.press("Попросить разбор урока")
    assert "Запрос на разбор урока отправлен (области: 3. " in replies[-1]
    assert "ваш наставник (Опытная Мария Ивановна) и методист вашей организации или территории" in replies[-1]
    assert "Что дальше: с вами свяжутся" in replies[-1]
    [request] = await requests(sessionmaker)
    assert (request.areas, request.status, request.open_user_id) == (["3"], ReviewRequestStatus.open, request.user_id)
    told = await messages(sessionmaker, "lesson_review_request")
    assert sorted(m.chat_id for m in told) == [961, 962]
    assert all("Кузнецова Дарья Олеговна" in m.payload["text"] for m in told)
    to_methodist = next(m for m in told if m.chat_id == 961)
    assert to_methodist.payload["buttons"][0][0]["callback"] == {"kind": "lesson_review", "request_id": request.id}

    # A double tap on the result, and the same from the /check list: no second request, nobody told twice.
    again = await teacher.click(CheckCb(action="review", area="3"), result_message)
    assert "уже отправлен" in again[-1] and "второй не нужен" in again[-1]
    picker = (await teacher.send("/check"))[-1]
    assert "Запрос на разбор урока отправлен" in picker and "ждёт методиста" in picker
    assert "уже отправлен" in (await teacher.press("Попросить разбор урока"))[-1]
    assert len(await requests(sessionmaker)) == 1
    assert len(await messages(sessionmaker, "lesson_review_request")) == 2
    # A forged area is refused and changes nothing.
    assert "Такой области нет" in (await teacher.click(CheckCb(action="review", area="L1")))[-1]
    assert (await requests(sessionmaker))[0].areas == ["3"]


async def test_the_methodist_marks_it_handled_and_the_teacher_may_ask_again(harness, sessionmaker):
    methodist = await make_methodist(harness, sessionmaker, 971, "г. Новочеркасск")
    teacher = await registered(harness, 972, "Кузнецова Дарья Олеговна")
    await diagnosed(sessionmaker, 972)
    await teacher.send("/check")
    replies = await teacher.press("Попросить разбор урока")  # from the list: the areas in severe deficit
    assert "области: 3. " in replies[-1] and "ваш наставник" not in replies[-1]
    [request] = await requests(sessionmaker)

    listing = (await methodist.send("/review_requests"))[-1]
    assert "<b>Запросы на разбор урока</b>: 1" in listing and "Кузнецова Дарья Олеговна: 3. " in listing
    await methodist.click(ReviewReqCb(action="list", page=99))  # a forged page: the last one, unchanged
    assert "Кузнецова Дарья Олеговна: 3. " in methodist.screen()
    card = (await methodist.press("Кузнецова"))[-1]
    assert "самооценка: 🔴 выраженный дефицит" in card and "проверка: не проходил(а)" in card
    card_message = harness.api.last_keyboard(971)[0]
    done = (await methodist.press("Разбор проведён"))[-1]
    assert "Запрос педагога Кузнецова Дарья Олеговна отмечен" in done and "<b>Запросы на разбор урока</b>: 0" in done
    again = await methodist.click(ReviewReqCb(action="done", request_id=request.id), card_message)
    assert "уже отмечен выполненным" in again[-1]
    [handled] = await requests(sessionmaker)
    assert (handled.status, handled.open_user_id, handled.handled_by) == (ReviewRequestStatus.handled, None, 971)
    [told] = await messages(sessionmaker, "lesson_review_handled")
    assert told.chat_id == 972 and "отметил ваш запрос на разбор урока выполненным" in told.payload["text"]
    async with sessionmaker() as session:
        audits = await session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "lesson_review.handle")
        )
    assert audits == 1

    # Handled: a new request may be made, and the handled one stays.
    assert "Запрос на разбор урока отправлен" in (await teacher.click(CheckCb(action="review")))[-1]
    assert [r.status for r in await requests(sessionmaker)] == [ReviewRequestStatus.handled, ReviewRequestStatus.open]


async def test_out_of_scope_forged_and_strangers_are_refused(harness, sessionmaker):
    await make_methodist(harness, sessionmaker, 981, "г. Новочеркасск")
    teacher = await registered(harness, 982, "Кузнецова Дарья Олеговна")
    await teacher.send("/check")
    await teacher.press("Попросить разбор урока")
    [request] = await requests(sessionmaker)
    assert request.areas == []  # no diagnosis: the methodist is to ask which lesson

    elsewhere = await make_methodist(harness, sessionmaker, 983, "г. Волгодонск")
    assert "Открытых запросов на разбор урока в вашей зоне нет" in (await elsewhere.send("/review_requests"))[-1]
    refused = await elsewhere.click(ReviewReqCb(action="open", request_id=request.id))
    assert "вне вашей зоны ответственности" in refused[-1]
    refused = await elsewhere.click(ReviewReqCb(action="done", request_id=request.id))
    assert "вне вашей зоны ответственности" in refused[-1]
    assert "Запрос не найден" in (await elsewhere.click(ReviewReqCb(action="open", request_id=request.id + 999)))[-1]
    forged = await elsewhere.click(f"lrr:done:{'9' * 20}:0")  # beyond BIGINT: a stale button, not SQL
    assert "устарела" in forged[-1]
    # A teacher is not a methodist, even with a real id; and the teacher's own request is refused
    # to a methodist who made it (another methodist handles it).
    assert "только методистам" in (await teacher.click(ReviewReqCb(action="done", request_id=request.id)))[-1]
    assert "только методистам" in (await teacher.send("/review_requests"))[-1]
    async with sessionmaker() as session, session.begin():
        await roles.grant(session, None, Role.methodist, 982, await org_id(sessionmaker, "СОШ № 1"))
    assert "в вашей зоне нет" in (await teacher.send("/review_requests"))[-1]
    own = await teacher.click(ReviewReqCb(action="done", request_id=request.id))
    assert "Свой запрос на разбор урока отмечает другой методист" in own[-1]
    [unchanged] = await requests(sessionmaker)
    assert (unchanged.status, unchanged.handled_by) == (ReviewRequestStatus.open, None)
    assert await messages(sessionmaker, "lesson_review_handled") == []


async def test_my_data_lists_the_requests_and_delete_me_removes_them(harness, sessionmaker):
    await make_methodist(harness, sessionmaker, 991, "г. Новочеркасск")
    teacher = await registered(harness, 992, "Кузнецова Дарья Олеговна")
    await diagnosed(sessionmaker, 992)
    await teacher.send("/check")
    await teacher.press("Попросить разбор урока")
    await teacher.send("/my_data")
    data = json.loads(harness.api.sent("SendDocument", 992)[-1].document.data.decode("utf-8"))
    [exported] = data["lesson_review_requests"]
    assert (exported["areas"], exported["status"], exported["handled_at"]) == (["3"], "open", None)

    await teacher.send("/delete_me")
    assert "удалены" in (await teacher.press("Да, удалить"))[-1]
    assert await requests(sessionmaker) == []
    [told] = await messages(sessionmaker, "lesson_review_request")
    assert "Кузнецова" not in json.dumps(told.payload, ensure_ascii=False)  # the methodist's notice is blanked
