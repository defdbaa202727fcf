"""Membership the bot arranges by itself: a subject МО with the auto option takes in the teachers
of its subjects inside its scope (at creation, when a matching teacher registers and when a teacher's
subjects or organization change in /profile), and a young
specialist is offered the young teachers' community of their territory right after registration.
Someone who left is never taken back in by the rule."""

from datetime import datetime
from html import escape

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.communities import catalog
from bot.services.communities.common import KIND_TITLES, membership
from bot.services.mentoring.rules import is_young_specialist
from bot.services.shared import orgs, outbox
from bot.services.shared.timefmt import local
from models import Community, CommunityKind, CommunityMember, User


def _shares_subject(user: User, community: Community) -> bool:
    return bool(set(user.subjects or ()) & set(community.subjects or ()))


async def enroll_by_subject(session: AsyncSession, community: Community, now: datetime) -> list[User]:
    """Take in every registered teacher of the scope who teaches one of the subjects and has never
    been a member; each hears of it (their morning, not at night)."""
    ids = await orgs.subtree_ids(session, community.scope_org_id)
    known = select(CommunityMember.user_id).where(CommunityMember.community_id == community.id)
    people = await session.scalars(
        select(User).where(
            User.organization_id.in_(ids),
            User.erased_at.is_(None),
            User.telegram_id.is_not(None),
            User.id.not_in(known),
        )
    )
    added = [user for user in people if _shares_subject(user, community)]
    for user in added:
        await catalog.enter(session, community, user, now, source="auto")
        await outbox.enqueue(
            session,
            key=f"community:{community.id}:auto:{user.id}",
            chat_id=user.telegram_id,
            purpose="community",
            text=auto_text(community),
            timezone=user.timezone,
        )
    return added


async def after_registration(
    session: AsyncSession, user: User, now: datetime
) -> tuple[list[Community], Community | None]:
    """A new teacher joins the auto МО of their subjects; returns those and the young teachers'
    community to offer (the nearest one above their organization), if they are a young specialist."""
    offer: Community | None = None
    open_ones = await catalog.open_to(session, user)
    joined = await _enroll(session, user, open_ones, now)
    today = local(now, user.timezone).date()
    if is_young_specialist(user.birth_year, user.experience_years, today):
        depth = {org.id: n for n, org in enumerate(await orgs.lineage(session, user.organization_id))}
        young = [c for c in open_ones if c.kind == CommunityKind.young and c not in joined]
        offer = min(young, key=lambda c: (depth.get(c.scope_org_id, 99), c.id), default=None)
    return joined, offer


async def _enroll(session: AsyncSession, user: User, open_ones: list[Community], now: datetime) -> list[Community]:
    """Join the open auto МО of the teacher's subjects they have never been in (someone who left stays out)."""
    joined: list[Community] = []
    for community in sorted(open_ones, key=lambda c: c.id):
        fresh = await membership(session, community.id, user.id) is None
        if community.auto_by_subject and fresh and _shares_subject(user, community):
            await catalog.enter(session, community, user, now, source="auto")
            joined.append(community)
    return joined


async def after_profile_change(session: AsyncSession, user: User, now: datetime) -> list[Community]:
    """New subjects or a new organization: the auto МО that now match take the teacher in (the
    communities they already belong to stay as they are)."""
    if user.erased_at is not None or user.telegram_id is None:
        return []
    return await _enroll(session, user, await catalog.open_to(session, user), now)


def auto_text(community: Community) -> str:
    return (
        f"Вас включили в сообщество «{escape(community.title)}» ({KIND_TITLES[community.kind]}) по вашему предмету.\n"
        "Если оно вам не нужно, выйти можно в /communities."
    )
