"""Broadcast end to end through the emulator: a methodist whose scope is one municipality (granted
through the CLI) writes a message with bold text, narrows the audience to the municipality and to
a deficit in area 3 «Оценочная», sends it now, watches the progress message turn into the final
report, and only the right teachers get the copy.

The teachers: Anna (severe in area 3) and Boris (partial in area 3, another school) receive it;
Vera (area 3 was severe, her latest diagnosis says norm; a deficit in area 5 only) and Galina
(severe in area 3, but in г. Волгодонск, outside the scope) do not; Dmitry (severe in area 3) has
blocked the bot: the emulator answers 403 for his chat, he is reported as blocked and marked
inactive. A stranger who never talked to the bot gets nothing either.

Diagnoses are written straight to the bot's database (their screens have their own e2e test).

The recipients' copies are checked three ways: the copyMessage calls (from the methodist's chat,
of the message that carried the text), the copy in each recipient's chat with the same text (the
compatibility layer's copyMessage also copies messages users sent), and the text and entities of
the methodist's message as the bot received it."""

import asyncio
import json

import pytest
from sqlalchemy import select

from models import Broadcast, BroadcastStatus, Organization, OutboxMessage, OutboxStatus, User
from tests.e2e.client import BotMessage, TgUser, eventually
from tests.e2e.database import BotDb
from tests.e2e.flows import add_diagnosis, grant_methodist, press

pytestmark = pytest.mark.backends("sqlite", "postgres")

TEXT = "Приглашаем на семинар «Критерии оценивания» в пятницу, 15:00, каб. 214"
BOLD = "семинар «Критерии оценивания»"
T = 30  # generous: the machine running the suite may be busy


@pytest.fixture(scope="module")
def bot_extra_env() -> dict[str, str]:
    # Broadcast copies go through the outbox: no quiet hours (the suite may run in the evening),
    # and a fast delivery loop.
    return {"QUIET_HOURS": "", "DELIVERY_INTERVAL_S": "0.5"}


async def register_at(
    user: TgUser, name: str, municipality: str = "г. Новочеркасск", school: str = "МБОУ СОШ № 1"
) -> BotMessage:
    """Like test_onboarding.register, in any school, with timeouts for a loaded machine."""
    await user.send("/start")
    await user.wait_reply(contains="Согласие на обработку", timeout=T)
    await press(user, "✅ Согласен(на)", "Введите ваши фамилию")
    await user.send(name)
    await user.wait_reply(contains="Выберите муниципалитет", timeout=T)
    await press(user, municipality, "Выберите организацию")
    await press(user, school, "Ваша должность")
    await press(user, "Учитель", "Отметьте предметы")
    await press(user, "Математика", "Отметьте предметы")
    await press(user, "Готово ➡", "стаж")
    await user.send("7")
    await user.wait_reply(contains="Год рождения", timeout=T)
    await user.send("1988")
    return await user.wait_reply(contains="Вы зарегистрированы", timeout=T)


async def click_and_wait(user: TgUser, label: str, expect: str) -> BotMessage:
    message = await user.click(label, timeout=T)
    return await user.wait_edit(message, contains=expect, timeout=T)


async def message_now(user: TgUser, message_id: int, contains: str, timeout: float = 60) -> BotMessage:
    """The message `message_id` once its current text contains `contains` (however many edits)."""

    def find(messages):
        return next((m for m in messages if m.message_id == message_id and contains in m.body), None)

    return await user._poll(find, timeout, f"#{message_id} containing {contains!r}")


async def calls_for(emulator, method: str, chat_id: int) -> list[dict]:
    return [c for c in await emulator.calls(method) if c["chat_id"] == str(chat_id)]


