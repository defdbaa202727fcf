import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_cli(tmp_path, *args, url=None):
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": url or f"sqlite+aiosqlite:///{tmp_path}/bot.db",
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )


def test_backup_copies_a_consistent_database(tmp_path):
    assert run_cli(tmp_path, "seed").returncode == 0
    result = run_cli(tmp_path, "backup", str(tmp_path / "copies"))
    assert result.returncode == 0, result.stderr
    copy = tmp_path / "copies" / "bot.db"
    with sqlite3.connect(copy) as conn:
        assert conn.execute("select count(*) from organizations").fetchone()[0] == 15
        assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"


def test_backup_of_postgres_points_to_pg_dump(tmp_path):
    result = run_cli(tmp_path, "backup", str(tmp_path / "x.db"), url="postgresql+asyncpg://u@127.0.0.1:1/none")
    assert result.returncode == 2 and "pg_dump" in result.stderr and "Traceback" not in result.stderr
