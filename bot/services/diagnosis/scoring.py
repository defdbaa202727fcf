"""Scoring a diagnosis, with no database: per-area scores and zones from the answers, point
deficits, which questionnaires a user takes, who counts as a mentor candidate, and the comparison
with a previous attempt (which areas rose, which deficits are overcome). `DEFICIT_ZONES` is the
one home of "a severe or partial area" for every feature that filters on deficits."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.services import content
from bot.services.content import Questionnaire, Scoring
from models import Position, User

LEADER_POSITIONS = (Position.head, Position.deputy_head)
DEFICIT_ZONES = ("severe", "partial")


class Scored(Protocol):
    area: str
    score: int
    max_score: int
    zone: str


@dataclass(frozen=True)
class AreaScore:
    area: str
    score: int
    max_score: int
    zone: str
    point_deficits: tuple[str, ...]


@dataclass(frozen=True)
class AreaChange:
    area: str
    previous_score: int
    score: int
    previous_zone: str
    zone: str
    overcome: bool  # the area was a deficit and rose a zone or enough points (domain §2)

    @property
    def delta(self) -> int:
        return self.score - self.previous_score


def score_areas(q: Questionnaire, answers: Mapping[str, int]) -> list[AreaScore]:
    rules = q.scoring
    scores = []
    for area in q.areas:
        values = [answers[item.code] for item in area.items]
        total = sum(values)
        scores.append(
            AreaScore(
                area.code,
                total,
                area.max_score,
                rules.zone_for(total).code,
                tuple(
                    item.code
                    for item, value in zip(area.items, values, strict=True)
                    if value == rules.point_deficit_value
                ),
            )
        )
    return scores


def is_mentor_candidate(rules: Scoring, result: Scored) -> bool:
    if rules.mentor_zone is not None and result.zone == rules.mentor_zone:
        return True
    return rules.mentor_all_max and result.score == result.max_score


def _zone_rank(zone: str) -> int:
    return content.ZONE_CODES.index(zone) if zone in content.ZONE_CODES else -1


def is_overcome(rules: Scoring, previous: Scored, current: Scored) -> bool:
    if previous.zone not in rules.deficit_zones:
        return False
    return (
        _zone_rank(current.zone) - _zone_rank(previous.zone) >= rules.overcome_zones
        or current.score - previous.score >= rules.overcome_points
    )


def compare(rules: Scoring, current: Sequence[Scored], previous: Sequence[Scored]) -> dict[str, AreaChange]:
    before = {r.area: r for r in previous}
    return {
        r.area: AreaChange(
            r.area, before[r.area].score, r.score, before[r.area].zone, r.zone, is_overcome(rules, before[r.area], r)
        )
        for r in current
        if r.area in before
    }


def variants_for(user: User) -> tuple[str, ...]:
    """Leaders get their own questionnaire first and may take the teacher one as well."""
    return ("leader", "teacher") if user.position in LEADER_POSITIONS else ("teacher",)
