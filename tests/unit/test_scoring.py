"""Scoring rules of domain.md §2–§3 on the bundled questionnaires: zones at every threshold
boundary for both variants, point deficits, the mentor mark and the overcome rule."""

import pytest

from bot.content import CONTENT_DIR
from bot.services import content
from bot.services.diagnosis.scoring import AreaScore, compare, is_mentor_candidate, is_overcome, score_areas


def load(kind: str) -> content.Questionnaire:
    data, _ = content.parse(kind, (CONTENT_DIR / content.FILES[kind]).read_text(encoding="utf-8"))
    return content.build_questionnaire(1, kind, data)


TEACHER, LEADER = load("questionnaire_teacher"), load("questionnaire_leader")


def answers_with(q: content.Questionnaire, totals: dict[str, int], default: int = 2) -> dict[str, int]:
    """Answers giving each area the wanted total (filled with 3s from the first item, then the rest)."""
    answers = {}
    for area in q.areas:
        left = totals.get(area.code, default * len(area.items))
        for item in area.items:
            answers[item.code] = min(3, left)
            left -= answers[item.code]
    return answers


def zones(q: content.Questionnaire, score: int) -> str:
    (result,) = [s for s in score_areas(q, answers_with(q, {q.areas[0].code: score})) if s.area == q.areas[0].code]
    assert result.score == score
    return result.zone


@pytest.mark.parametrize(
    ("score", "zone"),
    [
        (0, "severe"),
        (7, "severe"),
        (8, "partial"),
        (10, "partial"),
        (11, "norm"),
        (13, "norm"),
        (14, "resource"),
        (15, "resource"),
    ],
)
def test_teacher_zones_at_every_boundary(score, zone):
    assert zones(TEACHER, score) == zone
    assert TEACHER.scoring.zone_for(score).code == zone


@pytest.mark.parametrize(
    ("score", "zone"),
    [
        (0, "severe"),
        (4, "severe"),
        (5, "partial"),
        (6, "partial"),
        (7, "norm"),
        (9, "norm"),
    ],
)
def test_leader_zones_at_every_boundary(score, zone):
    assert zones(LEADER, score) == zone


def test_zone_titles_and_scores_outside_the_range():
    assert TEACHER.scoring.zone_title("severe") == "выраженный дефицит"
    assert LEADER.scoring.zone_title("severe") == "дефицит"
    with pytest.raises(ValueError):
        TEACHER.scoring.zone_for(16)


def test_point_deficits_are_items_answered_zero_even_in_a_good_area():
    answers = {item.code: 2 for item in TEACHER.items}
    answers.update({"4.1": 3, "4.2": 3, "4.3": 3, "4.4": 3, "4.5": 0, "7.1": 0, "7.3": 0})
    scores = {s.area: s for s in score_areas(TEACHER, answers)}
    assert (scores["4"].score, scores["4"].zone, scores["4"].point_deficits) == (12, "norm", ("4.5",))
    assert scores["7"].point_deficits == ("7.1", "7.3") and scores["7"].zone == "severe"
    assert all(not s.point_deficits for code, s in scores.items() if code not in ("4", "7"))
    assert [s.max_score for s in scores.values()] == [15] * 8


def test_mentor_candidates():
    top = AreaScore("1", 14, 15, "resource", ())
    assert is_mentor_candidate(TEACHER.scoring, top)
    assert not is_mentor_candidate(TEACHER.scoring, AreaScore("1", 13, 15, "norm", ()))
    leader = {s.area: s for s in score_areas(LEADER, answers_with(LEADER, {"L1": 9, "L2": 8}))}
    assert is_mentor_candidate(LEADER.scoring, leader["L1"])  # all three items scored 3
    assert not is_mentor_candidate(LEADER.scoring, leader["L2"]) and leader["L2"].zone == "norm"


def s(area: str, score: int, zone: str) -> AreaScore:
    return AreaScore(area, score, 15, zone, ())


@pytest.mark.parametrize(
    ("before", "after", "overcome"),
    [
        (s("3", 7, "severe"), s("3", 8, "partial"), True),  # one zone up by a single point
        (s("3", 3, "severe"), s("3", 6, "severe"), True),  # +3 points within the zone
        (s("3", 3, "severe"), s("3", 5, "severe"), False),
        (s("2", 8, "partial"), s("2", 10, "partial"), False),
        (s("2", 10, "partial"), s("2", 11, "norm"), True),
        (s("2", 8, "partial"), s("2", 7, "severe"), False),
        (s("1", 11, "norm"), s("1", 15, "resource"), False),  # no deficit to overcome
    ],
)
def test_overcome_rule(before, after, overcome):
    assert is_overcome(TEACHER.scoring, before, after) is overcome


def test_compare_lists_changes_for_shared_areas_only():
    changes = compare(
        TEACHER.scoring,
        [s("1", 12, "norm"), s("3", 9, "partial"), s("8", 4, "severe")],
        [s("1", 12, "norm"), s("3", 6, "severe")],
    )
    assert set(changes) == {"1", "3"}
    assert (changes["3"].delta, changes["3"].overcome, changes["1"].delta, changes["1"].overcome) == (3, True, 0, False)
    leader = compare(LEADER.scoring, [AreaScore("L2", 5, 9, "partial", ())], [AreaScore("L2", 4, 9, "severe", ())])
    assert leader["L2"].overcome
