"""Finding practices: those approved within the teacher's reach, the ones answering the teacher's
own deficits first (a point deficit the practice names, then a deficit area it covers), narrowed by
area, level and a text search; and one practice's card."""

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.practices import scope
from bot.services.route.common import latest_attempt
from bot.services.shared import orgs
from bot.services.shared.errors import NotFound
from bot.services.shared.paging import Window, window
from models import AreaResult, Practice, PracticeStatus, PracticeUse, User

PAGE_SIZE = 5
DEFICIT_ZONES = ("severe", "partial")
MAX_QUERY = 100
NOT_VISIBLE = "Практика не найдена или не видна в вашей организации."


@dataclass(frozen=True)
class Deficits:
    areas: frozenset[str] = frozenset()
    points: frozenset[str] = frozenset()

    def weight(self, practice: Practice) -> int:
        """2: names one of the teacher's point deficits; 1: covers a deficit area; 0: neither."""
        if self.points.intersection(practice.items):
            return 2
        return 1 if self.areas.intersection(practice.areas) else 0


async def deficits(session: AsyncSession, user: User) -> Deficits:
    attempt = await latest_attempt(session, user.id)
    if attempt is None:
        return Deficits()
    results = list(await session.scalars(select(AreaResult).where(AreaResult.attempt_id == attempt.id)))
    return Deficits(
        frozenset(r.area for r in results if r.zone in DEFICIT_ZONES),
        frozenset(code for r in results for code in r.point_deficits),
    )


@dataclass(frozen=True)
class Filters:
    area: str = ""
    level: str = ""
    query: str = ""
    subjects: tuple[str, ...] = ()  # casefolded; empty: any subject

    def admits(self, practice: Practice) -> bool:
        if self.area and self.area not in practice.areas:
            return False
        if self.subjects and practice.subject.casefold() not in self.subjects:
            return False
        if self.level and practice.level not in (self.level, "any"):
            return False
        needle = self.query.casefold()
        # In Python, not SQL: SQLite's LIKE folds only ASCII case, and Cyrillic is the rule here.
        haystack = f"{practice.title} {practice.subject} {practice.description}".casefold()
        return not needle or all(word in haystack for word in needle.split())


@dataclass(frozen=True)
class Found:
    items: list[Practice]
    at: Window
    recommended: set[int] = field(default_factory=set)  # ids answering the teacher's deficits


async def search(session: AsyncSession, user: User, filters: Filters, page: int) -> Found:
    seen = await scope.seen_from(session, user)
    rows = await session.scalars(
        select(Practice)
        .where(Practice.status == PracticeStatus.approved, Practice.visibility_org_id.in_(seen))
        .order_by(Practice.approved_at.desc(), Practice.id.desc())
        .limit(1000)
    )
    mine = await deficits(session, user)
    matching = [p for p in rows if filters.admits(p)]
    ranked = sorted(matching, key=lambda p: -mine.weight(p))  # stable: newest first within a weight
    at = window(len(ranked), page, PAGE_SIZE)
    return Found(at.slice(ranked), at, {p.id for p in ranked if mine.weight(p)})


async def visible(session: AsyncSession, user: User, practice_id: int) -> Practice:
    """A practice the teacher may open: approved and visible from their organization, or their own."""
    practice = await session.get(Practice, practice_id)
    if practice is None:
        raise NotFound(NOT_VISIBLE)
    if practice.author_id == user.id:
        return practice
    if practice.status != PracticeStatus.approved or practice.visibility_org_id not in await scope.seen_from(
        session, user
    ):
        raise NotFound(NOT_VISIBLE)
    return practice


@dataclass(frozen=True)
class Card:
    practice: Practice
    author: User | None
    school: str
    use: PracticeUse | None  # the viewer's own use of it
    applied: int  # how many colleagues reported applying it
    own: bool


async def card(session: AsyncSession, user: User, practice_id: int) -> Card:
    practice = await visible(session, user, practice_id)
    author = await session.get(User, practice.author_id)
    use = await session.scalar(
        select(PracticeUse).where(PracticeUse.practice_id == practice.id, PracticeUse.user_id == user.id)
    )
    applied = await session.scalar(
        select(func.count())
        .select_from(PracticeUse)
        .where(PracticeUse.practice_id == practice.id, PracticeUse.applied_at.is_not(None))
    )
    school = await orgs.display_name(session, practice.org_id)
    return Card(practice, author, school, use, applied or 0, practice.author_id == user.id)
