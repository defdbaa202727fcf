"""The ИОМ plan, with no database: the priority rule of domain.md §2 picks the deficits, each gets
2–4 steps mixing forms, point deficits get their own steps, real events are preferred over
catalogue activities (each used once per route), deadlines follow each activity's hours, and every
step carries the §4 table fields (task, planned product, report form)."""

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import accumulate

from bot.services import content
from bot.services.shared.labels import AREA_TITLES, area_title, event_format
from bot.services.shared.timefmt import local
from models import Activity, AreaResult, Event, EventFormat, RouteStep, StepStatus

# §2: at equal rank, the areas closest to pupils' results come first: assessment, methodical, subject.
PRIORITY = ("3", "2", "1")
MAX_DEFICITS, MAX_AREA_STEPS, MAX_POINT_STEPS = 3, 4, 2
BASE_FORMS = {"severe": ("formal", "non_formal", "informal"), "partial": ("non_formal", "informal")}
# (keyword of the activity format, planned product, report form); the first match wins.
PRODUCTS = (
    ("курс", "Удостоверение о ПК и план применения на уроках", "Удостоверение (скан или фото)"),
    ("стажир", "Отчёт о стажировке и урок с применением опыта", "Отчёт о стажировке"),
    ("наставн", "План и записи встреч, разбор взаимопосещений", "Лист взаимопосещений, отзыв наставника"),
    ("конкурс", "Конкурсные материалы, представленные коллегам", "Диплом или сертификат участника"),
)
FORM_PRODUCTS = {
    "formal": ("Удостоверение о ПК и план применения на уроках", "Удостоверение (скан или фото)"),
    "non_formal": ("Приём, опробованный на своём уроке, и его разбор", "Сертификат участника, рефлексия в боте"),
    "informal": ("Конспект и 2–3 приёма, введённые на уроках", "Рефлексия в боте"),
}
FALLBACK_TITLES = {
    "formal": ("Курс повышения квалификации из ФР ДПП: {area}", 36),
    "non_formal": ("Семинар или мастер-класс методического объединения: {area}", 4),
    "informal": ("Самостоятельное изучение: {area}", 10),
}


