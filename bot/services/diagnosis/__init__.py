"""Self-diagnosis: attempts, answers saved the moment they are tapped, scoring, results and the
comparison with the previous attempt. Attempt ids and question indexes arrive in buttons, so every
step re-checks the owner, the status, the message and the index before it changes anything.

This package is the public API (callers use `diagnosis.X`); the parts live in sub-modules:
`scoring` (pure: areas, zones, mentor candidates, comparison), `attempts` (the questionnaire
dialog) and `results` (a finished attempt next to the previous one, deficit areas).
"""

from bot.services.diagnosis.attempts import (
    ABANDONED,
    FINISHED,
    NOT_YOURS,
    OLD_MESSAGE,
    Option,
    Step,
    answer,
    back,
    in_progress,
    latest_completed,
    options,
    owned,
    pause,
    restart,
    resume,
    show_in,
    start,
    unfinished,
)
from bot.services.diagnosis.results import Result, area_results, deficit_areas, result
from bot.services.diagnosis.scoring import (
    DEFICIT_ZONES,
    LEADER_POSITIONS,
    AreaChange,
    AreaScore,
    Scored,
    compare,
    is_mentor_candidate,
    is_overcome,
    score_areas,
    variants_for,
)

__all__ = [
    "DEFICIT_ZONES",
    "LEADER_POSITIONS",
    "AreaChange",
    "AreaScore",
    "Scored",
    "compare",
    "is_mentor_candidate",
    "is_overcome",
    "score_areas",
    "ABANDONED",
    "FINISHED",
    "NOT_YOURS",
    "OLD_MESSAGE",
    "Option",
    "Step",
    "answer",
    "back",
    "in_progress",
    "latest_completed",
    "options",
    "owned",
    "pause",
    "restart",
    "resume",
    "show_in",
    "start",
    "unfinished",
    "variants_for",
    "Result",
    "area_results",
    "deficit_areas",
    "result",
]
