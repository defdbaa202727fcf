"""Run Alembic migrations from code (the CLI's `migrate`, `run` on start, and the tests)."""

import asyncio
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.ext.asyncio import create_async_engine

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config(str(MIGRATIONS_DIR / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["database_url"] = database_url
    return config


@dataclass(frozen=True)
class Upgrade:
    before: str | None  # None: an empty database
    after: str | None

    def describe(self) -> str:
        if self.before == self.after:
            return f"schema already at {self.after}"
        if self.before is None:
            return f"schema created at {self.after}"
        return f"schema upgraded {self.before} → {self.after}"


def upgrade(database_url: str, revision: str = "head") -> Upgrade:
    """Blocking: call it outside a running event loop (or via asyncio.to_thread)."""
    before = current_revision(database_url)
    command.upgrade(alembic_config(database_url), revision)
    return Upgrade(before, current_revision(database_url))


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config("")).get_current_head()


def current_revision(database_url: str) -> str | None:
    """The revision the database is at (None when it has no schema yet). Blocking, like upgrade()."""

    async def read() -> str | None:
        engine = create_async_engine(database_url)
        try:
            async with engine.connect() as conn:
                return await conn.run_sync(lambda sync: MigrationContext.configure(sync).get_current_revision())
        finally:
            await engine.dispose()

    return asyncio.run(read())


def downgrade(database_url: str, revision: str) -> None:
    command.downgrade(alembic_config(database_url), revision)
