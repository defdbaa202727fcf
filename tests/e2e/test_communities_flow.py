"""Professional communities end to end through the emulator: a municipal methodist (granted
through the CLI) creates a subject МО that takes in the maths teachers by itself and appoints its
leader; teachers of two schools join (one by the button, one already in by the subject rule); the
leader links the МО's Telegram group, a member's join request is approved and a stranger's declined
with a private message why; the leader's announcement reaches the members; a young specialist is
offered the young teachers' community right after registration; /stats shows the communities and
indicator 7 counting that membership. The leader's meeting: members invited, one signs up through
the event card and gets the reminder, attendance is marked and the protocol reaches the members."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from models import Community, CommunityKind, Organization, utcnow
from tests.e2e.client import BotMessage, TgUser, eventually
from tests.e2e.flows import grant_methodist, press, register, wait_text

MOSCOW = ZoneInfo("Europe/Moscow")
GROUP = {"id": -1001500700900, "type": "supergroup", "title": "МО математиков Новочеркасска"}


@pytest.fixture(scope="module")
def bot_extra_env() -> dict[str, str]:
    # Notices and the announcement go through the outbox: no quiet hours in an evening run.
    # A meeting reminder 72 s before the start: the meeting part fits in a few minutes.
    return {"QUIET_HOURS": "", "DELIVERY_INTERVAL_S": "0.5", "REMINDER_OFFSETS_H": "0.02"}


async def register_at(user: TgUser, name: str, school: str, subject: str, experience: str, year: str) -> BotMessage:
    await user.send("/start")
    await user.wait_reply(contains="Согласие на обработку", timeout=30)
    await press(user, "✅ Согласен(на)", "Введите ваши фамилию")
    await user.send(name)
    await user.wait_reply(contains="Выберите муниципалитет", timeout=20)
    await press(user, "г. Новочеркасск", "Выберите организацию")
    await press(user, school, "Ваша должность")
    await press(user, "Учитель", "Отметьте предметы")
    await press(user, subject, "Отметьте предметы")
    await press(user, "Готово ➡", "стаж")
    await user.send(experience)
    await user.wait_reply(contains="Год рождения", timeout=20)
    await user.send(year)
    return await user.wait_reply(contains="Вы зарегистрированы", timeout=30)


async def test_communities_story(make_user, bot_process, db, emulator):
    methodist, leader = await make_user(first_name="Методист"), await make_user(first_name="Руководитель")
    russian, physics = await make_user(first_name="Словесник"), await make_user(first_name="Физик")
    stranger, young = await make_user(first_name="Чужой"), await make_user(first_name="Молодой")
    await register(leader, "Руководитель Анна Петровна")  # a maths teacher of МБОУ СОШ № 1
    await register(methodist, "Методист Ольга Ивановна")
    town = await db.scalar(select(Organization.id).where(Organization.name == "г. Новочеркасск"))
    await grant_methodist(bot_process, methodist.user_id, town)

    # the methodist creates a municipal maths МО that takes the maths teachers in by itself
    await methodist.send("/communities")
    await methodist.wait_reply(contains="Профессиональные сообщества", timeout=20)
    await press(methodist, "➕ Создать сообщество", "Выберите вид")
    await press(methodist, "Муниципальное МО", "Выберите школу или территорию")
    await press(methodist, "✅ г. Новочеркасск", "Напишите название")
    await methodist.send("МО учителей математики")
    await methodist.wait_reply(contains="Коротко опишите", timeout=20)
    await methodist.send("Подготовка к ОГЭ, обмен опытом")
    await methodist.wait_reply(contains="Выберите предметы", timeout=20)
    await press(methodist, "Математика", "Выбрано: Математика")
    await press(methodist, "Готово", "области компетенций")
    await press(methodist, "2. Методическая", "Выбрано: 2")
    await press(methodist, "Готово", "Принимать в МО автоматически")
    await press(methodist, "Да, принимать автоматически", "автоматически включены: 2")
    await press(methodist, "👑 Назначить руководителя", "Выберите педагога")
    await press(methodist, "Руководитель Анна Петровна", "Руководитель назначен")
    await leader.wait_reply(contains="назначены руководителем", timeout=30)
    mo = await db.scalar(select(Community.id).where(Community.title == "МО учителей математики"))

    # teachers of two more schools: one joins by the button, a maths one is taken in at registration
    await register_at(russian, "Словесник Вера", "МБОУ СОШ № 3", "Русский язык", "10", "1980")
    await russian.send("/communities")
    await russian.wait_reply(contains="МО учителей математики", timeout=20)
    await press(russian, "МО учителей математики", "Участников: 2")
    await press(russian, "➕ Вступить", "Участников: 3")
    await register_at(physics, "Физик Олег", "МБОУ лицей № 7", "Математика", "12", "1979")
    await wait_text(physics, "Вас включили в сообщество «МО учителей математики»")

    # the leader links the МО's group; a member's join request is approved, a stranger's declined
    await leader.send("/communities")
    await leader.wait_reply(contains="МО учителей математики", timeout=20)
    await press(leader, "МО учителей математики", "Вы руководитель")
    await leader.click("🔗 Привязать группу Telegram")
    await leader.wait_reply(contains="выберите группу сообщества", timeout=20)
    await leader.share_chat(mo, GROUP["id"])
    await leader.wait_reply(contains="Группа привязана", timeout=20)
    await physics.request_join(GROUP)
    await eventually(lambda: _called(emulator, "approveChatJoinRequest", physics.user_id), timeout=20)
    await register_at(stranger, "Чужой Степан", "МБОУ СОШ № 3", "История", "20", "1970")
    await stranger.request_join(GROUP)
    await stranger.wait_reply(contains="открыта только его участникам", timeout=20)
    await eventually(lambda: _called(emulator, "declineChatJoinRequest", stranger.user_id), timeout=20)

    # the leader's announcement reaches the members through the outbox
    await press(leader, "📣 Объявление участникам", "Пришлите сообщение")
    await leader.send("Заседание МО в четверг в 15:00, кабинет 12")
    await leader.wait_reply(contains="Отправить это объявление участникам сообщества: 3?", timeout=20)
    await leader.click("📨 Отправить (3)")
    for member in (methodist, russian, physics):
        await member.wait_reply(contains="Заседание МО в четверг", timeout=30)

    # the leader plans a meeting: members are invited, one signs up and gets the usual reminder
    start = (datetime.now(MOSCOW) + timedelta(minutes=3)).replace(second=0, microsecond=0)
    await leader.send("/communities")
    await leader.wait_reply(contains="МО учителей математики", timeout=20)
    await press(leader, "МО учителей математики", "Вы руководитель")
    await press(leader, "📅 Встречи", "Пока ни одной")
    await press(leader, "➕ Запланировать встречу", "Тема или повестка")
    await leader.send("Итоги пробного ОГЭ")
    await leader.wait_reply(contains="Когда?", timeout=20)
    await leader.send(start.strftime("%d.%m.%Y %H:%M"))
    await leader.wait_reply(contains="Где?", timeout=20)
    await leader.send("МБОУ СОШ № 1, кабинет 12")
    await leader.wait_reply(contains="запланирована", timeout=20)
    invite = await russian.wait_reply(contains="проводит встречу «Итоги пробного ОГЭ»", timeout=30)
    await russian.click("📅 Подробнее и запись")
    await russian.click("Записаться")
    await wait_text(russian, "вы записаны")
    reminder = await russian.wait_reply(contains="Напоминание", timeout=180)
    assert "Итоги пробного ОГЭ" in reminder.text and "кабинет 12" in reminder.text and invite

    # attendance is marked and the protocol reaches the members
    await leader.send("/communities")
    await leader.wait_reply(contains="МО учителей математики", timeout=20)
    await press(leader, "МО учителей математики", "Вы руководитель")
    await press(leader, "📅 Встречи", "Итоги пробного ОГЭ")
    card = await press(leader, "Итоги пробного ОГЭ", "Записались: 1")
    await press(leader, next(b["text"] for b in card.buttons if "Словесник Вера" in b["text"]), "Посещаемость отмечена")
    await press(leader, "📝 Протокол", "Пришлите протокол")
    await leader.send("Решили: разобрать ошибки пробного ОГЭ. Следующий шаг: открытые уроки в марте.")
    await leader.wait_reply(contains="Протокол сохранён", timeout=20)
    for member in (methodist, russian, physics):
        await member.wait_reply(contains="Решили: разобрать ошибки", timeout=30)

    # a young specialist is offered the young teachers' community after registration
    async with db.session() as session, session.begin():
        session.add(
            Community(
                kind=CommunityKind.young, title="Молодые педагоги Новочеркасска", scope_org_id=town, created_at=utcnow()
            )
        )
    await register_at(young, "Молодая Алина", "МБОУ СОШ № 1", "Русский язык", "1", "2001")
    offer = await young.wait_reply(contains="Молодые педагоги Новочеркасска", timeout=30)
    await young.click("➕ Вступить")
    await young.wait_edit(offer, contains="Вы вступили в сообщество", timeout=20)

    # /stats: the communities and indicator 7 counting the young teachers' community
    await methodist.send("/stats")
    periods = await methodist.wait_reply(contains="За какой период", timeout=20)
    this_year = next(b["text"] for b in periods.buttons if b["text"].startswith("Текущий учебный год"))
    await methodist.click(this_year)
    stats = await wait_text(methodist, "Показатели:", timeout=30)
    assert "7. Поддержка молодых педагогов — 1 из 1" in stats.body
    # the methodist (in the МО by the subject rule) is not counted among teachers: shared.population
    assert "Профессиональные сообщества: педагогов хотя бы в одном — 4 из 5" in stats.body, stats.body
    assert "Муниципальное МО: 1, в них 4 участника; встреч проведено — 1" in stats.body
    assert "Сообщество молодых педагогов: 1, в них 1 участник" in stats.body


async def _called(emulator, method: str, user_id: int) -> None:
    """The bot called this Bot API method for this user (e.g. approved their join request)."""
    calls = await emulator.calls(method)
    assert any(str(c["params"].get("user_id")) == str(user_id) for c in calls), calls
