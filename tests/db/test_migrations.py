"""Migration stairway: every revision upgrades, downgrades and upgrades again, on each backend,
and the models never drift from what the migrations build."""

import asyncio

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from bot.infra import migrate
from bot.infra.db import create_engine
from models import Base
from tests.support import databases


def revisions() -> list[str]:
    script = ScriptDirectory.from_config(migrate.alembic_config("sqlite://"))
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


async def _drift(url: str) -> list:
    engine = create_engine(url)
    async with engine.connect() as conn:
        diff = await conn.run_sync(lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata))
    await engine.dispose()
    return diff


def _stairway(url: str) -> None:
    for revision in revisions():
        migrate.upgrade(url, revision)
        migrate.downgrade(url, "-1")
        migrate.upgrade(url, revision)


@pytest.fixture(params=["sqlite", "postgres"])
def empty_db_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path}/stairs.db"
        return
    if not databases.postgres_admin_url():
        pytest.skip(databases.POSTGRES_SKIP_REASON)
    url = asyncio.run(databases.create_postgres_database("growthbot_stairs"))
    yield url
    asyncio.run(databases.drop_postgres_database(url))


def test_stairway_and_no_model_drift(empty_db_url):
    _stairway(empty_db_url)
    assert asyncio.run(_drift(empty_db_url)) == []
