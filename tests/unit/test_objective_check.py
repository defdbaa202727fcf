"""The objective check's pieces: the shipped task bank passes its validation (5+ tasks per area,
keys in range), broken banks are refused with the place named, the public view carries no key,
and scoring and the divergence rule follow domain.md §2."""

import pytest
import yaml

from bot.content import CONTENT_DIR
from bot.services import content
from bot.services.objective_check import bank, scoring
from bot.services.shared.errors import InvalidInput

ZONES = [
    {"code": "severe", "min": 0, "max": 7},
    {"code": "partial", "min": 8, "max": 10},
    {"code": "norm", "min": 11, "max": 13},
    {"code": "resource", "min": 14, "max": 15},
]


def shipped() -> str:
    return (CONTENT_DIR / "objective_tasks.yaml").read_text(encoding="utf-8")


def parse(text: str) -> dict:
    return content.parse("objective_tasks", text)[0]


def test_shipped_bank_has_five_tasks_per_teacher_area():
    data = parse(shipped())
    assert sorted(data["areas"]) == [str(n) for n in range(1, 9)]
    assert all(len(tasks) >= 5 for tasks in data["areas"].values())
    assert all(any("а" <= ch <= "я" for ch in task["text"].lower()) for t in data["areas"].values() for task in t)


def test_public_view_has_no_key_and_grading_is_on_the_server():
    data = parse(shipped())
    task = data["areas"]["3"][0]
    view = bank.public(task)
    assert not hasattr(view, "answer") and "answer" not in vars(view)
    assert bank.is_correct(data, "3", task["code"], task["answer"])
    assert not bank.is_correct(data, "3", task["code"], task["answer"] % len(task["options"]) + 1)
    assert not bank.is_correct(data, "3", "forged", 1) and not bank.is_correct(data, "9", task["code"], 1)


@pytest.mark.parametrize(
    "change, message",
    [
        (
            lambda d: d["areas"][0]["tasks"][0].update(answer=9),
            r"область 1, задание 1 \(code: 1-1, строка \d+\): answer",
        ),
        (lambda d: d["areas"][1]["tasks"].pop(), "область 2: нужно не меньше 5"),
        (lambda d: d["areas"][1]["tasks"][0].update(code="1-1"), "повторяется"),
        (lambda d: d["areas"][0].update(code="9"), "неизвестная область"),
        (lambda d: d.update(kind="catalog"), "kind"),
    ],
)
def test_broken_banks_are_refused_with_the_place(change, message):
    data = yaml.safe_load(shipped())
    change(data)
    with pytest.raises(InvalidInput, match=message):
        parse(yaml.safe_dump(data, allow_unicode=True))


def test_score_and_zones():
    assert [scoring.score(k, 5) for k in range(6)] == [0, 3, 6, 9, 12, 15]
    assert [scoring.zone_of(scoring.score(k, 5), ZONES) for k in range(6)] == [
        "severe",
        "severe",
        "severe",
        "partial",
        "norm",
        "resource",
    ]
    with pytest.raises(ValueError):
        scoring.score(6, 5)


def test_divergence_rule_follows_the_objective_result():
    rows = scoring.compare({"3": "norm", "2": "severe", "1": "partial"}, {"3": (1, 5), "2": (2, 5)}, ZONES)
    assessed = {c.area: c for c in rows}
    assert assessed["3"].differs and assessed["3"].route_zone == "severe"  # rated norm, checked severe
    assert not assessed["2"].differs and assessed["2"].route_zone == "severe"
    assert "1" not in assessed  # not checked
    assert scoring.agreement_by_area(rows) == {"2": (1, 1), "3": (0, 1)}
