"""The checks on what a teacher or an import file gives for a course."""

from datetime import date

import pytest

from bot.services import courses
from bot.services.shared.errors import InvalidInput

TODAY = date(2026, 12, 7)


@pytest.mark.parametrize("text, hours", [("36", 36), ("72 ч", 72), (" 16 часов ", 16), ("1500", 1500)])
def test_hours_accepted(text, hours):
    assert courses.parse_hours(text) == hours


@pytest.mark.parametrize("text", ["0", "-5", "1501", "три", "", None, "36.5"])
def test_hours_refused(text):
    with pytest.raises(InvalidInput):
        courses.parse_hours(text)


def test_dates_parse_both_forms():
    assert courses.parse_date("05.11.2026") == date(2026, 11, 5)
    assert courses.parse_date("2026-11-05 00:00:00") == date(2026, 11, 5)
    with pytest.raises(InvalidInput):
        courses.parse_date("30.02.2026")


def test_completed_course_cannot_end_in_the_future_or_before_it_began():
    courses.check_dates(date(2026, 11, 1), TODAY, TODAY, completed=True)
    with pytest.raises(InvalidInput, match="в будущем"):
        courses.check_dates(date(2026, 11, 1), date(2026, 12, 8), TODAY, completed=True)
    with pytest.raises(InvalidInput, match="раньше"):
        courses.check_dates(date(2026, 11, 1), date(2026, 10, 1), TODAY, completed=True)
    courses.check_dates(date(2026, 11, 1), date(2027, 1, 8), TODAY, completed=False)
    with pytest.raises(InvalidInput):
        courses.check_dates(date(2026, 12, 10), date(2027, 1, 8), TODAY, completed=False)


def test_certificate_types_and_size():
    assert courses.certificate_kind(photo=True, mime_type=None, file_name=None, size=10) == "photo"
    assert courses.certificate_kind(photo=False, mime_type="application/pdf", file_name="a", size=10) == "document"
    assert courses.certificate_kind(photo=False, mime_type=None, file_name="A.PDF", size=10) == "document"
    for mime, name, size in [("application/zip", "a.zip", 10), ("application/pdf", "a.pdf", 21 * 1024 * 1024)]:
        with pytest.raises(InvalidInput):
            courses.certificate_kind(photo=False, mime_type=mime, file_name=name, size=size)
