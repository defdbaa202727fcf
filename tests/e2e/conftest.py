"""End-to-end fixtures: the real bot process polling a local Bot API emulator.

Setup once: ``npm ci --prefix tests/e2e/emulator`` (tests here are skipped without it).

Fixtures
    emulator      (session) ``Emulator``: the running telegram-test-api + compatibility layer
                  (``emulator/server.js``); ``await emulator.fail(chat_id, 403)`` or
                  ``fail(chat_id, 429, retry_after=2, times=1)`` injects errors (cleared after each
                  test using ``make_user``), ``await emulator.calls("sendMessage")`` lists the Bot
                  API calls bots made, ``emulator.file_content(file_id)`` a file the bot sent.
    bot_process   (module)  ``BotProcess`` running ``python -m bot run`` from the repo root with
                  BOT_TOKEN, TELEGRAM_API_BASE, a fresh database per module (see ``backend``),
                  ADMIN_IDS and LOG_LEVEL. ``bot_process.restart()`` = SIGTERM + start on the same
                  database; ``.kill()`` = SIGKILL (a crash), then ``.start()``; ``.stop()``/``.start()``
                  (updates sent meanwhile are delivered after start), ``.token``, ``.database_url``,
                  ``.redis_url``, ``.env``, ``.log_text()``, ``.cpu_seconds()``, ``.alive``. Logs of the
                  bot and the emulator are attached to failed tests. test_harness.py overrides it.
    backend       (module)  "sqlite" (a fresh file; the default) or "postgres": a fresh PostgreSQL
                  database (TEST_POSTGRES_URL) + REDIS_URL on a Redis database index of its own
                  (TEST_REDIS_URL) for the dialog state, i.e. the production configuration; both
                  removed after the module (backends.py). A module runs on both with
                  ``pytestmark = pytest.mark.backends("sqlite", "postgres")`` (test ids get
                  ``[sqlite]``/``[postgres]``); the PostgreSQL variant skips naming the unset variable.
    bot_extra_env (module)  dict of extra env vars for the bot; override it in a test module.
    db            (function) ``BotDb`` (database.py) on the bot's database, whichever the backend:
                  ``await db.rows(select(...))``, ``db.scalar``, ``db.write(update(...))``, ``db.session()``.
    make_user     (function) ``await make_user(user_id=None, first_name="Test")`` -> ``TgUser``
                  talking to ``bot_process``; a fresh unique id unless given.
    user, admin_user (function) a fresh user; the user whose id is in ADMIN_IDS
                  (``processes.ADMIN_ID``; its chat is shared by the module's tests, older
                  messages are ignored by each new TgUser).

``TgUser`` (see client.py): ``await user.send("/start")``, ``await user.wait_reply(contains=..., timeout=10)``
-> ``BotMessage`` (.text with HTML tags stripped like Telegram, .raw_text, .buttons, .reply_buttons,
.edits, .document ...), ``await user.click("Label")``
(inline button by text or callback_data, or reply-keyboard button), ``await user.wait_edit(msg, contains=...)``,
``await user.wait_answer()``, ``await user.send_document(name, bytes)``, ``await user.expect_silence(1)``.

Example::

    async def test_start(user, bot_process):
        await user.send("/start")
        menu = await user.wait_reply(contains="Welcome")
        await user.click("Next")
        await user.wait_edit(menu, contains="Step 2")
        bot_process.restart()  # state must survive
"""

from __future__ import annotations

import itertools
import shutil

import pytest

from tests.support import clock

from . import backends
from .client import Emulator, TgUser
from .database import BotDb
from .processes import ADMIN_ID, HERE, RUNNING, BotProcess, EmulatorProcess, start_bot

EMULATOR_DIR = HERE / "emulator"
_user_ids = itertools.count(100001)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", f"backends(*names): run this e2e module's bot on each backend ({', '.join(backends.BACKENDS)})"
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    marker = metafunc.definition.get_closest_marker("backends")
    if marker and "backend" in metafunc.fixturenames:
        unknown = set(marker.args) - set(backends.BACKENDS)
        assert not unknown, f"unknown e2e backends {unknown}"
        metafunc.parametrize("backend", marker.args, indirect=True, scope="module")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in item.path.resolve().parents:
            item.add_marker(pytest.mark.e2e)
            callspec = getattr(item, "callspec", None)
            if callspec and callspec.params.get("backend") == "postgres":
                item.add_marker(pytest.mark.postgres)
                item.add_marker(pytest.mark.redis)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    if report.failed and RUNNING:
        for proc in RUNNING:
            report.sections.append((f"{proc.name} log (tail)", proc.log_text(tail=150)))
    return report


@pytest.fixture(scope="session")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Emulator:
    missing = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"e2e: {', '.join(missing)} not installed")
    if not (EMULATOR_DIR / "node_modules" / "telegram-test-api").is_dir():
        pytest.skip("e2e: run `npm ci --prefix tests/e2e/emulator` first")
    process = EmulatorProcess(EMULATOR_DIR, tmp_path_factory.mktemp("emulator") / "emulator.log")
    process.start()
    try:
        yield Emulator(process.base_url, process)
    finally:
        process.stop()


@pytest.fixture(scope="module")
def bot_extra_env() -> dict[str, str]:
    return {}


@pytest.fixture(scope="module")
def backend(request: pytest.FixtureRequest) -> str:
    return getattr(request, "param", "sqlite")


@pytest.fixture(scope="module")
def bot_process(
    emulator: Emulator, tmp_path_factory: pytest.TempPathFactory, bot_extra_env: dict[str, str], backend: str
) -> BotProcess:
    workdir = tmp_path_factory.mktemp(f"bot-{backend}")
    with backends.provision(backend, workdir) as storage_env:
        process = start_bot("bot", clock.bot_command("run"), emulator.base_url, workdir, storage_env | bot_extra_env)
        try:
            yield process
        finally:
            process.stop()


@pytest.fixture
async def db(bot_process: BotProcess) -> BotDb:
    database = BotDb(bot_process.database_url)
    yield database
    await database.dispose()


@pytest.fixture
async def make_user(emulator: Emulator, bot_process: BotProcess):
    async def make(user_id: int | None = None, first_name: str = "Test", username: str | None = None) -> TgUser:
        user = TgUser(emulator, bot_process.token, user_id or next(_user_ids), first_name, username)
        await user.forget_history()
        return user

    yield make
    await emulator.clear_failures()  # injected errors never leak into the next test


@pytest.fixture
async def user(make_user) -> TgUser:
    return await make_user()


@pytest.fixture
async def admin_user(make_user) -> TgUser:
    return await make_user(ADMIN_ID, first_name="Admin")
