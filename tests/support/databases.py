"""Fresh, migrated databases for tests: SQLite always, PostgreSQL when TEST_POSTGRES_URL is set.

Each backend is migrated once per run into a template; every test then gets a clean copy
(SQLite: a file copy; PostgreSQL: a per-run database whose tables are truncated per test).
The bundled content (organizations, questionnaires, catalogue: what `bot.infra.seed` loads on start)
is loaded once per run too: into a second SQLite template, and on PostgreSQL into a snapshot
schema that is copied back after each truncation."""

import asyncio
import os
import shutil
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bot.infra import migrate
from bot.infra.db import create_engine, create_sessionmaker
from bot.infra.seed import seed
from models import Activity, Base, ContentVersion, Organization

CONTENT_TABLES = [Organization.__table__, ContentVersion.__table__, Activity.__table__]  # what seed() writes
SNAPSHOT = "seed_snapshot"

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


async def load_content(url: str) -> None:
    engine = create_engine(url)
    async with create_sessionmaker(engine)() as session, session.begin():
        await seed(session, demo=True)
    await engine.dispose()


def seeded_sqlite_template(template: Path, directory: Path) -> Path:
    path = directory / "seeded.db"
    shutil.copyfile(template, path)
    off_loop(asyncio.run, load_content(f"sqlite+aiosqlite:///{path}"))
    return path


async def snapshot_content(url: str) -> None:
    """Load the content into a fresh PostgreSQL database and keep a copy of its tables aside."""
    await load_content(url)
    engine = create_async_engine(url)
    async with engine.begin() as conn:
        await conn.execute(text(f"CREATE SCHEMA {SNAPSHOT}"))
        for table in CONTENT_TABLES:
            await conn.execute(text(f'CREATE TABLE {SNAPSHOT}."{table.name}" AS TABLE public."{table.name}"'))
    await engine.dispose()


def sqlite_copy(template: Path, directory: Path) -> str:
    target = directory / "bot.db"
    shutil.copyfile(template, target)
    return f"sqlite+aiosqlite:///{target}"


async def truncate_all(url: str, keep_content: bool = False) -> None:
    """Empty every table; with `keep_content`, copy the content snapshot back (and move the id
    sequences past it), which costs a few milliseconds where seed() costs a hundred."""
    engine = create_async_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    async with engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        for table in CONTENT_TABLES if keep_content else ():
            await conn.execute(text(f'INSERT INTO public."{table.name}" SELECT * FROM {SNAPSHOT}."{table.name}"'))
            await conn.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('public.\"{table.name}\"', 'id'), "
                    f'(SELECT coalesce(max(id), 0) + 1 FROM public."{table.name}"), false)'
                )
            )
    await engine.dispose()
