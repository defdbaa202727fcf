"""The person's rights over their community data: /my_data lists their memberships; /delete_me
makes them leave every community at once, their leader role included (erasure is never refused,
unlike leaving by the button; the methodist appoints someone else). The rows stay, as left, on the
anonymous user row: the year's monitoring still counts that a member was there."""

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import Community, CommunityMember, MemberStatus


async def leave_all(session: AsyncSession, user_id: int, now: datetime) -> int:
    result = await session.execute(
        update(CommunityMember)
        .where(CommunityMember.user_id == user_id, CommunityMember.status == MemberStatus.active)
        .values(status=MemberStatus.left, left_at=now, is_leader=False)
    )
    return result.rowcount or 0


async def export(session: AsyncSession, user_id: int) -> list[dict]:
    rows = await session.execute(
        select(Community.title, CommunityMember)
        .join(CommunityMember, CommunityMember.community_id == Community.id)
        .where(CommunityMember.user_id == user_id)
        .order_by(CommunityMember.joined_at)
    )
    return [
        {
            "community": title,
            "status": row.status.value,
            "leader": row.is_leader,
            "joined_at": row.joined_at.isoformat(),
            "left_at": row.left_at.isoformat() if row.left_at else None,
        }
        for title, row in rows
    ]
