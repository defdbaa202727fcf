import logging
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import Settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "token, problem",
    [
        (None, "not set"),
        ("", "not set"),
        ("abc", "malformed"),
        ("12345:", "malformed"),
        ("123456:AAH-valid_Token", None),
    ],
)
def test_token_problem(token, problem):
    settings = Settings(_env_file=None, bot_token=token)
    found = settings.token_problem()
    assert (problem is None and found is None) or (problem and problem in found)


def test_admin_ids_from_a_comma_list(monkeypatch):
    monkeypatch.setenv("ADMIN_IDS", "1, 2;3")
    assert Settings(_env_file=None).admin_ids == [1, 2, 3]


@pytest.mark.parametrize(
    "env, message",
    [
        ({}, "BOT_TOKEN is not set"),
        ({"BOT_TOKEN": "nonsense"}, "BOT_TOKEN is malformed"),
        ({"BOT_TOKEN": "123456:AAH-ok", "DEFAULT_TIMEZONE": "Mars/Olympus"}, "DEFAULT_TIMEZONE"),
        # WEBHOOK_URL alone selects webhook mode (as the env file's comment says), so its secret is required.
        ({"BOT_TOKEN": "123456:AAH-ok", "WEBHOOK_URL": "https://bot.example.org/webhook"}, "WEBHOOK_SECRET"),
        ({"BOT_TOKEN": "123456:AAH-ok", "TELEGRAM_PROXY": "ftp://proxy:21"}, "TELEGRAM_PROXY"),
    ],
)
def test_run_fails_in_one_line_with_exit_code_2(tmp_path, env, message):
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
            "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/bot.db",
            **env,
        },
    )
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("level, aiogram_event", [("INFO", logging.WARNING), ("debug", logging.NOTSET)])
def test_aiogram_logs_each_update_only_when_debugging(level, aiogram_event):
    from bot.__main__ import _configure_logging

    root = logging.getLogger()
    handlers, root_level = root.handlers[:], root.level
    try:
        _configure_logging(Settings(_env_file=None, log_level=level))
        assert logging.getLogger("aiogram.event").level == aiogram_event
    finally:
        logging.getLogger("aiogram.event").setLevel(logging.NOTSET)
        root.handlers[:], root.level = handlers, root_level
