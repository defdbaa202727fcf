"""Settings as the deploy guide writes them: env files in the service's order, database URLs as
people write them (masked when shown), the Telegram proxy handed to aiogram's session, the root
refusal, and the version."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from aiohttp_socks import ProxyConnector
from pydantic import ValidationError

import bot
from bot.app import create_bot
from bot.config import ENV_FILE_VARIABLE, Settings, env_files, load_settings
from bot.infra import metrics
from bot.infra.ownership import root_problem

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "123456:AAH-valid_Token"


def test_the_service_env_file_is_read_and_beaten_by_the_real_environment(tmp_path, monkeypatch):
    env_file = tmp_path / "growthbot.env"
    env_file.write_text("DATABASE_URL=sqlite:////srv/bot.db\nLOG_LEVEL=debug\n", encoding="utf-8")
    files = env_files({ENV_FILE_VARIABLE: str(env_file)})
    assert files.problem is None and files.read[-1] == env_file
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("LOG_LEVEL", "ERROR")
    settings = load_settings(files)
    assert settings.database_url == "sqlite+aiosqlite:////srv/bot.db" and settings.log_level == "ERROR"


def test_env_file_choices(tmp_path):
    assert "no such file" in env_files({ENV_FILE_VARIABLE: str(tmp_path / "missing.env")}).problem
    assert env_files({ENV_FILE_VARIABLE: ""}).problem is None  # empty: the environment only


@pytest.mark.parametrize(
    "written, used",
    [
        ("postgresql://bot:p%40ss@db:5432/bot", "postgresql+asyncpg://bot:p%40ss@db:5432/bot"),
        ("postgres://bot@db/bot", "postgresql+asyncpg://bot@db/bot"),
        ("postgresql+asyncpg://bot@db/bot", "postgresql+asyncpg://bot@db/bot"),
        ("sqlite:////var/lib/bot.db", "sqlite+aiosqlite:////var/lib/bot.db"),
    ],
)
def test_database_urls_as_people_write_them(written, used):
    assert Settings(_env_file=None, database_url=written).database_url == used


def test_the_shown_database_hides_the_password():
    shown = Settings(_env_file=None, database_url="postgresql://bot:s3cr%40t@db:5432/bot").database_shown
    assert shown == "postgresql+asyncpg://bot:***@db:5432/bot"


@pytest.mark.parametrize("proxy", ["socks5://user:pass@127.0.0.1:1080", "http://127.0.0.1:3128"])
async def test_the_proxy_setting_reaches_the_telegram_session(proxy):
    bot_ = create_bot(Settings(_env_file=None, bot_token=TOKEN, telegram_proxy=proxy))
    try:
        assert bot_.session.proxy == proxy
        assert bot_.session._connector_type is ProxyConnector  # aiohttp-socks carries the requests
    finally:
        await bot_.session.close()


async def test_without_a_proxy_the_session_connects_directly():
    bot_ = create_bot(Settings(_env_file=None, bot_token=TOKEN))
    assert bot_.session.proxy is None
    await bot_.session.close()


def test_a_proxy_of_an_unknown_kind_is_a_setting_error():
    with pytest.raises(ValidationError, match="socks5://"):
        Settings(_env_file=None, telegram_proxy="ftp://proxy:21")


def test_root_is_refused_where_the_service_user_owns_the_data(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    url = f"sqlite+aiosqlite:///{data / 'bot.db'}"
    if os.geteuid() != 0:
        pytest.skip("changing a directory's owner needs root")
    os.chown(data, 65534, 65534)
    problem = root_problem(url, euid=0)
    assert "owned by root" in problem and "sudo -u nobody" in problem
    assert root_problem(url, euid=1000) is None  # not root: nothing to protect
    os.chown(data, 0, 0)
    assert root_problem(url, euid=0) is None  # root runs the service itself
    assert root_problem("postgresql+asyncpg://u@h/db", euid=0) is None


def test_version_is_printed_and_listed_in_the_changelog():
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), ENV_FILE_VARIABLE: ""},
    )
    assert result.returncode == 0 and result.stdout.startswith(f"teacher-growth-bot {bot.__version__}")
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    headings = [line for line in changelog.splitlines() if line.startswith("## ")]
    first_release = next(line for line in headings if line != "## Unreleased")  # changes not released yet
    assert first_release.startswith(f"## {bot.__version__} ")  # a release bumps both


def test_metrics_say_which_build_runs():
    body, _ = metrics.exposition()
    assert f'version="{bot.__version__}"'.encode() in body and b"bot_build_info{" in body
