"""The /report workbook: indicators, their breakdown, deficits, teachers, events, mentoring pairs, courses.

Written in openpyxl's write-only mode (a region's teacher sheet can hold 100k rows), in the style of
bot.render.xlsx: bold frozen headers with a filter, fitted widths, real date cells, percentages as
numbers, and text that never turns into a formula. openpyxl is imported on the first workbook,
not with this module (see bot.render.xlsx)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import astuple
from datetime import date, datetime
from io import BytesIO
from typing import TYPE_CHECKING

from bot.render.xlsx import DATE_FORMAT, DATETIME_FORMAT, MAX_WIDTH, MIN_WIDTH
from bot.services.communities.totals import CommunityRow
from bot.services.courses.report import CourseRow
from bot.services.monitoring.indicators import Ratio, Stats
from bot.services.monitoring.reports import AREAS, EventRow, PairRow, TeacherRow
from bot.services.shared.labels import EVENT_FORMATS, ZONE_TITLES, area_label
from models import EventStatus, PairStatus, PairType, Position

if TYPE_CHECKING:
    from openpyxl import Workbook

PERCENT_FORMAT = "0.0%"
POSITIONS = {
    Position.teacher: "Учитель",
    Position.educator: "Воспитатель",
    Position.additional_ed: "Педагог доп. образования",
    Position.head: "Руководитель",
    Position.deputy_head: "Заместитель руководителя",
    Position.methodist: "Методист",
    Position.other: "Другое",
}
EVENT_STATUSES = {
    EventStatus.published: "опубликовано",
    EventStatus.closed: "завершено",
    EventStatus.cancelled: "отменено",
}
PAIR_TYPES = {
    PairType.young_specialist: "наставник — молодой специалист",
    PairType.subject: "по предмету",
    PairType.competency: "компетенция → дефицит",
    PairType.managerial: "менторство руководителей",
}
PAIR_STATUSES = {PairStatus.active: "действует", PairStatus.ended: "завершена"}


class Percent(float):
    """A share 0..1 shown with PERCENT_FORMAT."""


def _share(ratio: Ratio | None) -> Percent | None:
    return Percent(ratio.num / ratio.den) if ratio is not None and ratio.den else None


def _cell(sheet, value, strip, write_only_cell):
    """Plain values go in as they are (fast); only dates, shares and would-be formulas need a cell.
    `strip` is openpyxl's ILLEGAL_CHARACTERS_RE.sub and `write_only_cell` its WriteOnlyCell, passed in
    so that openpyxl is imported only when a workbook is written."""
    if isinstance(value, str):
        value = strip("", value)
        if not value.startswith("="):
            return value
        cell = write_only_cell(sheet, value=value)
        cell.data_type = "s"  # never a formula, whatever a person typed
        return cell
    if isinstance(value, (date, Percent)):
        cell = write_only_cell(sheet, value=value)
        cell.number_format = (
            DATETIME_FORMAT
            if isinstance(value, datetime)
            else DATE_FORMAT
            if isinstance(value, date)
            else PERCENT_FORMAT
        )
        return cell
    return value


def _width(value) -> int:
    if isinstance(value, datetime):
        return 16
    if isinstance(value, (date, Percent)):
        return 10
    return len(str(value)) if value is not None else 0


def _sheet(book: Workbook, title: str, headers: Sequence[str], rows: Sequence[Sequence]) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet(title)
    widths = [len(h) for h in headers]
    for row in rows[:2000]:  # enough to size the columns without walking a huge sheet twice
        for n, value in enumerate(row):
            widths[n] = max(widths[n], _width(value))
    for n, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(n)].width = min(max(width + 2, MIN_WIDTH), MAX_WIDTH)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{len(rows) + 1}"
    header = []
    for text in headers:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font, cell.alignment = Font(bold=True), Alignment(vertical="center", wrap_text=True)
        header.append(cell)
    sheet.append(header)
    strip = ILLEGAL_CHARACTERS_RE.sub
    for row in rows:
        sheet.append([_cell(sheet, value, strip, WriteOnlyCell) for value in row])


COURSE_HEADERS = (
    "ФИО",
    "Организация",
    "Программа",
    "Кто проводил",
    "Часы",
    "Начало",
    "Окончание",
    "Форма",
    "№ в ФР ДПП",
    "Статус",
)


def workbook(
    stats: Stats,
    titles: dict[str, str],
    teachers: Sequence[TeacherRow],
    events: Sequence[EventRow],
    pairs: Sequence[PairRow],
    courses: Sequence[CourseRow] = (),
    communities: Sequence[CommunityRow] = (),
    extra: Sequence[tuple[str, Sequence[str], Sequence[Sequence]]] = (),
) -> bytes:
    """The report; `extra` sheets (title, headers, rows) from features outside §5 go last."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = Workbook(write_only=True)
    book.properties.title = ILLEGAL_CHARACTERS_RE.sub("", f"Отчёт: {stats.scope.name}, {stats.period.label}")[:200]
    _sheet(
        book,
        "Показатели",
        ("№", "Показатель", "Числитель", "Знаменатель", "%", "Кто в числителе", "Кто в знаменателе", "Примечание"),
        [
            (
                i.spec.code,
                i.spec.title,
                i.total.num if i.total else None,
                i.total.den if i.total else None,
                _share(i.total),
                i.spec.numerator,
                i.spec.denominator,
                f"нет данных в боте: {i.spec.reason}" if i.spec.reason else f"{stats.scope.name}, {stats.period.label}",
            )
            for i in stats.indicators
        ],
    )
    area_headers = [area_label(code, titles.get(code)) for code in AREAS]
    _sheet(
        book,
        "Педагоги",
        ("ФИО", "Организация", "Должность", "Дата диагностики", *area_headers, "Прогресс ИОМ, %", "Наставник"),
        [
            (
                t.full_name,
                t.organization,
                POSITIONS[t.position],
                t.diagnosed_on,
                *(ZONE_TITLES.get(t.zones.get(code, ""), "") for code in AREAS),
                t.route_progress,
                t.mentor,
            )
            for t in teachers
        ],
    )
    _sheet(
        book,
        "Мероприятия",
        ("Название", "Дата и время", "Формат", "Организация", "Статус", "Записались", "Посетили", "Средняя оценка"),
        [
            (
                e.title,
                e.starts_at,
                EVENT_FORMATS[e.format],
                e.organization,
                EVENT_STATUSES[e.status],
                e.registered,
                e.attended,
                round(e.avg_rating, 2) if e.avg_rating is not None else None,
            )
            for e in events
        ],
    )
    _sheet(
        book,
        "Наставнические пары",
        (
            "Наставник",
            "Подопечный",
            "Организация подопечного",
            "Тип пары",
            "Начало",
            "Плановое окончание",
            "Статус",
            "Встреч",
        ),
        [
            (
                p.mentor,
                p.mentee,
                p.organization,
                PAIR_TYPES[p.type],
                p.starts_on,
                p.planned_end,
                PAIR_STATUSES[p.status],
                p.check_ins,
            )
            for p in pairs
        ],
    )
    _sheet(
        book,
        "Курсы ПК",
        COURSE_HEADERS,
        [astuple(c) for c in courses],
    )
    _sheet(
        book,
        "По организациям",
        ("Организация", "№", "Показатель", "Числитель", "Знаменатель", "%"),
        [
            (group.name, i.spec.code, i.spec.title, r.num, r.den, _share(r))
            for group in stats.groups
            for i in stats.indicators
            if i.total is not None
            for r in [i.by_group.get(group.org_id, Ratio(0, 0))]
        ],
    )
    _sheet(
        book,
        "Дефициты",
        ("Область", "Выраженный дефицит", "Частичный дефицит", "Всего педагогов"),
        [(d.title, d.severe, d.partial, d.total) for d in stats.deficits],
    )
    _community_sheet(book, stats, communities)
    for title, headers, rows in extra:
        _sheet(book, title, headers, rows)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _community_sheet(book: Workbook, stats: Stats, communities: Sequence[CommunityRow]) -> None:
    """Issue 14: every community placed in the scope with its members in the period; the last row
    is the share of the scope's teachers in at least one community."""
    rows: list[tuple] = [
        (r.title, r.kind, r.organization, r.members, r.meetings, "да" if r.archived else "") for r in communities
    ]
    c = stats.communities
    if c is not None:
        share = Percent(c.members / c.teachers) if c.teachers else None
        rows.append(
            ("Педагогов хотя бы в одном сообществе", f"из {c.teachers}", stats.scope.name, c.members, None, share)
        )
    _sheet(
        book,
        "Сообщества",
        (
            "Сообщество",
            "Вид",
            "Организация или территория",
            "Участников за период",
            "Встреч проведено",
            "В архиве / доля",
        ),
        rows,
    )
