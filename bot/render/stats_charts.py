"""PNG charts for /stats, drawn with matplotlib's object API on the Agg canvas: no pyplot, so no
global figure state, and safe to run in a worker thread. DejaVu Sans (matplotlib's default) has
Cyrillic. Labels are cut to a readable length; a "$" would start mathtext, so it is escaped.

matplotlib is imported on the first chart, not with this module (see bot.render.chart)."""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO
from typing import TYPE_CHECKING

from bot.services.monitoring.indicators import AreaDeficit, Ratio

if TYPE_CHECKING:
    from matplotlib.figure import Figure

MAX_BARS, LABEL_CHARS = 40, 45
SEVERE, PARTIAL, COVERAGE = "#d9534f", "#f0ad4e", "#4a7fb5"


def _label(text: str) -> str:
    text = text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"
    return text.replace("$", r"\$")


def _figure(bars: int) -> tuple[Figure, object]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(9, 1.6 + 0.42 * bars), dpi=110)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    axes.spines[["top", "right"]].set_visible(False)
    return figure, axes


def _png(figure: Figure) -> bytes:
    figure.tight_layout()
    buffer = BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def deficits(rows: Sequence[AreaDeficit], title: str) -> bytes | None:
    """Stacked horizontal bars: teachers with a severe and a partial deficit per area."""
    rows = [row for row in rows if row.total][:MAX_BARS]
    if not rows:
        return None
    figure, axes = _figure(len(rows))
    positions = range(len(rows))
    severe = [row.severe for row in rows]
    axes.barh(positions, severe, color=SEVERE, label="выраженный дефицит")
    axes.barh(positions, [row.partial for row in rows], left=severe, color=PARTIAL, label="частичный дефицит")
    for y, row in enumerate(rows):
        axes.text(row.total, y, f" {row.total}", va="center", fontsize=9)
    axes.set_yticks(list(positions), [_label(row.title) for row in rows])
    axes.invert_yaxis()
    from matplotlib.ticker import MaxNLocator

    axes.xaxis.set_major_locator(MaxNLocator(integer=True))  # people, not fractions of them
    axes.set_xlabel("педагогов")
    axes.set_title(title.replace("$", r"\$"), fontsize=11)
    axes.legend(loc="lower right", fontsize=9)
    return _png(figure)


def coverage(rows: Sequence[tuple[str, Ratio]], title: str) -> bytes | None:
    """Horizontal bars: share of teachers diagnosed in the period, per organization."""
    rows = sorted([(name, r) for name, r in rows if r.den], key=lambda item: (-item[1].percent, item[0]))
    if not rows:
        return None
    hidden = len(rows) - MAX_BARS
    rows = rows[:MAX_BARS]
    figure, axes = _figure(len(rows))
    positions = range(len(rows))
    axes.barh(positions, [r.percent for _, r in rows], color=COVERAGE)
    for y, (_, r) in enumerate(rows):
        axes.text(min(r.percent, 100), y, f" {r.percent:.0f}% ({r.num}/{r.den})", va="center", fontsize=9)
    axes.set_yticks(list(positions), [_label(name) for name, _ in rows])
    axes.invert_yaxis()
    axes.set_xlim(0, 118)
    axes.set_xlabel("% педагогов, прошедших диагностику")
    more = f" (показаны {MAX_BARS} лучших, ещё {hidden} — в отчёте)" if hidden > 0 else ""
    axes.set_title(title.replace("$", r"\$") + more, fontsize=11)
    return _png(figure)