@pytest.mark.timeout(600)
async def test_deficit_broadcast_in_a_municipality(make_user, bot_process, emulator, db):
    methodist = await make_user(first_name="Ольга")
    anna, boris = await make_user(first_name="Анна"), await make_user(first_name="Борис")
    vera, galina = await make_user(first_name="Вера"), await make_user(first_name="Галина")
    dmitry, stranger = await make_user(first_name="Дмитрий"), await make_user(first_name="Незнакомец")
    await asyncio.gather(
        register_at(methodist, "Методистова Ольга"),
        register_at(anna, "Аннова Анна"),
        register_at(boris, "Борисов Борис", school="МБОУ лицей № 7"),
        register_at(vera, "Верова Вера"),
        register_at(galina, "Галкина Галина", municipality="г. Волгодонск", school="МБОУ СШ № 5"),
        register_at(dmitry, "Дмитриев Дмитрий", school="МБОУ СОШ № 3"),
    )

    async with db.session() as session:
        municipality = await session.scalar(select(Organization.id).where(Organization.name == "г. Новочеркасск"))
    assert "granted" in await grant_methodist(bot_process, methodist.user_id, municipality)
    for teacher in (anna, boris, vera, galina, dmitry):
        await eventually(lambda t=teacher: _exists(db, t.user_id), timeout=T)
    await add_diagnosis(db, anna.user_id, {"1": "norm", "3": "severe", "5": "norm"})
    await add_diagnosis(db, boris.user_id, {"3": "partial"})
    await add_diagnosis(db, vera.user_id, {"3": "severe"}, days_ago=200)
    await add_diagnosis(db, vera.user_id, {"3": "norm", "5": "severe"}, days_ago=2)  # the latest one counts
    await add_diagnosis(db, galina.user_id, {"3": "severe"})
    await add_diagnosis(db, dmitry.user_id, {"3": "severe"})
    everyone = (methodist, anna, boris, vera, galina, dmitry, stranger)
    for person in everyone:  # what registration left in the chats is not part of this story
        await person.forget_history()

    # --- compose: the methodist's own message, bold text included ---------------------------------
    await methodist.send("/broadcast")
    await methodist.wait_reply(contains="Пришлите сообщение для рассылки", timeout=T)
    bold = {"type": "bold", "offset": TEXT.index(BOLD), "length": len(BOLD)}  # UTF-16 = len here (BMP only)
    await methodist._post("/sendMessage", {"text": TEXT, "entities": [bold]})
    await methodist.wait_reply(contains="Так сообщение увидят получатели", timeout=T)
    screen = await methodist.wait_reply(contains="Аудитория", timeout=T)
    assert f"«{TEXT}»" in screen.text
    assert "Все педагоги в вашей зоне ответственности" in screen.text
    # The four teachers of г. Новочеркасск; not the methodist herself (not counted as a teacher),
    # not Galina (г. Волгодонск), not the stranger.
    assert "Получателей: 4" in screen.text, screen.text

    async def drafted() -> Broadcast:  # the screen is sent before the draft's transaction commits
        draft = await db.scalar(select(Broadcast).order_by(Broadcast.id.desc()).limit(1))
        assert draft is not None
        return draft

    draft = await eventually(drafted, timeout=T)
    assert (draft.status, draft.source_chat_id, draft.preview) == (BroadcastStatus.draft, methodist.chat_id, TEXT)
    source_id = draft.source_message_id
    preview_copies = await calls_for(emulator, "copyMessage", methodist.chat_id)
    assert [(c["params"]["from_chat_id"], c["params"]["message_id"]) for c in preview_copies] == [
        (str(methodist.chat_id), str(source_id))
    ]  # the preview is the very message, copied back
    # The copied message, as the bot received it: the text and its bold entity.
    history = await emulator.request("POST", "/getUpdatesHistory", json={"token": bot_process.token})
    source = next(u["message"] for u in history if u.get("messageId") == source_id and "from" in u.get("message", {}))
    assert source["text"] == TEXT and source["entities"] == [bold]
    assert source["from"]["id"] == methodist.user_id

    # --- the audience: the municipality, and a deficit in area 3 -------------------------------
    await click_and_wait(methodist, "🏫 Территории и организации", "Отметьте нужные")
    orgs = await click_and_wait(methodist, "▫️ г. Новочеркасск", "Отметьте нужные")
    assert orgs.button("☑️ г. Новочеркасск") is not None
    chosen = await click_and_wait(methodist, "« К аудитории", "Получателей")
    assert "Территории и организации: Ростовская область, г. Новочеркасск" in chosen.text, chosen.text
    assert "Получателей: 4" in chosen.text
    areas = await click_and_wait(methodist, "📉 Дефицит по области", "Дефицит (выраженный или частичный)")
    assert areas.button("▫️ 3. Оценочная") is not None
    areas = await click_and_wait(methodist, "▫️ 3. Оценочная", "Дефицит (выраженный или частичный)")
    assert areas.button("☑️ 3. Оценочная") is not None
    chosen = await click_and_wait(methodist, "« К аудитории", "Получателей")
    assert "Дефицит по последней диагностике: 3. Оценочная" in chosen.text
    assert "Получателей: 3" in chosen.text, chosen.text  # Anna, Boris, Dmitry

    confirm = await click_and_wait(methodist, "Далее ➡", "Отправить сейчас или запланировать")
    assert "Сообщение получат 3 получателя" in confirm.text

    # --- Dmitry has blocked the bot; send now --------------------------------------------------
    await emulator.fail(dmitry.chat_id, 403)
    started = await click_and_wait(methodist, "🚀 Отправить сейчас", "запущена")
    broadcast_id = draft.id
    assert f"Рассылка №{broadcast_id} запущена: 3 получателя" in started.text

    # The live progress message: sent first ("starting", before anything is saved), then "0 of 3"
    # with a stop button once the broadcast is committed, then edited to the report.
    progress = await methodist.wait_reply(contains=f"📨 Рассылка №{broadcast_id}", timeout=T)
    sent = [
        c
        for c in await calls_for(emulator, "sendMessage", methodist.chat_id)
        if c["status"] == 200 and c["result"]["message_id"] == progress.message_id
    ]
    assert len(sent) == 1 and "запускается" in sent[0]["params"]["text"], sent
    first = [
        c
        for c in await calls_for(emulator, "editMessageText", methodist.chat_id)
        if c["status"] == 200 and c["params"]["message_id"] == str(progress.message_id)
    ][:1]
    assert len(first) == 1, first
    assert "Отправлено 0 из 3" in first[0]["params"]["text"] and "0%" in first[0]["params"]["text"]
    stop_button = json.loads(first[0]["params"]["reply_markup"])["inline_keyboard"][0][0]
    assert stop_button == {"text": "⏹ Остановить рассылку", "callback_data": f"bc:stop:{broadcast_id}::0:0"}
    report = await message_now(methodist, progress.message_id, "завершена", timeout=90)
    for line in (
        f"📨 Рассылка №{broadcast_id} завершена.",
        "Доставлено: 2 из 3",
        "Заблокировали бота: 1",
        "Ошибки доставки: 0",
    ):
        assert line in report.text, (line, report.text)
    assert "Ещё в пути" not in report.text and "отмены" not in report.text
    assert report.buttons == [], "the final report has no stop button"
    assert report.edits and report.edits[-1]["text"] == report.text
    # One report: the progress message becomes it; no second copy comes as a new message.
    copies_of_report = [m for m in await methodist.messages() if f"Рассылка №{broadcast_id} завершена" in m.body]
    assert [m.message_id for m in copies_of_report] == [progress.message_id]

    # --- who got what --------------------------------------------------------------------------
    for teacher in (anna, boris):
        copy = await teacher.wait_reply(timeout=T)
        calls = await calls_for(emulator, "copyMessage", teacher.chat_id)
        assert [(c["status"], c["params"]["from_chat_id"], c["params"]["message_id"]) for c in calls] == [
            (200, str(methodist.chat_id), str(source_id))
        ], calls
        assert calls[0]["result"]["message_id"] == copy.message_id
        assert copy.buttons == []  # no buttons were added to this broadcast
        assert copy.text == TEXT
    blocked_calls = await calls_for(emulator, "copyMessage", dmitry.chat_id)
    assert [(c["status"], c["params"]["message_id"]) for c in blocked_calls] == [(403, str(source_id))]
    for person in (vera, galina, stranger):
        assert await calls_for(emulator, "copyMessage", person.chat_id) == []
    await asyncio.gather(*(p.expect_silence(2) for p in (anna, boris, vera, galina, dmitry, stranger)))

    # --- the database: outbox rows of the batch, the broadcast, Dmitry inactive ---------------
    async def settled():
        async with db.session() as session:
            rows = list(
                await session.scalars(select(OutboxMessage).where(OutboxMessage.batch == f"broadcast:{broadcast_id}"))
            )
            b = await session.get(Broadcast, broadcast_id)
            blocked_user = await session.scalar(select(User).where(User.telegram_id == dmitry.user_id))
        assert sorted((r.chat_id, r.status, r.purpose) for r in rows) == sorted(
            [
                (anna.chat_id, OutboxStatus.sent, "broadcast"),
                (boris.chat_id, OutboxStatus.sent, "broadcast"),
                (dmitry.chat_id, OutboxStatus.blocked, "broadcast"),
            ]
        )
        assert {r.idempotency_key for r in rows} == {
            f"broadcast:{broadcast_id}:{await _user_id(db, t.user_id)}" for t in (anna, boris, dmitry)
        }
        assert all(r.sent_at is not None for r in rows if r.status == OutboxStatus.sent)
        assert "blocked" in next(r.last_error for r in rows if r.status == OutboxStatus.blocked)
        assert (b.status, b.recipients, b.progress_message_id) == (BroadcastStatus.done, 3, progress.message_id)
        assert b.finished_at is not None
        assert blocked_user.is_active is False and blocked_user.blocked_at is not None

    await eventually(settled, timeout=T)
    async with db.session() as session:
        active = dict((await session.execute(select(User.telegram_id, User.is_active))).all())
    assert all(active[p.user_id] for p in (methodist, anna, boris, vera, galina))


async def _exists(db: BotDb, telegram_id: int) -> None:
    assert await db.user(telegram_id) is not None


async def _user_id(db: BotDb, telegram_id: int) -> int:
    return (await db.user(telegram_id)).id


def test_bot_log_has_no_tracebacks(bot_process):
    """Runs last in this module: nothing above made the real process log an unhandled error."""
    log = bot_process.log_text()
    assert "Traceback" not in log and " ERROR " not in log, log[-3000:]
