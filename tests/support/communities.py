"""People and communities for the community tests: teachers of a chosen school and subjects
through the /start dialog, and communities written through the service (their creation screens
are tested in tests/handlers/test_communities.py)."""

from sqlalchemy import select

from bot.services.communities import manage, people
from bot.services.communities.manage import Draft
from bot.services.shared.roles import Identity
from models import Community, CommunityKind, CommunityMember, MemberStatus, User, utcnow
from tests.support.factories import org_id


async def teacher(
    harness,
    telegram_id: int,
    name: str,
    *,
    town: str = "Новочеркасск",
    school: str = "СОШ № 1",
    subjects: tuple[str, ...] = ("Математика",),
    experience: str = "10",
    year: str = "1980",
):
    """A registered teacher of `school` in `town`, teaching `subjects`."""
    user = harness.user(telegram_id)
    await user.send("/start")
    await user.press("Согласен")
    await user.send(name)
    await user.press(town)
    await user.press(school)
    await user.press("Учитель")
    for subject in subjects:
        await user.press(subject)
    await user.press("Готово")
    await user.send(experience)
    await user.send(year)
    return user


async def community(
    sessionmaker,
    title: str,
    scope: str = "г. Новочеркасск",
    kind: CommunityKind = CommunityKind.municipal_mo,
    subjects: tuple[str, ...] = (),
    auto: bool = False,
    leader_tg: int | None = None,
) -> int:
    """A community made by an admin through the service; `leader_tg` is appointed its leader."""
    admin = Identity(1, None, [], env_admin=True)
    async with sessionmaker() as session, session.begin():
        made, _ = await manage.create(
            session, admin, Draft(kind, await org_id(sessionmaker, scope), title, "", subjects, auto), utcnow()
        )
        if leader_tg is not None:
            leader = await session.scalar(select(User).where(User.telegram_id == leader_tg))
            await people.appoint_leader(session, admin, made.id, leader.id, utcnow())
        return made.id


async def member_rows(sessionmaker, community_id: int) -> dict[int, CommunityMember]:
    """telegram id -> membership row (any status) of a community."""
    async with sessionmaker() as session:
        rows = await session.execute(
            select(User.telegram_id, CommunityMember)
            .join(CommunityMember, CommunityMember.user_id == User.id)
            .where(CommunityMember.community_id == community_id)
        )
        return {tg: row for tg, row in rows}


async def active_members(sessionmaker, community_id: int) -> set[int]:
    rows = await member_rows(sessionmaker, community_id)
    return {tg for tg, row in rows.items() if row.status == MemberStatus.active}


async def community_row(sessionmaker, community_id: int) -> Community:
    async with sessionmaker() as session:
        return await session.get(Community, community_id)


async def user_id(sessionmaker, telegram_id: int) -> int:
    async with sessionmaker() as session:
        return await session.scalar(select(User.id).where(User.telegram_id == telegram_id))


async def manage_add(sessionmaker, community_id: int, member_user_id: int) -> None:
    """An admin adds a member through the service (the screens are tested on their own)."""
    admin = Identity(1, None, [], env_admin=True)
    async with sessionmaker() as session, session.begin():
        await people.add_member(session, admin, community_id, member_user_id, utcnow())
