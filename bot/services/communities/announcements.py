"""A leader's (or the methodist's) announcement to the members of one community. It is a Broadcast
row like /broadcast's (the author's own message copied as written, one outbox row per member in
batch f"broadcast:{id}"), so pacing, quiet hours in each member's zone, the live progress and the
final report come from the broadcast machinery; only the audience differs: {"community": id},
the active members at the moment of sending, the author excepted. Every step re-checks that the
author still runs that community."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import broadcasts
from bot.services.communities.common import require_manager
from bot.services.shared import audit, outbox
from bot.services.shared.errors import AccessDenied, InvalidInput, NotFound
from bot.services.shared.roles import Identity
from models import Broadcast, BroadcastStatus, Community, CommunityMember, MemberStatus, User

NOT_AN_ANNOUNCEMENT = "Объявление не найдено."
DRAFT = (BroadcastStatus.draft,)


def community_of(broadcast: Broadcast) -> int | None:
    return (broadcast.audience or {}).get("community")


async def draft(
    session: AsyncSession, identity: Identity, community_id: int, chat_id: int, message_id: int, preview: str
) -> tuple[Broadcast, int]:
    """The draft and how many members it would reach now."""
    community = (await require_manager(session, identity, community_id)).community
    broadcast = Broadcast(
        author_telegram_id=identity.telegram_id,
        source_chat_id=chat_id,
        source_message_id=message_id,
        preview=preview,
        audience={"community": community.id},
        status=BroadcastStatus.draft,
        recipients=0,
    )
    session.add(broadcast)
    await session.flush()
    return broadcast, len(await _recipients(session, community, identity))


async def is_announcement(session: AsyncSession, broadcast_id: int) -> bool:
    broadcast = await session.get(Broadcast, broadcast_id)
    return broadcast is not None and community_of(broadcast) is not None


async def get(
    session: AsyncSession, identity: Identity, broadcast_id: int, *allowed: BroadcastStatus
) -> tuple[Broadcast, Community]:
    """The announcement, if this person wrote it and still runs its community."""
    broadcast = await session.get(Broadcast, broadcast_id)
    if broadcast is None or community_of(broadcast) is None:
        raise NotFound(NOT_AN_ANNOUNCEMENT)
    if broadcast.author_telegram_id != identity.telegram_id:
        raise AccessDenied("Это не ваше объявление.")
    community = (await require_manager(session, identity, int(community_of(broadcast)))).community
    if allowed and broadcast.status not in allowed:
        raise InvalidInput(broadcasts.REFUSED[broadcast.status])
    return broadcast, community


async def _recipients(session: AsyncSession, community: Community, identity: Identity) -> list[User]:
    rows = await session.scalars(
        select(User)
        .join(CommunityMember, CommunityMember.user_id == User.id)
        .where(
            CommunityMember.community_id == community.id,
            CommunityMember.status == MemberStatus.active,
            User.telegram_id.is_not(None),
            User.telegram_id != identity.telegram_id,
            User.is_active.is_(True),
        )
        .order_by(User.id)
    )
    return list(rows)


async def send(session: AsyncSession, identity: Identity, broadcast_id: int, now: datetime) -> Broadcast:
    """One outbox row per member (a repeated press finds the draft already sending and stops)."""
    broadcast, community = await get(session, identity, broadcast_id, BroadcastStatus.draft)
    people = await _recipients(session, community, identity)
    if not people:
        raise InvalidInput("В сообществе пока нет других участников: объявление некому отправить.")
    batch = broadcasts.batch_of(broadcast.id)
    copy = {"copy": {"from_chat_id": broadcast.source_chat_id, "message_id": broadcast.source_message_id}}
    await outbox.enqueue_many(
        session,
        [
            {
                "key": f"{batch}:{user.id}",
                "chat_id": user.telegram_id,
                "purpose": "community_announcement",
                "payload": copy,
                "due_at": now,
                "timezone": user.timezone,
                "batch": batch,
            }
            for user in people
        ],
    )
    broadcast.status, broadcast.recipients, broadcast.scheduled_at = BroadcastStatus.sending, len(people), now
    await audit.record(
        session, identity.telegram_id, "community.announce", f"community:{community.id}", broadcast=broadcast.id
    )
    return broadcast


async def attach_progress(
    session: AsyncSession, identity: Identity, broadcast_id: int, chat_id: int, message_id: int
) -> None:
    broadcast, _ = await get(session, identity, broadcast_id)
    broadcast.progress_chat_id, broadcast.progress_message_id = chat_id, message_id


async def drop(session: AsyncSession, identity: Identity, broadcast_id: int, now: datetime) -> None:
    broadcast, _ = await get(session, identity, broadcast_id, BroadcastStatus.draft)
    broadcast.status, broadcast.finished_at = BroadcastStatus.cancelled, now


async def stop(session: AsyncSession, identity: Identity, broadcast_id: int, now: datetime) -> int:
    """Withdraw what is not sent yet (what is in flight still arrives); returns how many."""
    broadcast, community = await get(session, identity, broadcast_id, BroadcastStatus.sending)
    withdrawn = await broadcasts.withdraw(session, broadcast, now)
    await audit.record(
        session, identity.telegram_id, "community.announce_stop", f"community:{community.id}", withdrawn=withdrawn
    )
    return withdrawn
