"""The communities block of /stats (issue 14): communities of the scope by kind with their members,
and the share of the scope's teachers in at least one community."""

from bot.services.communities.totals import CommunityStats
from bot.services.shared.labels import plural


def stats_lines(c: CommunityStats | None) -> list[str]:
    if c is None:
        return []
    share = f"{c.members} из {c.teachers}" + (f" ({c.percent:.0f}%)".replace(".", ",") if c.percent is not None else "")
    lines = [f"<b>Профессиональные сообщества</b>: педагогов хотя бы в одном — {share}."]
    for kind in c.kinds:
        word = plural(kind.members, "участник", "участника", "участников")
        held = f"; встреч проведено — {kind.meetings}" if kind.meetings else ""
        lines.append(f"• {kind.title}: {kind.communities}, в них {kind.members} {word}{held}")
    if not c.kinds:
        lines.append("• в зоне пока нет сообществ")
    return lines
