"""The competency profile as a radar chart (PNG): the current attempt filled, the previous one
dashed on the same axes, zone bands in the background. Uses the Agg canvas directly (no pyplot
global state), so it is safe to render in a worker thread; DejaVu Sans covers Cyrillic.

matplotlib (~40 MB resident with numpy and PIL) is imported on the first render, not with this
module: handlers import it at startup and most processes never draw a chart."""

import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO

ZONE_COLOURS = {"severe": "#f4cccc", "partial": "#fce5cd", "norm": "#d9ead3", "resource": "#cfe2f3"}
CURRENT, PREVIOUS = "#1f5fa8", "#888888"


@dataclass(frozen=True)
class Band:
    code: str
    title: str
    low: int  # lowest score of the zone
    high: int  # highest score of the zone


def radar(
    labels: Sequence[str],
    values: Sequence[int],
    max_value: int,
    *,
    previous: Sequence[int] | None = None,
    bands: Sequence[Band] = (),
    title: str = "",
    current_label: str = "Сейчас",
    previous_label: str = "Прошлая диагностика",
) -> bytes:
    if len(labels) != len(values) or len(labels) < 3:
        raise ValueError("a radar chart needs at least three labelled values")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    labels, title = [_plain(label) for label in labels], _plain(title)
    angles = [2 * math.pi * n / len(labels) for n in range(len(labels))]
    closed = angles + angles[:1]
    figure = Figure(figsize=(7.2, 7.2), dpi=100)
    FigureCanvasAgg(figure)
    ax = figure.add_subplot(projection="polar")
    ax.set_theta_zero_location("N")  # the first area at the top, the rest clockwise
    ax.set_theta_direction(-1)
    full_circle = [2 * math.pi * n / 120 for n in range(121)]
    for band in bands:
        inner = 0 if band.low == 0 else band.low - 0.5
        outer = max_value if band.high >= max_value else band.high + 0.5
        ax.fill_between(
            full_circle,
            inner,
            outer,
            color=ZONE_COLOURS.get(band.code, "#eeeeee"),
            zorder=0,
            label=f"{band.title} ({band.low}–{band.high})",
        )
    if previous is not None:
        ax.plot(
            closed,
            list(previous) + [previous[0]],
            color=PREVIOUS,
            linewidth=1.8,
            linestyle="--",
            marker="o",
            markersize=4,
            label=previous_label,
            zorder=2,
        )
    ax.plot(
        closed,
        list(values) + [values[0]],
        color=CURRENT,
        linewidth=2.4,
        marker="o",
        markersize=5,
        label=current_label,
        zorder=3,
    )
    ax.fill(closed, list(values) + [values[0]], color=CURRENT, alpha=0.18, zorder=3)
    for angle, value in zip(angles, values, strict=True):
        ax.annotate(
            str(value),
            (angle, value),
            textcoords="offset points",
            xytext=(0, 7 if value < max_value else -14),
            ha="center",
            fontsize=9,
            color=CURRENT,
            fontweight="bold",
            zorder=4,
            bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.8},
        )
    ax.set_xticks(angles)
    ax.set_xticklabels([textwrap.fill(label, 16) for label in labels], fontsize=9)
    ax.tick_params(axis="x", pad=14)
    ax.set_ylim(0, max_value)
    step = 3 if max_value > 9 else 1
    ax.set_yticks(range(0, max_value + 1, step))
    ax.tick_params(axis="y", labelsize=7, labelcolor="#666666")
    ax.set_rlabel_position(180 / len(labels))
    ax.grid(color="#bbbbbb", linewidth=0.6)
    if title:
        figure.suptitle(title, fontsize=13, y=0.97)
    figure.legend(loc="lower center", ncol=3, fontsize=8, frameon=False)
    figure.subplots_adjust(left=0.17, right=0.83, top=0.8, bottom=0.17)
    buffer = BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _plain(text: str) -> str:
    """Titles come from an editable content file: a "$" must not switch matplotlib to mathtext."""
    return text.replace("$", r"\$")