def add_months(day: date, months: int) -> date:
    year, month = divmod(day.month - 1 + months, 12)
    for last in (31, 30, 29, 28):
        try:
            return date(day.year + year, month + 1, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class Rules:
    """What the builder takes from the questionnaire version the attempt was taken on."""

    priority: tuple[str, ...] = PRIORITY
    limit: int = MAX_DEFICITS
    deficit_zones: frozenset[str] = frozenset(BASE_FORMS)
    titles: Mapping[str, str] = field(default_factory=lambda: AREA_TITLES)
    items: Mapping[str, str] = field(default_factory=dict)  # item code → statement

    @classmethod
    def of(cls, q: content.Questionnaire) -> "Rules":
        return cls(
            q.scoring.priority,
            q.scoring.max_priorities,
            q.scoring.deficit_zones & frozenset(BASE_FORMS),
            {a.code: a.title for a in q.areas},
            {i.code: i.text for i in q.items},
        )


def priority_deficits(results: list[AreaResult], rules: Rules = Rules()) -> list[AreaResult]:
    """Severe first, then partial; ties by the area priority order, then by the lower score."""
    priority = rules.priority
    ranked = [r for r in results if r.zone in rules.deficit_zones]
    rank = {area: index for index, area in enumerate(priority)}
    ranked.sort(
        key=lambda r: (r.zone != "severe", rank.get(r.area, len(priority)), r.score / max(r.max_score, 1), r.area)
    )
    return ranked[: rules.limit]


# A working teacher gives each deficit about this many hours a week (the areas run side by side), so
# a 36-hour course is due in twelve weeks and a 2-hour master class in one.
HOURS_PER_WEEK = 3
MIN_STEP_DAYS = 7


def paced(start: date, end: date, hours: list[int]) -> list[date]:
    """Deadlines for one deficit's steps done one after another, each taking time in proportion to
    its hours (at least a week); a track longer than the period is squeezed to end on its last day."""
    days = [max(MIN_STEP_DAYS, math.ceil(h * 7 / HOURS_PER_WEEK)) for h in hours]
    ends = list(accumulate(days))
    total, period = (ends[-1] if ends else 0), max((end - start).days, len(days))
    scale = min(1.0, period / total) if total else 1.0
    return [min(end, start + timedelta(days=max(1, round(e * scale)))) for e in ends]


def product_of(format_label: str, form: str) -> tuple[str, str]:
    lowered = format_label.lower()
    return next(((p, r) for key, p, r in PRODUCTS if key in lowered), FORM_PRODUCTS[form])


@dataclass
class Draft:
    area: str
    kind: str
    form: str
    slot: int  # order within its area: deadlines go round-robin over the areas
    items: list[str] = field(default_factory=list)  # point deficits this step answers
    activity: Activity | None = None
    event: Event | None = None


class Picker:
    """Hands out catalogue activities and events, each at most once per route."""

    def __init__(
        self, activities: list[Activity], events: list[Event], used_activities: set[int], used_events: set[int]
    ) -> None:
        self.activities, self.events = activities, events
        self.used_activities, self.used_events = used_activities, used_events

    def event(self, area: str, form: str) -> Event | None:
        if form == "informal" or not area.isdigit():
            return None
        for event in self.events:
            if event.id in self.used_events or int(area) not in (event.areas or []):
                continue
            if (event.format == EventFormat.course) == (form == "formal"):
                self.used_events.add(event.id)
                return event
        return None

    def activity(self, area: str, form: str) -> Activity | None:
        for activity in self.activities:
            if activity.area == area and activity.form.value == form and activity.id not in self.used_activities:
                self.used_activities.add(activity.id)
                return activity
        return None


def plan(results: list[AreaResult], picker: Picker, rules: Rules = Rules()) -> list[Draft]:
    chosen = priority_deficits(results, rules)
    chosen_areas = {r.area for r in chosen}
    drafts: list[Draft] = []
    for result in chosen:
        points = list(result.point_deficits or [])
        area = [Draft(result.area, result.zone, form, slot) for slot, form in enumerate(BASE_FORMS[result.zone])]
        area[-1].items = points[:1]
        for code in points[1:]:
            if len(area) < MAX_AREA_STEPS:
                area.append(Draft(result.area, "point", "informal", len(area), [code]))
            else:
                area[-1].items.append(code)
        drafts += area
    rank = {a: i for i, a in enumerate(rules.priority)}
    rest = sorted(
        (r for r in results if r.area not in chosen_areas and r.point_deficits),
        key=lambda r: (rank.get(r.area, len(rank)), r.area),
    )
    for result in rest:
        codes = list(result.point_deficits)
        area = [
            Draft(result.area, "point", "informal", slot, [code]) for slot, code in enumerate(codes[:MAX_POINT_STEPS])
        ]
        area[-1].items += codes[MAX_POINT_STEPS:]
        drafts += area
    for draft in drafts:
        draft.event = picker.event(draft.area, draft.form)
        draft.activity = None if draft.event else picker.activity(draft.area, draft.form)
    return drafts


def task_of(draft: Draft, rules: Rules) -> str:
    where = f"в области «{rules.titles.get(draft.area, area_title(draft.area))}»"
    base = {
        "severe": f"Устранить выраженный дефицит {where}",
        "partial": f"Восполнить частичный дефицит {where}",
        "point": f"Закрыть точечный дефицит {where}",
    }[draft.kind]
    if len(draft.items) == 1:
        statement = rules.items.get(draft.items[0], "")
        statement = statement if len(statement) <= 160 else statement[:160].rstrip() + "…"
        return f"{base}: пункт {draft.items[0]}" + (f" — «{statement}»" if statement else "")
    return f"{base}: пункты {', '.join(draft.items)}" if draft.items else base


def hours_of(draft: Draft) -> int:
    if draft.event is not None:
        return max(1, -(-draft.event.duration_min // 60))
    if draft.activity is not None:
        return draft.activity.hours
    return FALLBACK_TITLES[draft.form][1]


def step_from(draft: Draft, position: int, deadline: date, zone: str, rules: Rules) -> RouteStep:
    hours = hours_of(draft)
    if draft.event is not None:
        event = draft.event
        title, fmt_label = event.title, event_format(event.format, in_sentence=True)
        deadline = local(event.starts_at, zone).date()
    elif draft.activity is not None:
        title, fmt_label = draft.activity.title, draft.activity.format
    else:
        title = FALLBACK_TITLES[draft.form][0].format(area=rules.titles.get(draft.area, area_title(draft.area)))
        fmt_label = ""
    product, report = product_of(fmt_label, draft.form)
    return RouteStep(
        position=position,
        area=draft.area,
        deficit_kind=draft.kind,
        item_code=(draft.items or [None])[0],
        activity_id=draft.activity.id if draft.activity else None,
        event_id=draft.event.id if draft.event else None,
        title=title[:300],
        form=draft.form,
        hours=hours,
        task=task_of(draft, rules),
        expected_result=product,
        report_form=report,
        deadline=deadline,
        status=StepStatus.planned,
    )
