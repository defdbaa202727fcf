"""Events closed to part of their scope. A community's meeting is an event in the community's scope
(so sign-up, reminders and attendance are the events feature's), but it is for the community: only
its active members (leaders included), the methodists of its scope and whoever already holds a
place on it (to cancel it after leaving the community) see it in /events, in the ИОМ and on its
card. Every other event is open to its whole scope."""

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.shared import orgs
from models import (
    Community,
    CommunityMeeting,
    CommunityMember,
    EventRegistration,
    MemberStatus,
    RegistrationStatus,
    Role,
    RoleGrant,
    User,
)


async def hidden_from(session: AsyncSession, user: User, event_ids: Iterable[int]) -> set[int]:
    """Which of these events are meetings of a community this teacher is outside of."""
    ids = list(event_ids)
    if not ids:
        return set()
    meetings = (
        await session.execute(
            select(CommunityMeeting.event_id, Community.id, Community.scope_org_id)
            .join(Community, Community.id == CommunityMeeting.community_id)
            .where(CommunityMeeting.event_id.in_(ids))
        )
    ).all()
    if not meetings:
        return set()
    member_of = set(
        await session.scalars(
            select(CommunityMember.community_id).where(
                CommunityMember.user_id == user.id, CommunityMember.status == MemberStatus.active
            )
        )
    )
    holding = set(
        await session.scalars(
            select(EventRegistration.event_id).where(
                EventRegistration.user_id == user.id,
                EventRegistration.event_id.in_([m.event_id for m in meetings]),
                EventRegistration.status != RegistrationStatus.cancelled,
            )
        )
    )
    grants = await session.scalars(
        select(RoleGrant.scope_org_id).where(
            RoleGrant.telegram_id == user.telegram_id, RoleGrant.role == Role.methodist
        )
    )
    methodist = orgs.Scope(tuple(grants))
    hidden = set()
    for event_id, community_id, scope_org_id in meetings:
        if community_id in member_of or event_id in holding:
            continue
        if not await methodist.covers(session, scope_org_id):
            hidden.add(event_id)
    return hidden
