"""A community's linked Telegram group. Discussion stays in the group; the bot keeps only the
group's id and its join-request link, never its messages. A join request is approved for an
active member of the linked community and declined for anybody else, with the reason."""

from dataclasses import dataclass
from html import escape

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.communities.common import require_manager
from bot.services.shared import audit
from bot.services.shared.errors import InvalidInput
from bot.services.shared.roles import Identity
from models import Community, CommunityMember, MemberStatus, User

LINK_MAX = 200


@dataclass(frozen=True)
class Verdict:
    community: Community
    approve: bool
    reason: str  # the private message to someone declined


async def check_link(session: AsyncSession, identity: Identity, community_id: int, chat_id: int) -> Community:
    """Before the bot asks Telegram anything: this person runs the community, the group is free."""
    community = (await require_manager(session, identity, community_id)).community
    taken = await session.scalar(select(Community).where(Community.chat_id == chat_id, Community.id != community.id))
    if taken is not None:
        raise InvalidInput(f"Эта группа уже привязана к сообществу «{escape(taken.title)}».")
    return community


async def link(
    session: AsyncSession, identity: Identity, community_id: int, chat_id: int, invite_link: str
) -> Community:
    community = await check_link(session, identity, community_id, chat_id)
    community.chat_id, community.invite_link = chat_id, invite_link[:LINK_MAX]
    await audit.record(session, identity.telegram_id, "community.link_group", f"community:{community.id}")
    return community


async def unlink(session: AsyncSession, identity: Identity, community_id: int) -> Community:
    community = (await require_manager(session, identity, community_id)).community
    community.chat_id, community.invite_link = None, None
    await audit.record(session, identity.telegram_id, "community.unlink_group", f"community:{community.id}")
    return community


async def verdict(session: AsyncSession, chat_id: int, telegram_id: int) -> Verdict | None:
    """None when the group is not linked to any community (not the bot's to decide)."""
    community = await session.scalar(select(Community).where(Community.chat_id == chat_id))
    if community is None:
        return None
    title = escape(community.title)
    if community.archived_at is not None:
        return Verdict(community, False, f"Сообщество «{title}» в архиве: его группа больше не принимает заявки.")
    user = await session.scalar(select(User).where(User.telegram_id == telegram_id))
    if user is None:
        return Verdict(
            community,
            False,
            f"Группа сообщества «{title}» открыта только его участникам. Зарегистрируйтесь в боте (/start), "
            "вступите в сообщество в /communities и отправьте заявку снова.",
        )
    member = await session.scalar(
        select(CommunityMember).where(
            CommunityMember.community_id == community.id,
            CommunityMember.user_id == user.id,
            CommunityMember.status == MemberStatus.active,
        )
    )
    if member is None:
        return Verdict(
            community,
            False,
            f"Группа сообщества «{title}» открыта только его участникам. Вступите в сообщество в /communities "
            "(если оно вам открыто) и отправьте заявку снова.",
        )
    return Verdict(community, True, "")


async def chats_of(session: AsyncSession, user_id: int) -> list[int]:
    """The linked groups of the communities this person is an active member of."""
    rows = await session.scalars(
        select(Community.chat_id)
        .join(CommunityMember, CommunityMember.community_id == Community.id)
        .where(
            CommunityMember.user_id == user_id,
            CommunityMember.status == MemberStatus.active,
            Community.chat_id.is_not(None),
        )
    )
    return [chat for chat in rows if chat is not None]
