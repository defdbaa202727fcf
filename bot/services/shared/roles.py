"""Who may do what. Every privileged action calls one of the `require_*` checks here."""

from dataclasses import dataclass, field

from sqlalchemy import BigInteger, bindparam, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.shared import audit, orgs
from bot.services.shared.errors import AccessDenied, InvalidInput
from bot.services.shared.paging import window
from models import OrgKind, Role, RoleGrant, User

ELEVATED = (Role.mentor, Role.methodist, Role.admin)
ADMINS_ONLY = "Эта команда доступна только администраторам."
METHODISTS_ONLY = "Эта команда доступна только методистам."
OUT_OF_SCOPE = orgs.OUT_OF_SCOPE


@dataclass
class Identity:
    telegram_id: int
    user: User | None
    grants: list[RoleGrant] = field(default_factory=list)
    env_admin: bool = False

    @property
    def roles(self) -> set[Role]:
        roles = {grant.role for grant in self.grants}
        if self.env_admin:
            roles.add(Role.admin)
        if self.user is not None:
            roles.add(Role.teacher)
        return roles

    @property
    def is_admin(self) -> bool:
        return Role.admin in self.roles

    def scopes(self, role: Role) -> list[int | None]:
        return [grant.scope_org_id for grant in self.grants if grant.role == role]

    @property
    def scope(self) -> orgs.Scope:
        """Where this person acts as a methodist: the whole tree for admins, nowhere for others."""
        return orgs.Scope.EVERYWHERE if self.is_admin else orgs.Scope(tuple(self.scopes(Role.methodist)))


def _identity_query():
    who = select(bindparam("telegram_id", type_=BigInteger).label("tg")).subquery()
    return (
        select(User, RoleGrant)
        .select_from(who)
        .outerjoin(User, User.telegram_id == who.c.tg)
        .outerjoin(RoleGrant, RoleGrant.telegram_id == who.c.tg)
    )


# Built once: this runs for every update, and a statement built per call costs more Python time
# (constructing it, then its cache key) than its round trip to SQLite.
IDENTITY_QUERY = _identity_query()


async def load_identity(session: AsyncSession, telegram_id: int, admin_ids: list[int]) -> Identity:
    """The user row and every role grant in one round trip (this runs for every update)."""
    rows = (await session.execute(IDENTITY_QUERY, {"telegram_id": telegram_id})).all()
    user = rows[0][0] if rows else None
    grants = [grant for _, grant in rows if grant is not None]
    return Identity(telegram_id, user, grants, env_admin=telegram_id in admin_ids)


def is_methodist(identity: Identity) -> bool:
    """A methodist of some scope, or an admin (who may do whatever a methodist may)."""
    return identity.is_admin or bool(identity.scopes(Role.methodist))


def require_admin(identity: Identity) -> None:
    if not identity.is_admin:
        raise AccessDenied(ADMINS_ONLY)


async def methodist_covers(session: AsyncSession, identity: Identity, org_id: int | None) -> bool:
    return await identity.scope.covers(session, org_id)


async def require_methodist_for(session: AsyncSession, identity: Identity, org_id: int | None) -> None:
    """Raise unless the identity is a methodist whose scope contains org_id (admins pass)."""
    if not await methodist_covers(session, identity, org_id):
        raise AccessDenied(OUT_OF_SCOPE)


def require_methodist(identity: Identity) -> None:
    if not is_methodist(identity):
        raise AccessDenied(METHODISTS_ONLY)


async def grant(
    session: AsyncSession, actor: Identity | None, role: Role, telegram_id: int, scope_org_id: int | None
) -> bool:
    """Grant a role; returns False if it was already there. actor None means the server console."""
    if actor is not None:
        if role in (Role.methodist, Role.admin):
            require_admin(actor)
        else:
            await require_methodist_for(session, actor, scope_org_id)
    if role == Role.teacher:
        raise InvalidInput("Роль «педагог» есть у каждого зарегистрированного, её не нужно выдавать.")
    if role == Role.methodist and scope_org_id is None:
        raise InvalidInput("Для методиста укажите зону: школу, муниципалитет или регион.")
    if scope_org_id is not None:
        await orgs.get(session, scope_org_id)
    scope = None if role == Role.admin else scope_org_id
    existing = await session.scalar(
        select(RoleGrant).where(
            RoleGrant.telegram_id == telegram_id,
            RoleGrant.role == role,
            RoleGrant.scope_org_id.is_(None) if scope is None else RoleGrant.scope_org_id == scope,
        )
    )
    if existing is not None:
        return False
    actor_id = actor.telegram_id if actor else None
    session.add(RoleGrant(telegram_id=telegram_id, role=role, scope_org_id=scope, granted_by=actor_id))
    await audit.record(session, actor_id, "role.grant", f"tg:{telegram_id}", role=role.value, scope=scope)
    return True


