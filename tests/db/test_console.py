"""Every console command acts on the database the service uses: the one in the env file
(BOT_ENV_FILE, default /etc/growthbot.env), whatever the current directory, and says which
database it touched. Run as the deploy guide shows: no DATABASE_URL in the shell."""

import asyncio
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.infra import migrate
from tests.support import databases

HEAD = migrate.head_revision()

ROOT = Path(__file__).resolve().parents[2]


def console(workdir: Path, env_file: Path, *args: str) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "BOT_ENV_FILE": str(env_file)}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], cwd=workdir, env=env, capture_output=True, text=True, timeout=120
    )


def ok(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture
def service(tmp_path):
    """A service's env file pointing at its own database, and a different current directory."""
    data, elsewhere = tmp_path / "srv" / "data", tmp_path / "elsewhere"
    data.mkdir(parents=True)
    elsewhere.mkdir()
    env_file = tmp_path / "growthbot.env"
    env_file.write_text(f"DATABASE_URL=sqlite:///{data / 'bot.sqlite3'}\nLOG_LEVEL=WARNING\n", encoding="utf-8")
    return elsewhere, env_file, data / "bot.sqlite3"


def rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def test_every_command_acts_on_the_env_files_database(service, tmp_path):
    workdir, env_file, db = service
    migrate.upgrade(f"sqlite+aiosqlite:///{db}", "0004")

    out = ok(console(workdir, env_file, "migrate"))
    assert f"settings: {env_file}" in out and f"database: sqlite+aiosqlite:///{db}" in out
    assert f"schema upgraded 0004 → {HEAD}" in out
    assert f"schema already at {HEAD}" in ok(console(workdir, env_file, "migrate"))

    assert "organizations: 0" in ok(console(workdir, env_file, "seed"))  # no demo directory unasked
    assert rows(db, "select count(*) from organizations") == [(0,)]
    assert rows(db, "select count(*) from content_versions")[0][0] > 0

    csv_file = tmp_path / "district.csv"
    csv_file.write_text(
        "region;municipality;organization;timezone\nКрай;Город;Школа № 1;Asia/Krasnoyarsk\n", encoding="utf-8"
    )
    assert "3 created" in ok(console(workdir, env_file, "orgs", "import", str(csv_file)))
    school_id = rows(db, "select id from organizations where name = 'Школа № 1'")[0][0]
    assert "Школа № 1" in ok(console(workdir, env_file, "orgs", "list"))

    assert "admin granted to 42" in ok(console(workdir, env_file, "grant", "admin", "42"))
    ok(console(workdir, env_file, "grant", "methodist", "43", "--scope", str(school_id)))
    assert rows(db, "select telegram_id, role from role_grants order by telegram_id") == [
        (42, "admin"),
        (43, "methodist"),
    ]
    assert "revoked 1 grant(s)" in ok(console(workdir, env_file, "revoke", "admin", "42"))
    assert rows(db, "select telegram_id from role_grants") == [(43,)]

    refused = console(workdir, env_file, "orgs", "remove", str(school_id))
    assert refused.returncode == 2 and "role_grants.scope_org_id: 1" in refused.stderr
    ok(console(workdir, env_file, "revoke", "methodist", "43", "--scope", str(school_id)))
    region_id = rows(db, "select id from organizations where parent_id is null")[0][0]
    assert "removed «Край» and 2 organization(s) under it" in ok(
        console(workdir, env_file, "orgs", "remove", str(region_id))
    )
    assert rows(db, "select count(*) from organizations") == [(0,)]

    out = ok(console(workdir, env_file, "backup", str(tmp_path / "backups")))
    (copy,) = (tmp_path / "backups").iterdir()
    assert f"backup written to {copy}" in out and copy.name.startswith("bot-") and copy.suffix == ".sqlite3"
    assert rows(copy, "select count(*) from content_versions")[0][0] > 0
    assert not (workdir / "data").exists() and not (ROOT / "data" / "bot.sqlite3").exists()


def test_a_named_env_file_that_is_missing_stops_the_command(tmp_path):
    result = console(tmp_path, tmp_path / "nowhere.env", "migrate")
    assert result.returncode == 2 and "BOT_ENV_FILE" in result.stderr and "no such file" in result.stderr


async def test_grant_reaches_postgres_through_a_plain_postgresql_url(tmp_path):
    """The deploy guide's case: a plain postgresql:// URL (what psql and pg_dump take) in the env
    file, with a password that needs URL-encoding; the console masks it."""
    if not databases.postgres_admin_url():
        pytest.skip(databases.POSTGRES_SKIP_REASON)
    url = await databases.create_postgres_database("growthbot_console")
    try:
        plain = url.replace("postgresql+asyncpg://", "postgresql://", 1)
        env_file = tmp_path / "growthbot.env"
        env_file.write_text(f"DATABASE_URL={plain}\n", encoding="utf-8")
        result = await asyncio.to_thread(console, tmp_path, env_file, "grant", "admin", "77")
        assert result.returncode == 0, result.stderr
        assert "database: postgresql+asyncpg://" in result.stdout and f"schema created at {HEAD}" in result.stdout
        from sqlalchemy import text
        from sqlalchemy.ext.asyncio import create_async_engine

        engine = create_async_engine(url)
        async with engine.connect() as conn:
            assert (await conn.execute(text("select telegram_id from role_grants"))).scalars().all() == [77]
        await engine.dispose()
    finally:
        await databases.drop_postgres_database(url)


def test_run_reads_the_same_env_file(tmp_path):
    """The service's own start reads the env file too: its settings are checked before anything runs."""
    env_file = tmp_path / "growthbot.env"
    env_file.write_text(f"BOT_TOKEN=not-a-token\nDATABASE_URL=sqlite:///{tmp_path / 'bot.db'}\n", encoding="utf-8")
    result = console(tmp_path, env_file, "run")
    assert result.returncode == 2 and "BOT_TOKEN is malformed" in result.stderr
    assert not (tmp_path / "bot.db").exists()  # refused before touching the database
