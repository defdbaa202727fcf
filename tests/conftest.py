"""Shared fixtures: a known instant for every test (tests/support/clock.py), a clean migrated
database per test (`db_url`, parametrized over SQLite and, when TEST_POSTGRES_URL is set,
PostgreSQL), a sessionmaker, and the handler-test `harness`. A test that uses the harness gets
the bundled content too, loaded once per run."""

import asyncio
import os
from pathlib import Path

import pytest

from bot.infra import migrate
from bot.infra.db import create_engine, create_sessionmaker
from tests.support import clock, databases
from tests.support.harness import Harness

_SESSION_CLOCK = pytest.StashKey[object]()


def pytest_configure(config: pytest.Config) -> None:
    # The bots and console commands the tests start must not read this machine's service settings
    # (/etc/growthbot.env): each test names its database itself.
    os.environ["BOT_ENV_FILE"] = ""
    # From collection on (module-level constants included) the clock reads the known instant.
    traveller = clock.travel()
    traveller.start()
    config.stash[_SESSION_CLOCK] = traveller


def pytest_unconfigure(config: pytest.Config) -> None:
    traveller = config.stash.get(_SESSION_CLOCK, None)
    if traveller is not None:
        traveller.stop()


def pytest_report_header() -> str:
    return f"tests run at {clock.instant().isoformat()} (TEST_NOW), ticking"


@pytest.fixture(autouse=True)
def known_instant(request: pytest.FixtureRequest):
    """Each test starts at the same instant, however long the run before it took. End-to-end tests
    keep the session's ticking clock: their bot process, started at the parent's instant, ticks
    alongside it, and a reset here would put the two apart."""
    if request.node.get_closest_marker("e2e"):
        yield None
        return
    with clock.travel() as traveller:
        yield traveller


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    return databases.migrated_sqlite_template(tmp_path_factory.mktemp("template"))


@pytest.fixture(scope="session")
def seeded_sqlite_template(sqlite_template, tmp_path_factory) -> Path:
    return databases.seeded_sqlite_template(sqlite_template, tmp_path_factory.mktemp("seeded"))


@pytest.fixture(scope="session")
def postgres_url():
    if not databases.postgres_admin_url():
        pytest.skip(databases.POSTGRES_SKIP_REASON)
    url = databases.off_loop(asyncio.run, databases.create_postgres_database())
    databases.off_loop(migrate.upgrade, url)
    databases.off_loop(asyncio.run, databases.snapshot_content(url))
    yield url
    databases.off_loop(asyncio.run, databases.drop_postgres_database(url))


@pytest.fixture(params=["sqlite", "postgres"])
async def db_url(request, tmp_path) -> str:
    content = "harness" in request.fixturenames
    if request.param == "sqlite":
        template = "seeded_sqlite_template" if content else "sqlite_template"
        return databases.sqlite_copy(request.getfixturevalue(template), tmp_path)
    url = request.getfixturevalue("postgres_url")
    await databases.truncate_all(url, keep_content=content)
    return url


@pytest.fixture
async def sessionmaker(db_url):
    engine = create_engine(db_url)
    yield create_sessionmaker(engine)
    await engine.dispose()


@pytest.fixture
async def harness(db_url, sessionmaker) -> Harness:
    h = Harness(db_url, sessionmaker)
    await h.start()
    yield h
    await h.stop()
