"""The teacher's ИОМ once built: statuses, step actions and progress, approval, completion by
event attendance, deadline nudges, and what the PDF needs.

Every step id arrives from a button, so each action loads the step through `owned_step`: a step
of someone else's (or an archived) route is reported as not found and nothing changes.

This package is the public API (callers use `routes.X`); the parts live in sub-modules: `common`
(the current route, its steps, progress, the step gate, status refresh), `building` (with
`plan`, the pure priority rule and step drafting, and `builder`, its database side), `inputs`
(typed text and files), `steps` (step actions and completion by attendance), `approval`,
`nudges` and `document` (what the PDF needs).
"""

from bot.services.route.approval import approve
from bot.services.route.building import rebuild, start_build
from bot.services.route.common import (
    LIVE,
    STEP_NOT_FOUND,
    Overview,
    current,
    latest_attempt,
    overview,
    owned_step,
    progress,
    steps_of,
    today,
)
from bot.services.route.document import Report, report
from bot.services.route.inputs import (
    DATE,
    MAX_REFLECTION,
    MAX_TITLE,
    evidence_kind,
    parse_deadline,
    parse_reflection,
    parse_title,
)
from bot.services.route.nudges import NUDGE_AHEAD_DAYS, OVERDUE_LOOKBACK_DAYS, WORKING, enqueue_nudges
from bot.services.route.steps import (
    PAGE_SIZE,
    ActivityPage,
    StepView,
    add_own,
    complete_steps_for_event,
    mark_done,
    postpone,
    remove,
    replace,
    replacements,
    step_view,
)

__all__ = [
    "LIVE",
    "STEP_NOT_FOUND",
    "Overview",
    "current",
    "latest_attempt",
    "overview",
    "owned_step",
    "progress",
    "steps_of",
    "today",
    "rebuild",
    "start_build",
    "DATE",
    "MAX_REFLECTION",
    "MAX_TITLE",
    "evidence_kind",
    "parse_deadline",
    "parse_reflection",
    "parse_title",
    "PAGE_SIZE",
    "ActivityPage",
    "StepView",
    "add_own",
    "complete_steps_for_event",
    "mark_done",
    "postpone",
    "remove",
    "replace",
    "replacements",
    "step_view",
    "approve",
    "NUDGE_AHEAD_DAYS",
    "OVERDUE_LOOKBACK_DAYS",
    "WORKING",
    "enqueue_nudges",
    "Report",
    "report",
]
