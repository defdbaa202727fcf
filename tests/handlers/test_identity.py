"""Who is acting, through the dispatcher: a role granted in this process applies at the person's
next tap (the identity cache empties when the grant commits), and with REDIS_URL (several
instances, no cache) so does a grant made by another instance. The cache's own rules, with a
clock moved by hand, are in tests/db/test_identity_cache.py."""

from aiogram.fsm.storage.memory import MemoryStorage

from bot.infra.db import create_engine, create_sessionmaker
from bot.services.shared import roles
from models import Role
from tests.support.factories import org_id, registered
from tests.support.harness import ADMIN_ID, Harness


async def _grant_methodist(sessionmaker, telegram_id: int) -> None:
    async with sessionmaker() as session, session.begin():
        await roles.grant(session, None, Role.methodist, telegram_id, await org_id(sessionmaker, "г. Новочеркасск"))


async def test_a_grant_made_by_an_admin_applies_at_the_next_tap(harness):
    teacher = await registered(harness, 620)
    assert "/stats" not in (await teacher.send("/help"))[-1]  # remembered as a plain teacher
    admin = harness.user(ADMIN_ID)
    await admin.send("/grant 620")
    await admin.press("Ростовская")
    assert "назначен методистом" in (await admin.press("Выбрать: Ростовская"))[-1]
    assert "/stats" in (await teacher.send("/help"))[-1]


async def test_with_several_instances_a_grant_by_another_one_applies_at_the_next_tap(db_url, sessionmaker):
    h = Harness(db_url, sessionmaker, storage_factory=MemoryStorage, redis_url="redis://127.0.0.1:1/0")
    await h.start()
    try:
        teacher = await registered(h, 621)
        assert "/stats" not in (await teacher.send("/help"))[-1]
        assert "/stats" not in (await teacher.send("/help"))[-1]
        other_instance = create_engine(db_url)
        try:
            await _grant_methodist(create_sessionmaker(other_instance), 621)
        finally:
            await other_instance.dispose()
        assert "/stats" in (await teacher.send("/help"))[-1]
    finally:
        await h.stop()
