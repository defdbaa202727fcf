import re
import sqlite3
import stat
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.infra.backup import BackupUnsupported, backup_sqlite

ROOT = Path(__file__).resolve().parents[2]


def run_cli(tmp_path, *args, url=None):
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(ROOT),
        "BOT_ENV_FILE": "",
        "DATABASE_URL": url or f"sqlite+aiosqlite:///{tmp_path}/bot.db",
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )


def test_backup_copies_a_consistent_database(tmp_path):
    assert run_cli(tmp_path, "seed", "--demo").returncode == 0
    result = run_cli(tmp_path, "backup", str(tmp_path / "copies"))
    assert result.returncode == 0, result.stderr
    (copy,) = (tmp_path / "copies").iterdir()
    # Named after the database file (README: bot-YYYYMMDD-HHMMSS.db), readable by the owner only.
    assert re.fullmatch(r"bot-\d{8}-\d{6}\.db", copy.name) and f"backup written to {copy}" in result.stdout
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    with sqlite3.connect(copy) as conn:
        assert conn.execute("select count(*) from organizations").fetchone()[0] == 15
        assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"


def test_backups_are_dated_and_never_overwrite_each_other(tmp_path):
    source = tmp_path / "bot.sqlite3"
    sqlite3.connect(source).close()
    at = datetime(2026, 12, 7, 9, 0, 0)
    first = backup_sqlite(f"sqlite+aiosqlite:///{source}", tmp_path / "backups", at)
    assert first == tmp_path / "backups" / "bot-20261207-090000.sqlite3"
    second = backup_sqlite(f"sqlite+aiosqlite:///{source}", tmp_path / "backups", at + timedelta(days=1))
    assert second.name == "bot-20261208-090000.sqlite3" and first.exists()
    with pytest.raises(BackupUnsupported, match="already exists"):
        backup_sqlite(f"sqlite+aiosqlite:///{source}", tmp_path / "backups", at)


def test_backup_of_postgres_points_to_pg_dump(tmp_path):
    result = run_cli(tmp_path, "backup", str(tmp_path / "x.db"), url="postgresql+asyncpg://u@127.0.0.1:1/none")
    assert result.returncode == 2 and "pg_dump" in result.stderr and "Traceback" not in result.stderr
