"""The agreement between self-assessment and objective check in /stats and in the /report workbook
(issue 16): per area «совпало N из M» and the share of disagreements."""

from bot.render.report_xlsx import Percent
from bot.services.objective_check.agreement import Agreement
from bot.services.shared.labels import AREA_TITLES, area_label
from handlers.monitoring.ui import percent
from handlers.shared.texts import esc

TEACHER_AREAS = [code for code in AREA_TITLES if code.isdigit()]


def text(a: Agreement) -> str:
    lines = ["", "<b>Самооценка и объективная проверка</b>"]
    if not a.agreed.den:
        lines.append("За период нет проверок самооценки, которые можно сравнить с самодиагностикой.")
        return "\n".join(lines)
    lines.append("<i>Последняя проверка педагога по области за период, где есть самооценка.</i>")
    for area in sorted(a.by_area, key=int):
        agreed, total = a.by_area[area]
        lines.append(
            f"• {esc(area_label(area))}: совпало {agreed} из {total}, расхождений {percent(a.disagreed(area))}"
        )
    lines.append(
        f"Всего: совпало {a.agreed.num} из {a.agreed.den}, расхождений {percent(a.disagreed())}. Где расходятся "
        "на зону и больше, ИОМ строится по результату проверки."
    )
    return "\n".join(lines)


def _share(a: Agreement, area: str | None) -> Percent | None:
    ratio = a.disagreed(area)
    return Percent(ratio.num / ratio.den) if ratio.den else None


def sheet(a: Agreement) -> tuple[str, tuple[str, ...], list[tuple]]:
    """One row per teacher area, then the total."""
    rows: list[tuple] = []
    for area in TEACHER_AREAS:
        agreed, total = a.by_area.get(area, (0, 0))
        rows.append((area_label(area), total, agreed, total - agreed, _share(a, area)))
    rows.append(("Всего", a.agreed.den, a.agreed.num, a.agreed.den - a.agreed.num, _share(a, None)))
    headers = ("Область", "Сравнений (педагог × область)", "Совпало", "Разошлось", "Доля расхождений")
    return "Самооценка и проверка", headers, rows
