"""The ИОМ as a PDF in the template of domain.md §4: the header with the profile by areas, the
plan table on landscape A4 with wrapped cells, and the final block left for signatures.
The document itself (font, page footer, text cleaning) is set up in `pdf_doc`."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.render.pdf_doc import FAMILY, clean, doc_class, font_files
from bot.services.route import Report
from bot.services.shared.labels import FORM_LABELS, KIND_LABELS, ZONE_TITLES, area_title, plural
from bot.services.shared.timefmt import fmt, local
from models import Position, RouteStatus, StepStatus

if TYPE_CHECKING:
    from fpdf import FPDF

HEADERS = (
    "№",
    "Дефицит (область / пункт)",
    "Задача",
    "Содержание деятельности",
    "Форма",
    "Ресурс",
    "Сроки, часы",
    "Планируемый результат (продукт)",
    "Форма отчётности",
    "Сопровождающий",
    "Отметка о выполнении",
)
# mm, 277 in all: landscape A4 less margins. Each column is at least as wide as the longest word of
# its header in bold 7 pt plus the cell's padding, so no header breaks inside a word
# («Сопровождающий» needs about 29 mm); tests/unit/test_pdf_layout.py measures it.
WIDTHS = (6, 26, 34, 34, 24, 27, 19, 28, 23, 31, 25)
HEADER_FONT_SIZE = 7
POSITIONS = {
    Position.teacher: "учитель",
    Position.educator: "воспитатель",
    Position.additional_ed: "педагог ДО",
    Position.head: "руководитель",
    Position.deputy_head: "заместитель руководителя",
    Position.methodist: "методист",
    Position.other: "педагогический работник",
}
STATUSES = {
    RouteStatus.draft: "черновик, ждёт согласования",
    RouteStatus.approved: "согласован",
    RouteStatus.active: "в работе",
    RouteStatus.completed: "выполнен",
    RouteStatus.archived: "в архиве",
}
BLANK = "_" * 40


def _line(pdf: FPDF, label: str, value: str, size: float = 9) -> None:
    pdf.set_font(FAMILY, "B", size)
    pdf.write(5, clean(label) + " ")
    pdf.set_font(FAMILY, size=size)
    pdf.write(5, clean(value))
    pdf.ln(5.5)


def _header(pdf: FPDF, r: Report) -> None:
    user, zone = r.user, r.user.timezone
    pdf.set_font(FAMILY, "B", 13)
    pdf.cell(0, 8, "Индивидуальный образовательный маршрут педагога (ИОМ)", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    subjects = ", ".join(user.subjects or []) or "—"
    years = (
        "—"
        if user.experience_years is None
        else f"{user.experience_years} {plural(user.experience_years, 'год', 'года', 'лет')}"
    )
    _line(pdf, "ФИО:", user.full_name or "—")
    _line(
        pdf,
        "Должность, предмет, стаж, категория:",
        f"{POSITIONS.get(user.position, '—')}; {subjects}; стаж {years}; категория {'_' * 12}",
    )
    _line(pdf, "Организация:", r.organization)
    _line(
        pdf,
        "Период:",
        f"{r.route.period_start:%d.%m.%Y} — {r.route.period_end:%d.%m.%Y}; статус: {STATUSES[r.route.status]}",
    )
    if r.attempt is not None:
        taken = local(r.attempt.completed_at or r.attempt.started_at, zone)
        q = r.questionnaire
        tool = (
            f"самодиагностика «{q.title}» (версия {q.version}): {len(q.areas)} "
            f"{plural(len(q.areas), 'область', 'области', 'областей')}, {q.total} утверждений, шкала 0–3"
            if q
            else "самодиагностика профессиональных дефицитов"
        )
        _line(pdf, "Дата и инструмент диагностики:", f"{taken:%d.%m.%Y}, {tool}")
    _line(pdf, "Сопровождающие (наставник, методист, тьютор ЦНППМ):", BLANK)
    if r.results:
        _profile(pdf, r)


def _profile(pdf: FPDF, r: Report) -> None:
    from fpdf import FontFace

    pdf.set_font(FAMILY, "B", 9)
    pdf.cell(0, 6, "Профиль по областям", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, size=8)
    with pdf.table(
        col_widths=(60, 18, 40, 60),
        width=178,
        align="LEFT",
        text_align="LEFT",
        line_height=4.5,
        headings_style=FontFace(emphasis="BOLD", fill_color=(230, 230, 230)),
    ) as table:
        table.row(["Область", "Баллы", "Зона (★ — ресурсная)", "Точечные дефициты (пункты с оценкой 0)"])
        for result in r.results:
            title = r.questionnaire.area(result.area).title if r.questionnaire else area_title(result.area)
            zone = r.questionnaire.scoring.zone_title(result.zone) if r.questionnaire else ZONE_TITLES.get(result.zone)
            mark = "★ " if result.zone == "resource" else ""
            table.row(
                [
                    clean(f"{result.area}. {title}"),
                    f"{result.score} из {result.max_score}",
                    clean(f"{mark}{zone or result.zone}"),
                    ", ".join(result.point_deficits or []) or "—",
                ]
            )
    if r.checked:  # domain.md §2: a zone or more apart, the route follows the objective check
        parts = "; ".join(
            f"{c.area}. {area_title(c.area)}: самооценка — {ZONE_TITLES.get(c.self_zone, c.self_zone)}, "
            f"проверка — {ZONE_TITLES.get(c.zone, c.zone)}"
            for c in r.checked
        )
        pdf.multi_cell(
            0,
            4.5,
            clean(
                f"Проверка самооценки разошлась с ней на зону и больше, ИОМ построен по результату проверки: {parts}."
            ),
            new_x="LMARGIN",
            new_y="NEXT",
        )
    pdf.ln(3)


def _row(r: Report, number: int, step) -> list[str]:
    zone = r.user.timezone
    if step.area is None:
        deficit = KIND_LABELS["own"]
    else:
        item = f" / п. {step.item_code}" if step.item_code else ""
        deficit = f"{area_title(step.area)}{item}\n({KIND_LABELS.get(step.deficit_kind, step.deficit_kind)})"
    activity, event = r.activities.get(step.activity_id), r.events.get(step.event_id)
    content = step.title + (f"\n({activity.format})" if activity else "")
    if event is not None:
        resource = f"Мероприятие: {event.title}, {fmt(event.starts_at, zone)}"
        resource += "".join(f"\n{x}" for x in (event.place, event.online_url) if x)
    elif activity is not None:
        resource = activity.url or "Каталог мероприятий бота"
    else:
        resource = "—"
    if step.status == StepStatus.done:
        mark = f"выполнено {local(step.done_at, zone):%d.%m.%Y}" if step.done_at else "выполнено"
        mark += ", файл приложен" if step.evidence_file_id else ""
    else:
        mark = "запланировано"
    hours = f"\n{step.hours} ч" if step.hours else ""
    return [
        str(number),
        deficit,
        step.task,
        content,
        FORM_LABELS.get(step.form, step.form),
        resource,
        f"до {step.deadline:%d.%m.%Y}{hours}",
        step.expected_result,
        step.report_form,
        "",
        mark,
    ]


def _plan(pdf: FPDF, r: Report) -> None:
    from fpdf import FontFace
    from fpdf.enums import TableCellFillMode

    pdf.set_font(FAMILY, "B", 10)
    pdf.cell(0, 7, "План", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, size=HEADER_FONT_SIZE)
    with pdf.table(
        col_widths=WIDTHS,
        text_align="LEFT",
        line_height=3.6,
        v_align="TOP",
        headings_style=FontFace(emphasis="BOLD", fill_color=(225, 225, 225)),
        cell_fill_mode=TableCellFillMode.NONE,
        repeat_headings=1,
    ) as table:
        table.row(list(HEADERS))
        for number, step in enumerate(r.steps, start=1):
            table.row([clean(value) for value in _row(r, number, step)])
    pdf.ln(4)


def _final(pdf: FPDF, r: Report) -> None:
    pdf.set_font(FAMILY, "B", 10)
    pdf.cell(0, 7, "Итоги", new_x="LMARGIN", new_y="NEXT")
    if r.attempt is not None and r.attempt.completed_at is not None:
        days = r.questionnaire.retake_interval_days if r.questionnaire else 180
        since = local(r.attempt.completed_at + timedelta(days=days), r.user.timezone).date()
        _line(
            pdf, "Повторная диагностика:", f"рекомендуется не ранее {since:%d.%m.%Y}. Дата {'_' * 14}, динамика {BLANK}"
        )
    else:
        _line(pdf, "Повторная диагностика:", f"дата {'_' * 14}, динамика {BLANK}")
    reflections = [s for s in r.steps if s.reflection]
    _line(pdf, "Рефлексия педагога:", "" if reflections else BLANK * 2)
    pdf.set_font(FAMILY, size=8.5)
    for step in reflections:
        text = step.reflection if len(step.reflection) <= 600 else step.reflection[:600].rstrip() + "…"
        pdf.multi_cell(0, 4.5, clean(f"• {step.title}: {text}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    _line(pdf, "Отзыв наставника или методиста:", BLANK * 2)
    approved = (
        f" (согласовано в боте {local(r.route.approved_at, r.user.timezone):%d.%m.%Y})" if r.route.approved_at else ""
    )
    _line(pdf, "Согласование с руководителем:", f"{'_' * 30} (подпись)  {'_' * 14} (дата){approved}")


def iom(report: Report, now: datetime) -> bytes:
    pdf = doc_class()(orientation="L", unit="mm", format="A4")
    regular, bold = font_files()
    pdf.add_font(FAMILY, "", regular)
    pdf.add_font(FAMILY, "B", bold)
    pdf.set_margins(10, 10, 10)
    pdf.set_auto_page_break(True, margin=14)
    pdf.set_title("Индивидуальный образовательный маршрут")
    pdf.set_author(clean(report.user.full_name or ""))
    pdf.set_lang("ru")
    pdf.add_page()
    _header(pdf, report)
    _plan(pdf, report)
    _final(pdf, report)
    pdf.set_font(FAMILY, size=7)
    pdf.cell(
        0,
        5,
        f"Сформировано {fmt(now, report.user.timezone)} в боте сопровождения профессионального роста",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return bytes(pdf.output())
