"""Monitoring indicators of domain.md §5 for a scope (an organization subtree) and a period.

Everything is counted by the database: a recursive CTE names the scope's organizations and the
child of the scope each one belongs to (the breakdown group); per-teacher flags come from
correlated EXISTS / LIMIT 1 subqueries that walk the (user_id, status) indexes, and one GROUP BY
sums them. No query loads the teachers into Python, so the cost grows linearly with their number.

Population: users of the scope who have not erased their data and registered before the period
ended (a past period is not measured against people who joined later). A pair counts when it was
active at some moment of the period; an ИОМ when its planned period overlaps the period.

This package is the public API (callers use `indicators.X`); the parts live in sub-modules:
`period` (the period, its parsing and its UTC window), `definitions` (the §5 catalogue), `common`
(result dataclasses, the scope and population building blocks shared with reports), `deficits`
(diagnosis zones, the per-area deficit table), `overcome` (indicator 4's rule), `routes` (ИОМ and
formal learning, indicator 3), `events` (event totals), `teachers` (the per-teacher pass behind
the other indicators, mentoring included) and `compute` (assembling it all, the scope gate).
"""

from bot.services.monitoring.indicators.common import (
    AreaDeficit,
    EventTotals,
    Group,
    Indicator,
    Ratio,
    Stats,
    latest_attempt,
    pair_in_period,
    people,
    scope_cte,
)
from bot.services.monitoring.indicators.compute import compute, require_scope
from bot.services.monitoring.indicators.deficits import AREAS, DEFICIT_ZONES, area_titles
from bot.services.monitoring.indicators.definitions import DEFINITIONS, Definition
from bot.services.monitoring.indicators.events import events_in_scope
from bot.services.monitoring.indicators.overcome import ZONE_RANK, Overcome, overcome_rule
from bot.services.monitoring.indicators.period import (
    BAD_PERIOD,
    MAX_PERIOD_DAYS,
    PERIOD_TEXT,
    Period,
    Window,
    academic_year,
    last_days,
    parse_period,
    period_from_key,
)
from bot.services.monitoring.indicators.routes import IOM_STATUSES, PK_FORMAT
from bot.services.monitoring.indicators.teachers import LEADER_POSITIONS, YOUNG_AGE, YOUNG_EXPERIENCE

__all__ = [
    "AreaDeficit",
    "EventTotals",
    "Group",
    "Indicator",
    "Ratio",
    "Stats",
    "latest_attempt",
    "pair_in_period",
    "people",
    "scope_cte",
    "compute",
    "require_scope",
    "AREAS",
    "DEFICIT_ZONES",
    "area_titles",
    "DEFINITIONS",
    "Definition",
    "events_in_scope",
    "ZONE_RANK",
    "Overcome",
    "overcome_rule",
    "BAD_PERIOD",
    "MAX_PERIOD_DAYS",
    "PERIOD_TEXT",
    "Period",
    "Window",
    "academic_year",
    "last_days",
    "parse_period",
    "period_from_key",
    "IOM_STATUSES",
    "PK_FORMAT",
    "LEADER_POSITIONS",
    "YOUNG_AGE",
    "YOUNG_EXPERIENCE",
]
