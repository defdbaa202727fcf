"""The identity cache (bot/services/shared/identity_cache.py) never answers with what the database
no longer says: writes in this process empty it once they end, a load that overlapped a write is
not kept, grants from another process are noticed within the check interval, and anyone with a
role is read afresh on every update. On SQLite and PostgreSQL."""

import gc
import weakref

import pytest
from sqlalchemy import event, select

from bot.infra.db import create_engine, create_sessionmaker, read_only
from bot.services.onboarding import users
from bot.services.shared import roles
from bot.services.shared.identity_cache import CHECK_EVERY_S, IdentityCache
from models import Organization, OrgKind, Position, Role, RoleGrant, User, utcnow

TEACHER, STRANGER, ADMIN = 7001, 7002, 7003


class Clock:
    """The cache's monotonic clock, moved by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def setup(sessionmaker):
    engine = sessionmaker.kw["bind"]
    clock = Clock()
    cache = IdentityCache(engine, clock)
    statements: list[str] = []
    event.listen(engine.sync_engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    async with sessionmaker() as session, session.begin():
        org = Organization(name="Школа", kind=OrgKind.school, timezone="Europe/Moscow")
        session.add(org)
        await session.flush()
        session.add(
            User(
                telegram_id=TEACHER,
                full_name="Иванова Анна",
                position=Position.teacher,
                subjects=["химия"],
                organization_id=org.id,
                timezone="Europe/Moscow",
                is_active=True,
            )
        )
    return cache, clock, statements


async def load(sessionmaker, cache: IdentityCache, telegram_id: int, admin_ids=()) -> roles.Identity:
    async with sessionmaker() as session:
        read_only(session)  # as an update's session is until its handler is known (bot/middlewares/db.py)
        return await cache.load(session, telegram_id, list(admin_ids))


async def test_a_plain_identity_is_read_once_and_each_update_gets_its_own_instance(sessionmaker, setup):
    cache, _, statements = setup
    first = await load(sessionmaker, cache, TEACHER)
    statements.clear()
    async with sessionmaker() as session:
        second = await cache.load(session, TEACHER, [])
        assert second.user in session  # attached to this update's session, so changes write through
    assert statements == []
    assert second.user is not first.user
    assert (second.user.id, second.user.full_name, second.user.subjects, second.roles) == (
        first.user.id,
        "Иванова Анна",
        ["химия"],
        {Role.teacher},
    )


async def test_a_change_that_was_not_committed_never_reaches_the_cache(sessionmaker, setup):
    cache, _, _ = setup
    await load(sessionmaker, cache, TEACHER)
    async with sessionmaker() as session:
        identity = await cache.load(session, TEACHER, [])
        identity.user.full_name = "Чужое Имя"
        identity.user.subjects.append("физика")
        await session.rollback()
    again = await load(sessionmaker, cache, TEACHER)
    assert (again.user.full_name, again.user.subjects) == ("Иванова Анна", ["химия"])


async def test_writes_in_this_process_empty_it_once_committed(sessionmaker, setup):
    cache, _, _ = setup
    await load(sessionmaker, cache, TEACHER)
    async with sessionmaker() as session, session.begin():  # an ORM change (a profile edit)
        (await cache.load(session, TEACHER, [])).user.full_name = "Петрова Анна"
    assert (await load(sessionmaker, cache, TEACHER)).user.full_name == "Петрова Анна"
    async with sessionmaker() as session, session.begin():  # a Core UPDATE (the person blocked the bot)
        await users.set_reachable(session, TEACHER, False, utcnow())
    assert (await load(sessionmaker, cache, TEACHER)).user.is_active is False


async def test_a_load_that_overlaps_an_open_write_is_not_kept(sessionmaker, setup):
    cache, _, statements = setup
    async with sessionmaker() as writer:
        await writer.execute(User.__table__.update().where(User.telegram_id == TEACHER).values(full_name="Новое Имя"))
        seen = await load(sessionmaker, cache, TEACHER)  # reads what is committed: the old name
        assert seen.user.full_name == "Иванова Анна"
        await writer.commit()
    statements.clear()
    assert (await load(sessionmaker, cache, TEACHER)).user.full_name == "Новое Имя"
    assert statements, "what was read before the commit outlived it"


async def test_a_load_during_which_a_write_ends_is_not_kept(sessionmaker, setup, monkeypatch):
    cache, _, _ = setup
    read_identity = roles.load_identity
    async with sessionmaker() as writer:
        await writer.execute(User.__table__.update().where(User.telegram_id == TEACHER).values(full_name="Новое Имя"))

        async def read_then_writer_commits(session, telegram_id, admin_ids):
            identity = await read_identity(session, telegram_id, admin_ids)  # the old name
            await writer.commit()  # the write ends (and empties the cache) before the load is done
            return identity

        monkeypatch.setattr(roles, "load_identity", read_then_writer_commits)
        assert (await load(sessionmaker, cache, TEACHER)).user.full_name == "Иванова Анна"
    monkeypatch.setattr(roles, "load_identity", read_identity)
    assert (await load(sessionmaker, cache, TEACHER)).user.full_name == "Новое Имя"


async def test_registration_after_an_unregistered_visit(sessionmaker, setup):
    cache, _, _ = setup
    assert (await load(sessionmaker, cache, STRANGER)).user is None
    async with sessionmaker() as session, session.begin():
        session.add(
            User(
                telegram_id=STRANGER,
                full_name="Новенький",
                position=Position.teacher,
                subjects=[],
                timezone="Europe/Moscow",
                is_active=True,
            )
        )
    assert (await load(sessionmaker, cache, STRANGER)).user.full_name == "Новенький"


async def test_identities_with_a_role_are_read_every_time(sessionmaker, setup):
    cache, _, statements = setup
    async with sessionmaker() as session, session.begin():
        await roles.grant(session, None, Role.mentor, TEACHER, None)
    assert Role.mentor in (await load(sessionmaker, cache, TEACHER)).roles
    statements.clear()
    assert Role.mentor in (await load(sessionmaker, cache, TEACHER)).roles
    assert statements, "an identity with a grant came from memory"
    await load(sessionmaker, cache, ADMIN, admin_ids=[ADMIN])
    statements.clear()
    assert (await load(sessionmaker, cache, ADMIN, admin_ids=[ADMIN])).is_admin
    assert statements, "an admin from the environment came from memory"


async def test_a_grant_from_another_process_is_noticed_within_the_interval(db_url, sessionmaker, setup):
    cache, clock, statements = setup
    await load(sessionmaker, cache, TEACHER)  # reads the grants' fingerprint, then remembers a plain teacher
    console = create_engine(db_url)  # `python -m bot grant` is another process with its own engine
    try:
        async with create_sessionmaker(console)() as session, session.begin():
            await roles.grant(session, None, Role.mentor, TEACHER, None)
    finally:
        await console.dispose()
    statements.clear()
    assert Role.mentor not in (await load(sessionmaker, cache, TEACHER)).roles  # within the second: memory
    assert statements == []
    clock.now += CHECK_EVERY_S
    assert Role.mentor in (await load(sessionmaker, cache, TEACHER)).roles
    async with sessionmaker() as session:
        assert await session.scalar(select(RoleGrant.role).where(RoleGrant.telegram_id == TEACHER)) == Role.mentor


def test_one_cache_per_engine(sessionmaker):
    engine = sessionmaker.kw["bind"]
    assert IdentityCache.of(engine) is IdentityCache.of(engine)


async def test_the_cache_goes_with_its_engine(tmp_path):
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'gone.db'}")
    IdentityCache.of(engine)
    gone = weakref.ref(engine.sync_engine)
    await engine.dispose()
    del engine
    gc.collect()
    assert gone() is None  # the cache does not keep its engine alive: a process building many keeps none
