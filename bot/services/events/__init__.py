"""The methodist's side of events: publish, list, edit, cancel, registrants, attendance, close and
feedback. Every action re-checks that the event lies inside the actor's methodist scope (event ids
come from callback_data, i.e. from the user) and that the action fits the event's status.

This package is the public API (callers use `events.X`); the parts live in sub-modules: `common`
(the scope gate, status checks, paging, telling participants), `listing`, `editing` (create,
edit, cancel), `attendance` (registrants, attendance, closing) and `ratings` (feedback).
The teacher's side lives in sub-modules used directly: `catalog` (lists and cards), `seats`,
`signups`, `waitlist` and `reminders` (sign-up rules), `feedback`; `inputs` and `draft` parse and
check what a methodist types.
"""

from bot.services.events.attendance import REGISTRANTS_PAGE, Registrant, close, registrants, set_attendance
from bot.services.events.common import (
    REFUSED,
    Paged,
    author_zone,
    get_for_methodist,
    require_started,
    require_status,
)
from bot.services.events.editing import cancel, create, edit_from_text, update
from bot.services.events.listing import PAGE_SIZE, Counts, counts_for, list_page
from bot.services.events.ratings import COMMENTS_PAGE, FeedbackSummary, feedback_summary

__all__ = [
    "REFUSED",
    "Paged",
    "author_zone",
    "get_for_methodist",
    "require_started",
    "require_status",
    "PAGE_SIZE",
    "Counts",
    "counts_for",
    "list_page",
    "cancel",
    "create",
    "edit_from_text",
    "update",
    "REGISTRANTS_PAGE",
    "Registrant",
    "close",
    "registrants",
    "set_attendance",
    "COMMENTS_PAGE",
    "FeedbackSummary",
    "feedback_summary",
]