async def revoke(
    session: AsyncSession, actor: Identity | None, role: Role, telegram_id: int, scope_org_id: int | None = None
) -> int:
    """Revoke a role (in one scope, or in all when scope is None); returns how many grants went."""
    if actor is not None:
        require_admin(actor)
    query = delete(RoleGrant).where(RoleGrant.telegram_id == telegram_id, RoleGrant.role == role)
    if scope_org_id is not None:
        query = query.where(RoleGrant.scope_org_id == scope_org_id)
    removed = (await session.execute(query)).rowcount or 0
    if removed:
        await audit.record(
            session,
            actor.telegram_id if actor else None,
            "role.revoke",
            f"tg:{telegram_id}",
            role=role.value,
            scope=scope_org_id,
        )
    return removed


GRANTS_PAGE = 10


async def list_grants(session: AsyncSession, role: Role, page: int = 0) -> tuple[list[RoleGrant], int, int]:
    """One page of the grants of a role, oldest first: (grants, page, pages)."""
    total = await session.scalar(select(func.count()).select_from(RoleGrant).where(RoleGrant.role == role)) or 0
    at = window(total, page, GRANTS_PAGE)
    page, pages = at.page, at.pages
    grants = await session.scalars(
        select(RoleGrant)
        .where(RoleGrant.role == role)
        .order_by(RoleGrant.created_at, RoleGrant.id)
        .offset(at.offset)
        .limit(at.limit)
    )
    return list(grants), page, pages


async def holder_names(session: AsyncSession, telegram_ids: list[int]) -> dict[int, str]:
    """The names of those of these Telegram ids who have registered (a grant may come first)."""
    rows = await session.execute(
        select(User.telegram_id, User.full_name).where(User.telegram_id.in_(set(telegram_ids)))
    )
    return {telegram_id: name for telegram_id, name in rows if name}


async def revoke_grant(session: AsyncSession, actor: Identity, grant_id: int, role: Role) -> RoleGrant:
    """Revoke one grant of `role` by its id (from a button: a grant of another role is refused)."""
    require_admin(actor)
    grant = await session.get(RoleGrant, grant_id)
    if grant is None or grant.role != role:
        raise InvalidInput("Эта роль уже снята.")
    await session.delete(grant)
    await audit.record(
        session,
        actor.telegram_id,
        "role.revoke",
        f"tg:{grant.telegram_id}",
        role=grant.role.value,
        scope=grant.scope_org_id,
    )
    return grant


async def methodists_near(
    session: AsyncSession,
    org_id: int | None,
    level: int = 1,
    skip: int | None = None,
) -> list[tuple[int, str]]:
    """The methodists to tell about a person of organization `org_id`: level 1, those of the nearest
    scope holding methodists, school first; level 2, the municipality's (or, if it has none, the
    nearest above). `skip` is never told (a mentor about their own pair). Each comes with the zone
    their quiet hours follow: their own profile's, else their scope's."""
    chain = await orgs.lineage(session, org_id) if org_id else []
    if level >= 2:
        chain = chain[next((i for i, o in enumerate(chain) if o.kind == OrgKind.municipality), 0) :]
    for org in chain:
        found = [
            t
            for t in await session.scalars(
                select(RoleGrant.telegram_id)
                .where(RoleGrant.role == Role.methodist, RoleGrant.scope_org_id == org.id)
                .order_by(RoleGrant.id)
            )
            if t != skip
        ]
        if found:
            zones = dict(
                (
                    await session.execute(select(User.telegram_id, User.timezone).where(User.telegram_id.in_(found)))
                ).all()
            )
            return [(telegram_id, zones.get(telegram_id) or org.timezone) for telegram_id in found]
    return []
