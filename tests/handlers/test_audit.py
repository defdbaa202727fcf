"""/audit: admins read the trail newest first, ten a page, filtered by kind; nobody else can."""

from datetime import timedelta

from sqlalchemy import update

from bot.services.shared import roles
from bot.services.shared.timefmt import fmt
from handlers.admin.audit import AuditCb
from models import AuditEntry, Role, User, utcnow
from tests.support.factories import register
from tests.support.harness import ADMIN_ID


async def fill(sessionmaker, actor: int) -> None:
    base = utcnow() - timedelta(days=1)
    async with sessionmaker() as session, session.begin():
        for i in range(23):
            session.add(
                AuditEntry(
                    actor_telegram_id=actor,
                    action="role.grant",
                    target=f"tg:{5000 + i}",
                    details={"role": "methodist", "n": i},
                    created_at=base + timedelta(minutes=i),
                )
            )
        for i in range(3):
            session.add(
                AuditEntry(
                    actor_telegram_id=None,
                    action="broadcast.send",
                    target=f"broadcast:{i}",
                    details={"recipients": 10 + i},
                    created_at=base + timedelta(hours=2, minutes=i),
                )
            )


async def test_pages_filters_names_and_zone(harness, sessionmaker):
    actor = harness.user(910)
    await register(actor, name="<b>Сидоров</b> Иван")
    await fill(sessionmaker, 910)
    admin = harness.user(ADMIN_ID)
    first = (await admin.send("/audit"))[-1]
    assert "записей: 26" in first and first.count("кто:") == 10
    assert first.index("broadcast:2") < first.index("broadcast:1") < first.index("n=22")  # newest first
    assert "рассылка запущена" in first and "кто: система" in first
    assert "кто: &lt;b&gt;Сидоров&lt;/b&gt; Иван (910); объект: tg:5022" in first and "<b>Сидоров" not in first
    assert "n=15" not in first and "1/3" in [text for text, _ in admin.buttons()]

    second = (await admin.press("▶"))[-1]
    assert second.count("кто:") == 10 and "n=15" in second and "n=6" in second and "n=5" not in second
    third = (await admin.press("▶"))[-1]
    assert third.count("кто:") == 6 and "n=0" in third

    only = (await admin.press("Рассылки"))[-1]
    assert "записей: 3" in only and "выдана роль" not in only and only.count("кто:") == 3
    assert "записей: 23" in (await admin.click(AuditCb(kind="role", page=99)))[-1]  # clamped to the last page
    assert "Неизвестный фильтр" in (await admin.click(AuditCb(kind="nope")))[-1]


async def test_times_are_in_the_admins_zone(harness, sessionmaker):
    admin = harness.user(920)
    await register(admin, name="Админова Анна")
    async with sessionmaker() as session, session.begin():
        await roles.grant(session, None, Role.admin, 920, None)
        await session.execute(update(User).where(User.telegram_id == 920).values(timezone="Asia/Krasnoyarsk"))
    text = (await admin.send("/audit"))[-1]
    assert "выдана роль" in text and "(МСК+4, Красноярск)" in text
    async with sessionmaker() as session:
        entry = await session.get(AuditEntry, 1)
    assert fmt(entry.created_at, "Asia/Krasnoyarsk") in text
    assert "кто: система; объект: Админова Анна (tg:920)" in text and "role=admin" in text


async def test_non_admins_are_refused(harness, sessionmaker):
    teacher = harness.user(930)
    await register(teacher)
    assert "только администраторам" in (await teacher.send("/audit"))[-1]
    assert "только администраторам" in (await teacher.click(AuditCb(kind="all", page=1)))[-1]
    async with sessionmaker() as session, session.begin():
        await roles.grant(session, None, Role.methodist, 930, 1)
    assert "только администраторам" in (await teacher.send("/audit"))[-1]
