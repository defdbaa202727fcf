"""Roles, scopes and invites: every privileged action is re-checked on the server."""

from datetime import timedelta

from sqlalchemy import select, update

from handlers.shared.callbacks import InviteTermsCb, OrgPickCb, RevokeCb
from models import AuditEntry, Invite, Role, RoleGrant, User, utcnow
from tests.support.factories import make_methodist, org_id, register
from tests.support.harness import ADMIN_ID


async def create_invite(methodist, role_label: str = "Педагогов") -> str:
    await methodist.send("/invite")
    await methodist.press(role_label)
    await methodist.press("СОШ № 1")
    replies = await methodist.press("30 чел.")
    link = replies[-1].split("start=inv_")[1].split()[0]
    return link


async def test_teacher_cannot_invite_or_forge_methodist_buttons(harness, sessionmaker):
    teacher = harness.user(601)
    await register(teacher)
    assert "только методистам" in (await teacher.send("/invite"))[-1]
    school = await org_id(sessionmaker, "СОШ № 1")
    replies = await teacher.click(InviteTermsCb(org_id=school, days=30, uses=100))
    assert "устарела" in replies[-1]  # no invite dialog is open: the forged button is stale
    replies = await teacher.click(OrgPickCb(purpose="grant", action="choose", org_id=school))
    assert "устарела" in replies[-1]
    replies = await teacher.click(RevokeCb(grant_id=1))
    assert "только администраторам" in replies[-1]
    async with sessionmaker() as session:
        assert (await session.scalars(select(Invite))).all() == []


async def test_methodist_invites_only_inside_scope(harness, sessionmaker):
    methodist = await make_methodist(harness, sessionmaker, 602, "г. Новочеркасск")
    code = await create_invite(methodist)
    async with sessionmaker() as session:
        invite = await session.scalar(select(Invite).where(Invite.code == code))
        assert invite.uses_left == 30
        assert await session.scalar(select(AuditEntry.action).where(AuditEntry.action == "invite.create"))
    # A forged button for a school in another municipality is refused on the server.
    await methodist.send("/invite")
    await methodist.press("Педагогов")
    foreign = await org_id(sessionmaker, "СОШ № 24")
    replies = await methodist.click(OrgPickCb(purpose="invite", action="choose", org_id=foreign))
    assert "вне вашей зоны" in replies[-1]


async def test_invite_registers_into_its_organization_and_grants_mentor(harness, sessionmaker):
    methodist = await make_methodist(harness, sessionmaker, 603, "г. Новочеркасск")
    code = await create_invite(methodist, "Наставника")
    mentor = harness.user(604)
    replies = await mentor.send(f"/start inv_{code}")
    assert "МБОУ СОШ № 1" in replies[-1]
    await mentor.press("Согласен")
    await mentor.send("Наставник Сергей")
    replies = await mentor.press("Учитель")  # the organization step is skipped: it comes from the invite
    await mentor.press("Готово")
    await mentor.send("25")
    replies = await mentor.send("1970")
    assert "роль наставника" in replies[-1]
    school = await org_id(sessionmaker, "СОШ № 1")
    async with sessionmaker() as session:
        user = await session.scalar(select(User).where(User.telegram_id == 604))
        assert user.organization_id == school
        assert await session.scalar(
            select(RoleGrant).where(RoleGrant.telegram_id == 604, RoleGrant.role == Role.mentor)
        )


async def test_expired_and_used_invites_are_refused(harness, sessionmaker):
    methodist = await make_methodist(harness, sessionmaker, 605, "г. Новочеркасск")
    code = await create_invite(methodist)
    async with sessionmaker() as session, session.begin():
        await session.execute(update(Invite).values(expires_at=utcnow() - timedelta(minutes=1)))
    replies = await harness.user(606).send(f"/start inv_{code}")
    assert "Срок действия приглашения истёк" in replies[-1]
    assert "Согласие на обработку" in replies[-1]  # and ordinary registration goes on
    async with sessionmaker() as session, session.begin():
        await session.execute(update(Invite).values(expires_at=utcnow() + timedelta(days=1), uses_left=0))
    replies = await harness.user(607).send(f"/start inv_{code}")
    assert "уже использовано" in replies[-1]
    replies = await harness.user(608).send("/start inv_nonsense")
    assert "не найдено" in replies[-1]


async def test_admin_grants_and_revokes_a_methodist(harness, sessionmaker):
    admin = harness.user(ADMIN_ID)
    await admin.send("/grant 777")
    await admin.press("Ростовская")
    replies = await admin.press("Выбрать: Ростовская")
    assert "назначен методистом" in replies[-1]
    async with sessionmaker() as session:
        grant = await session.scalar(select(RoleGrant).where(RoleGrant.telegram_id == 777))
    assert grant.role == Role.methodist
    await admin.send("/methodists")
    replies = await admin.press("Снять роль: 777")
    assert "снята" in replies[-1]
    async with sessionmaker() as session:
        assert await session.scalar(select(RoleGrant).where(RoleGrant.telegram_id == 777)) is None
        actions = list(await session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions == ["role.grant", "role.revoke"]
    # A double tap on the same revoke button is harmless.
    replies = await admin.click(RevokeCb(grant_id=grant.id))
    assert "уже снята" in replies[-1]


async def test_a_refused_person_is_told_why(harness, sessionmaker):
    """Role and registration are router filters; whoever they refuse reads the reason, not
    "unknown command" (and a button of a dialog step that is not open is still stale)."""
    stranger = harness.user(609)
    assert "Вы ещё не зарегистрированы" in (await stranger.send("/help"))[-1]
    assert "Сначала зарегистрируйтесь" in (await stranger.send("/profile"))[-1]
    assert "Сначала зарегистрируйтесь" in (await stranger.send("/route"))[-1]
    assert "Чтобы начать, отправьте /start" in (await stranger.send("/nonsense"))[-1]
    assert "Команды" in (await harness.user(ADMIN_ID).send("/help"))[-1]  # an admin need not register
    teacher = harness.user(610)
    await register(teacher)
    assert "только администраторам" in (await teacher.send("/grant 777"))[-1]
    assert "только администраторам" in (await teacher.send("/methodists"))[-1]
    assert "только методистам" in (await teacher.send("/stats"))[-1]
    assert "методисты регионального уровня" in (await teacher.send("/content"))[-1]
    methodist = await make_methodist(harness, sessionmaker, 611, "г. Новочеркасск")
    assert "методисты регионального уровня" in (await methodist.send("/content"))[-1]
