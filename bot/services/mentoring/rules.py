"""Mentoring constants and pure rules: who is a young specialist, the pair term, dates and texts
typed by people, labels."""

import re
from datetime import date

from bot.services.route.plan import add_months
from bot.services.shared.errors import InvalidInput
from models import PairType

DAY = re.compile(r"([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})")
DEFAULT_CAPACITY = 3  # active mentees per mentor; the deployment sets its own (MENTOR_CAPACITY)
DEFAULT_CADENCE, CADENCES = 14, (7, 14, 30)
MIN_CADENCE, MAX_CADENCE = 7, 60
DEFAULT_TERM, MIN_TERM, MAX_TERM = 6, 3, 9  # months, domain.md §4: наставничество 3–9 мес.
YOUNG_AGE, YOUNG_EXPERIENCE = 35, 3  # «до 35 лет», «первые 3 года работы»
MAX_GOAL, MAX_TEXT, PAGE_SIZE, MENTEE_PAGE = 500, 2000, 6, 5
TYPE_LABELS = {
    PairType.young_specialist: "наставник — молодой специалист",
    PairType.subject: "по предмету",
    PairType.competency: "владеющий компетенцией → испытывающий дефицит",
    PairType.managerial: "менторство для руководителей",
}


def is_young_specialist(birth_year: int | None, experience_years: int | None, today: date) -> bool:
    """Under 35 counted by birth year (this year minus it) with at most 3 years of experience."""
    if birth_year is None or experience_years is None:
        return False
    return today.year - birth_year < YOUNG_AGE and experience_years <= YOUNG_EXPERIENCE


def cadence_label(days: int) -> str:
    return {7: "раз в неделю", 14: "раз в 2 недели", 30: "раз в месяц"}.get(days, f"раз в {days} дн.")


def parse_day(text: str | None) -> date:
    match = DAY.fullmatch((text or "").strip())
    try:
        if match is None:
            raise ValueError
        return date(int(match[3]), int(match[2]), int(match[1]))
    except ValueError:
        raise InvalidInput("Не понял дату. Введите её так: <code>25.12.2026</code>.") from None


def check_term(starts_on: date, planned_end: date) -> None:
    if not add_months(starts_on, MIN_TERM) <= planned_end <= add_months(starts_on, MAX_TERM):
        raise InvalidInput(
            f"Срок наставничества — от {MIN_TERM} до {MAX_TERM} месяцев: окончание между "
            f"{add_months(starts_on, MIN_TERM):%d.%m.%Y} и {add_months(starts_on, MAX_TERM):%d.%m.%Y}."
        )


def parse_type(value: str) -> PairType:
    try:
        return PairType(value)
    except ValueError:
        raise InvalidInput("Выберите форму наставничества кнопкой из списка.") from None
