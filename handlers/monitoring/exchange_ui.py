"""The exchange-of-experience part of /stats and of the /report workbook (issue 15)."""

from bot.services.monitoring.exchange import Exchange
from bot.services.shared.labels import AREA_TITLES, area_label
from handlers.monitoring.ui import fraction
from handlers.shared.texts import esc


def _by_area(counts) -> str:
    return "; ".join(f"{code} — {n}" for code, n in sorted(counts.items(), key=lambda kv: int(kv[0]))) or "—"


def text(x: Exchange) -> str:
    lines = [
        "",
        "<b>Обмен опытом</b>",
        f"Практик одобрено за период: {x.published_total} (по областям: {_by_area(x.published)}).",
        f"Применений практик коллегами: {x.applied_total} (по областям: {_by_area(x.applied)}).",
        f"Открытых уроков проведено: {x.lessons_held}; посещений — {x.visits}.",
        f"Поделились опытом (практика или открытый урок): {fraction(x.sharers)} педагогов.",
    ]
    if x.supply:
        lines.append("Предложение по частым дефицитам (педагогов с дефицитом → практик / открытых уроков):")
    for area in x.supply:
        gap = "" if area.practices or area.lessons else " ⚠️ предложения нет"
        lines.append(f"• {esc(area.title)}: {area.teachers_with_deficit} → {area.practices} / {area.lessons}{gap}")
    return "\n".join(lines)


def sheet(x: Exchange) -> tuple[str, tuple[str, ...], list[tuple]]:
    """The workbook sheet: one row per teacher area, then the share of teachers who shared."""
    rows: list[tuple] = []
    supply = {s.area: s for s in x.supply}
    for code in (c for c in AREA_TITLES if c.isdigit()):
        s = supply.get(code)
        rows.append(
            (
                area_label(code),
                x.published.get(code, 0),
                x.applied.get(code, 0),
                s.teachers_with_deficit if s else None,
                s.practices if s else None,
                s.lessons if s else None,
            )
        )
    rows.append(("Открытых уроков проведено / посещений", x.lessons_held, x.visits, None, None, None))
    rows.append(("Поделились опытом (педагогов / всего)", x.sharers.num, x.sharers.den, None, None, None))
    headers = (
        "Область",
        "Практик одобрено",
        "Применений",
        "Педагогов с дефицитом",
        "Практик в банке",
        "Открытых уроков",
    )
    return "Обмен опытом", headers, rows
