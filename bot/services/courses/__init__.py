"""Повышение квалификации: a teacher's course records, their verification by a methodist of the
teacher's scope, the ИОМ step a verified course completes, summaries and the bulk import."""

from bot.services.courses.inputs import (
    certificate_kind,
    check_dates,
    check_start,
    parse_date,
    parse_frdpp_number,
    parse_hours,
    parse_provider,
    parse_reason,
    parse_title,
)
from bot.services.courses.records import (
    TEACHER_AREAS,
    CourseDraft,
    CoursePage,
    check_link,
    finish,
    my_courses,
    owned,
    remove,
    resubmit,
    route_steps_for_courses,
    save,
)
from bot.services.courses.review import Pending, approve, for_review, pending, send_back

__all__ = [
    "certificate_kind",
    "check_dates",
    "check_start",
    "parse_date",
    "parse_frdpp_number",
    "parse_hours",
    "parse_provider",
    "parse_reason",
    "parse_title",
    "TEACHER_AREAS",
    "CourseDraft",
    "CoursePage",
    "check_link",
    "finish",
    "my_courses",
    "owned",
    "remove",
    "resubmit",
    "route_steps_for_courses",
    "save",
    "Pending",
    "approve",
    "for_review",
    "pending",
    "send_back",
]
