"""The objective check scored to the questionnaire's zones, the comparison with the self-assessment
and the divergence rule of domain.md §2: where they differ by a zone or more, the ИОМ follows the
objective result."""

from dataclasses import dataclass

from bot.services.monitoring.indicators.overcome import ZONE_RANK

MAX_SCORE = 15  # an area of the teacher questionnaire: 5 statements × 3 points


def score(correct: int, total: int) -> int:
    """The share of correct answers on the questionnaire's 0–15 area scale."""
    if total <= 0 or not 0 <= correct <= total:
        raise ValueError("correct must lie within 0..total, total > 0")
    return round(MAX_SCORE * correct / total)


def zone_of(points: int, zones: list[dict]) -> str:
    """zones: the questionnaire's scoring.zones (code, min, max), lowest first."""
    for zone in zones:
        if zone["min"] <= points <= zone["max"]:
            return zone["code"]
    raise ValueError(f"no zone holds {points}")


@dataclass(frozen=True)
class Comparison:
    area: str
    self_zone: str
    check_zone: str

    @property
    def differs(self) -> bool:
        return abs(ZONE_RANK[self.self_zone] - ZONE_RANK[self.check_zone]) >= 1

    @property
    def route_zone(self) -> str:
        """The zone the ИОМ is built on: the objective one wherever the two differ."""
        return self.check_zone if self.differs else self.self_zone


def compare(self_zones: dict[str, str], checked: dict[str, tuple[int, int]], zones: list[dict]) -> list[Comparison]:
    """Side by side for every area that was checked: (correct, total) per area."""
    return [
        Comparison(area, self_zones[area], zone_of(score(*checked[area]), zones))
        for area in sorted(checked)
        if area in self_zones
    ]


def agreement_by_area(comparisons: list[Comparison]) -> dict[str, tuple[int, int]]:
    """For the methodist: per area, how many checks agreed with the self-assessment, out of how many."""
    result: dict[str, tuple[int, int]] = {}
    for c in comparisons:
        agreed, total = result.get(c.area, (0, 0))
        result[c.area] = (agreed + (not c.differs), total + 1)
    return result
