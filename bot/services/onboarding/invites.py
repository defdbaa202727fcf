"""Invite deep links: a methodist invites teachers or mentors into an organization in scope."""

import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.shared import audit, orgs, roles
from bot.services.shared.errors import InvalidInput, NotFound
from bot.services.shared.roles import Identity
from models import Invite, Organization, OrgKind, Role

INVITE_ROLES = (Role.teacher, Role.mentor)
MAX_DAYS, MAX_USES = 90, 500


async def create(
    session: AsyncSession,
    actor: Identity,
    role: Role,
    organization_id: int,
    days: int,
    uses: int,
    now: datetime,
) -> Invite:
    if role not in INVITE_ROLES:
        raise InvalidInput("Пригласить можно только педагога или наставника.")
    await roles.require_methodist_for(session, actor, organization_id)
    organization = await session.get(Organization, organization_id)
    if organization is None:
        raise NotFound("Организация не найдена: возможно, её удалили.")
    if organization.kind not in (OrgKind.school, OrgKind.other):  # people work in schools, not in a municipality
        raise InvalidInput("Приглашение выдаётся в конкретную школу или организацию, а не в муниципалитет или регион.")
    if not 1 <= days <= MAX_DAYS or not 1 <= uses <= MAX_USES:
        raise InvalidInput(f"Срок от 1 до {MAX_DAYS} дней, число использований от 1 до {MAX_USES}.")
    invite = Invite(
        code=secrets.token_urlsafe(9),
        role=role,
        organization_id=organization_id,
        expires_at=now + timedelta(days=days),
        uses_left=uses,
        created_by=actor.telegram_id,
    )
    session.add(invite)
    await session.flush()
    await audit.record(
        session,
        actor.telegram_id,
        "invite.create",
        f"invite:{invite.id}",
        role=role.value,
        organization_id=organization_id,
        days=days,
        uses=uses,
    )
    return invite


async def find_valid(session: AsyncSession, code: str, now: datetime) -> Invite:
    """The invite behind a code, or a clear reason why it cannot be used."""
    invite = await session.scalar(select(Invite).where(Invite.code == code[:32]))
    if invite is None:
        raise InvalidInput("Приглашение не найдено. Проверьте ссылку или зарегистрируйтесь обычным образом.")
    if invite.expires_at <= now:
        raise InvalidInput("Срок действия приглашения истёк. Попросите методиста прислать новое.")
    if invite.uses_left <= 0:
        raise InvalidInput("Приглашение уже использовано. Попросите методиста прислать новое.")
    return invite


async def redeem(session: AsyncSession, code: str, telegram_id: int, now: datetime) -> Invite:
    """Consume one use atomically (a conditional UPDATE, so two people cannot take the last one)."""
    invite = await find_valid(session, code, now)
    taken = await session.execute(
        update(Invite)
        .where(Invite.id == invite.id, Invite.uses_left > 0, Invite.expires_at > now)
        .values(uses_left=Invite.uses_left - 1)
    )
    if not taken.rowcount:
        raise InvalidInput("Приглашение уже использовано. Попросите методиста прислать новое.")
    await session.refresh(invite)
    if invite.role == Role.mentor:
        await roles.grant(session, None, Role.mentor, telegram_id, invite.organization_id)
    await audit.record(session, telegram_id, "invite.redeem", f"invite:{invite.id}")
    return invite


async def list_active(session: AsyncSession, actor: Identity, now: datetime) -> list[Invite]:
    rows = await session.scalars(
        select(Invite)
        .where(Invite.created_by == actor.telegram_id, Invite.expires_at > now, Invite.uses_left > 0)
        .order_by(Invite.created_at.desc())
        .limit(20)
    )
    return list(rows)


async def describe_org(session: AsyncSession, invite: Invite) -> str:
    return await orgs.display_name(session, invite.organization_id)
