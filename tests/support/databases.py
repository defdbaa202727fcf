"""Fresh, migrated databases for tests: SQLite always, PostgreSQL when TEST_POSTGRES_URL is set.

Each backend is migrated once per run into a template; every test then gets a clean copy
(SQLite: a file copy; PostgreSQL: a per-run database whose tables are truncated per test)."""

import os
import shutil
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bot import migrate
from models import Base

POSTGRES_SKIP_REASON = "TEST_POSTGRES_URL is not set: PostgreSQL variants skipped"


def postgres_admin_url() -> str | None:
    return os.environ.get("TEST_POSTGRES_URL") or None


async def create_postgres_database(prefix: str = "growthbot_test") -> str:
    """Create an empty database beside TEST_POSTGRES_URL's and return its URL."""
    admin_url = make_url(postgres_admin_url())
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    engine = create_async_engine(admin_url, isolation_level="AUTOCOMMIT")
    async with engine.connect() as conn:
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    await engine.dispose()
    return admin_url.set(database=name).render_as_string(hide_password=False)


async def drop_postgres_database(url: str) -> None:
    admin_url = make_url(postgres_admin_url())
    name = make_url(url).database
    engine = create_async_engine(admin_url, isolation_level="AUTOCOMMIT")
    async with engine.connect() as conn:
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    await engine.dispose()


def off_loop(fn, *args):
    """Run a blocking call that may itself start an event loop (Alembic's env does), even when
    the caller is already inside one (session fixtures requested from async fixtures are)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn, *args).result()


def migrated_sqlite_template(directory: Path) -> Path:
    path = directory / "template.db"
    off_loop(migrate.upgrade, f"sqlite+aiosqlite:///{path}")
    return path


def sqlite_copy(template: Path, directory: Path) -> str:
    target = directory / "bot.db"
    shutil.copyfile(template, target)
    return f"sqlite+aiosqlite:///{target}"


async def truncate_all(url: str) -> None:
    engine = create_async_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    async with engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    await engine.dispose()
