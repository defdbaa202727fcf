"""Sharing practices counts for mentor suggestions («транслирует опыт»): a tie-breaker after the
pair's own criteria, and a reason the methodist reads."""

from bot.services.mentoring.suggestions import Candidate, rank, reason
from models import PairType, Position, User


def person(user_id: int, name: str) -> User:
    return User(id=user_id, full_name=name, position=Position.teacher, subjects=[], timezone="Europe/Moscow")


def test_a_candidate_who_shares_practices_ranks_higher_among_equals_and_says_why():
    quiet = Candidate(person(1, "А"), ("3",), (), same_org=True, org_is_school=True, free=3)
    sharing = Candidate(person(2, "Б"), ("3",), (), same_org=False, org_is_school=True, free=1, shares=2)
    stronger = Candidate(person(3, "В"), ("2", "3"), (), same_org=False, org_is_school=True, free=1)
    assert [c.user.full_name for c in rank([quiet, sharing, stronger], PairType.competency)] == ["В", "Б", "А"]
    assert "транслирует опыт: 2 практики в банке" in reason(sharing)
    assert "транслирует опыт" not in reason(quiet)
