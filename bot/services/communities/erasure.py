"""/delete_me: the person leaves every community at once, their leader role included (erasure is
never refused, unlike leaving by the button; the methodist appoints someone else). The rows stay,
as left, on the anonymous user row: the year's monitoring still counts that a member was there."""

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from models import CommunityMember, MemberStatus


async def leave_all(session: AsyncSession, user_id: int, now: datetime) -> int:
    result = await session.execute(
        update(CommunityMember)
        .where(CommunityMember.user_id == user_id, CommunityMember.status == MemberStatus.active)
        .values(status=MemberStatus.left, left_at=now, is_leader=False)
    )
    return result.rowcount or 0
