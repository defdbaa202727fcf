"""What several mentoring modules share: pairs with both people and their last check-in,
the latest diagnosis, the municipality, one outbox message."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import diagnosis
from bot.services.shared import orgs, outbox
from models import AreaResult, CheckIn, DiagnosisAttempt, MentorPair, Organization, OrgKind, User


async def municipality_of(session: AsyncSession, org_id: int | None) -> Organization | None:
    chain = await orgs.lineage(session, org_id) if org_id else []
    return next((o for o in chain if o.kind == OrgKind.municipality), chain[0] if chain else None)


async def latest_results(session: AsyncSession, user_id: int) -> tuple[DiagnosisAttempt | None, list[AreaResult]]:
    attempt = await diagnosis.latest_completed(session, user_id)
    return (attempt, await diagnosis.area_results(session, attempt.id)) if attempt else (None, [])


async def tell(
    session: AsyncSession,
    user: User | None,
    key: str,
    text: str,
    buttons: list | None = None,
    purpose: str = "mentoring",
) -> int:
    """outbox.tell with mentoring's purpose by default; 1 if queued (the cadence job counts them)."""
    return int(await outbox.tell(session, user, key=key, purpose=purpose, text=text, buttons=buttons))


@dataclass(frozen=True)
class PairRow:
    pair: MentorPair
    mentor: User
    mentee: User
    last_checkin: date | None


async def pair_rows(session: AsyncSession, pairs: list[MentorPair]) -> list[PairRow]:
    people = {
        u.id: u
        for u in await session.scalars(
            select(User).where(User.id.in_({p.mentor_id for p in pairs} | {p.mentee_id for p in pairs}))
        )
    }
    last = dict(
        (
            await session.execute(
                select(CheckIn.pair_id, func.max(CheckIn.held_on))
                .where(CheckIn.pair_id.in_([p.id for p in pairs]))
                .group_by(CheckIn.pair_id)
            )
        ).all()
    )
    return [PairRow(p, people[p.mentor_id], people[p.mentee_id], last.get(p.id)) for p in pairs]
