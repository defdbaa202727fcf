"""Short forms of longer things for a chat screen: a progress bar and a label cut at a word."""

from textwrap import shorten

BAR_WIDTH = 10


def progress_bar(percent: float, width: int = BAR_WIDTH) -> str:
    """«▰▱▱▱▱▱▱▱▱▱» for 9%: any progress shows at least one mark, anything short of done leaves one
    empty, so a bar never says «nothing yet» or «finished» when that is not so."""
    percent = min(max(percent, 0), 100)
    filled = round(width * percent / 100)
    if 0 < percent < 100:
        filled = min(max(filled, 1), width - 1)
    return "▰" * filled + "▱" * (width - filled)


def cut(text: str, limit: int) -> str:
    """The text within `limit` characters, cut after a whole word with «…» (a single word longer
    than the limit is cut inside it, there being no better place)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    short = shorten(text, limit, placeholder="…")
    if short == "…":
        return text[: limit - 1] + "…"
    return short.replace(" …", "…")
