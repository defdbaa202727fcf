"""What every indicator group shares: the result dataclasses, and the SQL building blocks that
define the scope and the population (also used by the /report workbook, see services.monitoring.reports)."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, or_, select

from bot.services.communities.totals import CommunityStats
from bot.services.monitoring.indicators.definitions import Definition
from bot.services.monitoring.indicators.period import Period, Window
from bot.services.shared.population import pedagogical_worker
from models import AttemptStatus, DiagnosisAttempt, MentorPair, Organization, PairStatus, User


@dataclass(frozen=True)
class Ratio:
    num: int
    den: int

    @property
    def percent(self) -> float | None:
        return 100 * self.num / self.den if self.den else None


@dataclass(frozen=True)
class Indicator:
    spec: Definition
    total: Ratio | None  # None: the bot has no data for it (spec.reason says why)
    by_group: dict[int, Ratio]


@dataclass(frozen=True)
class Group:
    org_id: int
    name: str


@dataclass(frozen=True)
class AreaDeficit:
    area: str
    title: str
    severe: int
    partial: int

    @property
    def total(self) -> int:
        return self.severe + self.partial


@dataclass(frozen=True)
class EventTotals:
    events: int
    registrations: int
    closed_registered: int
    closed_attended: int
    ratings: int
    avg_rating: float | None


@dataclass(frozen=True)
class Stats:
    scope: Organization
    period: Period
    teachers: int
    groups: list[Group]  # children of the scope (and the scope itself when people sit right in it)
    indicators: list[Indicator]
    deficits: list[AreaDeficit]  # most frequent first
    events: EventTotals
    communities: CommunityStats | None = None  # issue 14

    def indicator(self, code: str) -> Indicator:
        return next(i for i in self.indicators if i.spec.code == code)


# --- building blocks shared with reports ----------------------------------------------------


def scope_cte(root_id: int):
    """(org_id, group_id) for every organization of the subtree; group = the root's child above it."""
    o = Organization.__table__
    tree = (
        select(o.c.id.label("org_id"), o.c.id.label("group_id"))
        .where(o.c.id == root_id)
        .cte("scope_orgs", recursive=True)
    )
    child = o.alias("child")
    return tree.union_all(
        select(child.c.id, case((tree.c.org_id == root_id, child.c.id), else_=tree.c.group_id)).where(
            child.c.parent_id == tree.c.org_id
        )
    )


def people(scope, window: Window, *columns):
    """The population: pedagogical workers of the scope (shared.population), not erased,
    registered before the period ended."""
    return (
        select(User.id.label("user_id"), scope.c.group_id, *columns)
        .join(scope, User.organization_id == scope.c.org_id)
        .where(User.erased_at.is_(None), User.created_at < window.end_at, pedagogical_worker())
    )


def latest_attempt(user_id, before: datetime):
    return (
        select(DiagnosisAttempt.id)
        .where(
            DiagnosisAttempt.user_id == user_id,
            DiagnosisAttempt.status == AttemptStatus.completed,
            DiagnosisAttempt.completed_at < before,
        )
        .order_by(DiagnosisAttempt.completed_at.desc(), DiagnosisAttempt.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def pair_in_period(window: Window):
    return and_(
        MentorPair.starts_on <= window.end,
        or_(MentorPair.status == PairStatus.active, MentorPair.ended_at >= window.start_at),
    )


def flag(condition):
    return case((condition, 1), else_=0)
