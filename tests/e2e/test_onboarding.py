"""The real bot process over HTTP: registration by several people at once, and across a restart
(on SQLite, and on PostgreSQL with the dialog state in Redis)."""

import asyncio

import pytest
from sqlalchemy import select

from models import FsmRecord, User
from tests.e2e.backends import fsm_keys
from tests.e2e.client import eventually
from tests.e2e.database import BotDb
from tests.e2e.flows import press, register

pytestmark = pytest.mark.backends("sqlite", "postgres")


async def users_in(db: BotDb) -> dict[int, tuple]:
    """telegram_id -> (full_name, subjects) of every registered user."""
    return {row[0]: row[1:] for row in await db.rows(select(User.telegram_id, User.full_name, User.subjects))}


async def test_two_teachers_register_at_once(make_user, db):
    anna, boris = await make_user(first_name="Анна"), await make_user(first_name="Борис")
    done = await asyncio.gather(register(anna, "Смирнова Анна <script>"), register(boris, "Борисов Борис"))
    assert "Смирнова Анна <script>" in done[0].text  # the emulator strips tags: it arrived escaped
    assert "&lt;script&gt;" in done[0].raw_text

    async def both_stored():
        rows = await users_in(db)
        assert rows[anna.user_id][0] == "Смирнова Анна <script>"
        assert rows[boris.user_id][1] == ["Математика"]

    await eventually(both_stored)


async def test_restart_mid_registration_resumes(make_user, bot_process, db):
    teacher = await make_user(first_name="Вера")
    await teacher.send("/start")
    await teacher.wait_reply(contains="Согласие", timeout=20)
    await press(teacher, "✅ Согласен(на)", "Введите ваши фамилию")
    await teacher.send("Верная Вера")
    await teacher.wait_reply(contains="Выберите муниципалитет")

    # Where the half-filled form waits: Redis when configured (production), else the database.
    async def state_kept():
        in_table = await db.scalars(select(FsmRecord.state).where(FsmRecord.telegram_id == teacher.user_id))
        if bot_process.redis_url:
            assert not in_table
            assert f"fsm:{teacher.user_id}:{teacher.user_id}:default:state" in fsm_keys(
                bot_process.redis_url, teacher.user_id
            )
        else:
            assert in_table and in_table[0]

    await eventually(state_kept)
    bot_process.restart()
    await teacher.send("/start")
    resumed = await teacher.wait_reply(contains="Продолжим регистрацию", timeout=30)
    assert "муниципалитет" in resumed.text
    await press(teacher, "г. Волгодонск", "Выберите организацию")
    await press(teacher, "МБОУ СШ № 5", "Ваша должность")
    await press(teacher, "Воспитатель", "Отметьте предметы")
    await press(teacher, "Готово ➡", "стаж")
    await teacher.send("0")
    await teacher.wait_reply(contains="Год рождения")
    await teacher.send("2001")
    await teacher.wait_reply(contains="Вы зарегистрированы", timeout=15)


async def test_declined_consent_and_help(make_user, db):
    stranger = await make_user()
    await stranger.send("/start")
    await stranger.wait_reply(contains="Согласие", timeout=20)
    await press(stranger, "Не согласен(на)", "ничего о вас не сохранили")
    assert stranger.user_id not in await users_in(db)
    await stranger.send("/help")
    await stranger.wait_reply(contains="ещё не зарегистрированы")


def test_bot_log_has_no_tracebacks(bot_process):
    """Runs last in this module: nothing above made the real process log an unhandled error."""
    log = bot_process.log_text()
    assert "Traceback" not in log and " ERROR " not in log, log[-3000:]
