"""The fpdf2 document the PDFs are drawn on: the DejaVu Sans font family with its files, a page
footer «Стр. n/N», and `clean`, which keeps only text the font can draw.

Cyrillic comes from DejaVu Sans, which matplotlib bundles, so a fresh machine renders it; glyphs
the font lacks (emoji someone typed) are dropped rather than drawn as boxes.

fpdf2 (~25 MB resident with PIL and fontTools) is imported on the first PDF, not with this
module: handlers import it at startup and most processes never render a route."""

from __future__ import annotations

import unicodedata
from functools import cache
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fpdf import FPDF

FAMILY = "DejaVu"


@cache
def font_files() -> tuple[Path, Path]:
    # matplotlib's bundled fonts, found without importing matplotlib (and numpy) just for a path
    folder = Path(find_spec("matplotlib").submodule_search_locations[0]) / "mpl-data" / "fonts" / "ttf"
    return folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"


@cache
def _glyphs() -> frozenset[int]:
    from fontTools.ttLib import TTFont

    return frozenset(TTFont(font_files()[0]).getBestCmap())


def clean(text: object) -> str:
    """Printable text the font can draw: control characters and missing glyphs are dropped."""
    glyphs = _glyphs()
    return "".join(
        ch for ch in str(text or "") if ch in "\n" or (unicodedata.category(ch)[0] != "C" and ord(ch) in glyphs)
    )


@cache
def doc_class() -> type[FPDF]:
    from fpdf import FPDF

    class _Doc(FPDF):
        def footer(self) -> None:
            self.set_y(-10)
            self.set_font(FAMILY, size=7)
            self.cell(0, 5, f"Стр. {self.page_no()}/{{nb}}", align="R")

    return _Doc
