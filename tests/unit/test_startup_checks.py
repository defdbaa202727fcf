"""`run`'s start checks: Redis answers (or one clear line and exit code 1), Telegram is waited for
with backoff and one log line per attempt instead of a traceback."""

import logging
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from aiogram.exceptions import TelegramNetworkError, TelegramUnauthorizedError
from aiogram.methods import GetMe
from aiogram.types import User

from bot.app import create_bot
from bot.cli import StartupError, Unreachable
from bot.config import Settings
from bot.infra.startup_checks import check_redis, masked, reach_telegram

ROOT = Path(__file__).resolve().parents[2]


async def test_an_unreachable_redis_is_named_with_its_password_masked():
    with pytest.raises(Unreachable) as info:
        await check_redis("redis://:hunter2@127.0.0.1:1/0", timeout_s=2)
    assert "cannot reach Redis at redis://:***@127.0.0.1:1/0 (REDIS_URL)" in str(info.value)
    assert info.value.exit_code == 1  # may come back: systemd restarts


async def test_a_malformed_redis_url_is_a_configuration_error():
    with pytest.raises(StartupError) as info:
        await check_redis("localhost:6379")
    assert "REDIS_URL" in str(info.value) and info.value.exit_code == 2


async def test_a_reachable_redis_passes():
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("TEST_REDIS_URL is not set: Redis variants skipped")
    assert await check_redis(url) is None  # no StartupError: the bot goes on to start


def test_run_with_a_wrong_redis_url_stops_in_one_clear_line(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env={
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": str(ROOT),
            "BOT_ENV_FILE": "",
            "BOT_TOKEN": "123456:AAH-ok",
            "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/bot.db",
            "REDIS_URL": "redis://127.0.0.1:1/0",
        },
    )
    assert result.returncode == 1
    assert "error: cannot reach Redis at redis://127.0.0.1:1/0" in result.stderr
    assert "Traceback" not in result.stderr


class FlakyBot:
    def __init__(self, failures: int) -> None:
        self.failures = failures

    async def me(self) -> User:
        if self.failures:
            self.failures -= 1
            raise TelegramNetworkError(GetMe(), "Cannot connect to host api.telegram.org:443")
        return User(id=1, is_bot=True, first_name="Bot", username="growth_bot")


async def test_telegram_is_waited_for_with_backoff_and_one_line_per_attempt(caplog):
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    caplog.set_level(logging.WARNING, logger="bot.infra.startup_checks")
    me = await reach_telegram(FlakyBot(failures=3), "socks5://u:secret@10.0.0.1:1080", sleep=sleep)
    assert me.username == "growth_bot"
    assert waits == [5.0, 10.0, 20.0]
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 3 and all("\n" not in line for line in lines)
    assert (
        "Telegram is unreachable through the proxy socks5://u:***@10.0.0.1:1080" in lines[0]
        and "secret" not in lines[0]
    )
    assert "retrying in 5 s" in lines[0]


async def test_a_rejected_token_is_not_retried():
    class Rejecting:
        async def me(self):
            raise TelegramUnauthorizedError(GetMe(), "Unauthorized")

    with pytest.raises(StartupError, match="Telegram rejected BOT_TOKEN"):
        await reach_telegram(Rejecting(), None)


def test_masked_leaves_urls_without_a_password_alone():
    assert masked("redis://127.0.0.1:6379/0") == "redis://127.0.0.1:6379/0"


async def test_a_proxy_that_refuses_is_waited_for_too(caplog):
    """A real session through a SOCKS proxy that is down: aiohttp-socks' own error, one line, a wait."""
    with socket.socket() as probe:  # a local port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proxy = f"socks5://u:secret@127.0.0.1:{port}"
    bot = create_bot(Settings(_env_file=None, bot_token="123456:AAH-valid_Token", telegram_proxy=proxy))

    class Stop(Exception):
        pass

    async def sleep(_seconds: float) -> None:
        raise Stop

    caplog.set_level(logging.WARNING, logger="bot.infra.startup_checks")
    try:
        with pytest.raises(Stop):
            await reach_telegram(bot, proxy, sleep=sleep)
    finally:
        await bot.session.close()
    (line,) = [r.getMessage() for r in caplog.records]
    assert f"Telegram is unreachable through the proxy socks5://u:***@127.0.0.1:{port}" in line
    assert "retrying in 5 s" in line and "secret" not in line
