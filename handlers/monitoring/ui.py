"""The methodist's /stats and /report screens: callback data, dialog state, Russian texts, keyboards."""

from datetime import date

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import InlineKeyboardMarkup

from bot.services.monitoring.indicators import Period, Ratio, Stats, academic_year, last_days
from bot.services.shared.paging import Page, window
from handlers.communities.stats_ui import stats_lines as community_stats_lines
from handlers.shared.callbacks import Int64
from handlers.shared.keyboard_builder import KeyboardBuilder
from handlers.shared.texts import esc, plural
from models import Organization, OrgKind

BREAKDOWN_PAGE = 25
NAME_CHARS = 80  # a page of the breakdown stays well under Telegram's 4096 characters
TOP_DEFICITS = 6


class StatsCb(CallbackData, prefix="st"):
    action: str  # org | per | show | brk | png | xls
    org_id: Int64 = 0
    start: Int64 = 0  # the period as YYYYMMDD; re-checked on the server like every other field
    end: Int64 = 0
    ind: Int64 = 0  # index into the indicators (breakdown)
    page: Int64 = 0
    mode: str = "s"  # s: show the indicators once a period is chosen; r: send the workbook


class StatsFlow(StatesGroup):
    period = State()  # data: org_id, mode — a typed period answers this


WHAT = {"s": "считать показатели", "r": "собрать отчёт (XLSX)"}
NO_CHART_DATA = "За этот период нет данных для графиков: диагностик и педагогов в зоне нет."
CHARTS_FAILED = "Не удалось отправить графики. Попробуйте ещё раз через минуту."
REPORT_FAILED = "Не удалось отправить отчёт. Попробуйте ещё раз через минуту."


def percent(ratio: Ratio | None) -> str:
    if ratio is None or ratio.percent is None:
        return "—"
    return f"{ratio.percent:.1f}".replace(".", ",").removesuffix(",0") + "%"


def fraction(ratio: Ratio) -> str:
    return f"{ratio.num} из {ratio.den} ({percent(ratio)})"


def scope_prompt(parent: Organization | None, mode: str) -> str:
    where = f"<b>{esc(parent.name)}</b>\n" if parent else ""
    return f"{where}Выберите регион, муниципалитет или организацию, чтобы {WHAT[mode]}:"


def period_prompt(org: Organization, mode: str, example: Period) -> str:
    return (
        f"<b>{esc(org.name)}</b>\nЗа какой период {WHAT[mode]}? Выберите кнопкой или введите даты, например "
        f"<code>{example.label}</code>."
    )


def stats_text(s: Stats) -> str:
    lines = [
        f"📈 <b>Показатели: {esc(s.scope.name)}</b>",
        f"Период: {s.period.label}. Педагогов в зоне: {s.teachers}.",
        "<i>Педагоги — зарегистрированные в боте к концу периода, без удаливших данные.</i>",
        "",
    ]
    for item in s.indicators:
        spec = item.spec
        if item.total is None:
            lines.append(f"<b>{spec.code}. {spec.title}</b> — нет данных в боте: {spec.reason}.")
            continue
        lines.append(f"<b>{spec.code}. {spec.title}</b> — {fraction(item.total)}")
        lines.append(f"   <i>{spec.numerator} / {spec.denominator}</i>")
    lines += ["", "<b>Частые дефициты</b> (педагогов с выраженным или частичным, по последней диагностике):"]
    lines += [
        f"• {esc(d.title)}: {d.total} (выраженный {d.severe}, частичный {d.partial})" for d in s.deficits[:TOP_DEFICITS]
    ] or ["• пока нет данных"]
    young, mentored, supported = s.indicator("8").total, s.indicator("8").total.num, s.indicator("7").total.num
    lines.append(
        f"\n<b>Молодые специалисты</b>: {young.den}; с наставником — {mentored} ({percent(young)}), "
        f"в любой форме поддержки — {supported} ({percent(s.indicator('7').total)})."
    )
    e = s.events
    attendance = fraction(Ratio(e.closed_attended, e.closed_registered)) if e.closed_registered else "—"
    rating = (
        f"{e.avg_rating:.1f}".replace(".", ",") + f" ({e.ratings} {plural(e.ratings, 'оценка', 'оценки', 'оценок')})"
        if e.avg_rating is not None
        else "—"
    )
    lines.append(
        f"<b>Мероприятия за период</b>: {e.events}; записей — {e.registrations}; посещаемость "
        f"завершённых — {attendance}; средняя оценка — {rating}."
    )
    lines += community_stats_lines(s.communities)  # issue 14
    return "\n".join(lines)


def breakdown_text(s: Stats, index: int, page: int) -> str:
    item = s.indicators[index]
    groups = window(len(s.groups), page, BREAKDOWN_PAGE).slice(s.groups)
    lines = [
        f"<b>{item.spec.code}. {item.spec.title}</b> — {esc(s.scope.name)}, {s.period.label}",
        f"<i>{item.spec.numerator} / {item.spec.denominator}</i>",
        "",
    ]
    for group in groups:
        ratio = item.by_group.get(group.org_id, Ratio(0, 0))
        name = group.name if len(group.name) <= NAME_CHARS else group.name[: NAME_CHARS - 1] + "…"
        lines.append(f"• {esc(name)}: {ratio.num} из {ratio.den} ({percent(ratio)})")
    if item.total is not None:
        lines.append(f"\n<b>Всего</b>: {fraction(item.total)}")
    return "\n".join(lines)


def breakdown_page(s: Stats, page: int) -> int:
    """The page to show: a forged number beyond the end shows the last one."""
    return window(len(s.groups), page, BREAKDOWN_PAGE).page


# --- keyboards ------------------------------------------------------------------------------


def scope_kb(page: Page, parent: Organization | None, mode: str, up: int | None) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    sizes: list[int] = []
    if parent is not None:
        kb.button(
            text=f"✅ {parent.name[:50]} — целиком", callback_data=StatsCb(action="per", org_id=parent.id, mode=mode)
        )
        sizes.append(1)
    for org in page.items:
        opens = org.kind in (OrgKind.region, OrgKind.municipality)
        kb.button(
            text=org.name[:60] + (" ›" if opens else ""),
            callback_data=StatsCb(action="org" if opens else "per", org_id=org.id, mode=mode),
        )
        sizes.append(1)
    here = parent.id if parent is not None else 0
    nav = kb.page_nav(
        page.page, page.pages, lambda p: StatsCb(action="org", org_id=here, page=p, mode=mode), counter=False
    )
    sizes += [nav] if nav else []
    if up is not None:
        kb.button(text="↑ Назад", callback_data=StatsCb(action="org", org_id=up, mode=mode))
        sizes.append(1)
    return kb.adjust(*sizes).as_markup()


def period_kb(org_id: int, today: date, mode: str, can_change_scope: bool) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    action = "show" if mode == "s" else "xls"
    for label, period in (
        ("Текущий учебный год", academic_year(today)),
        ("Прошлый учебный год", academic_year(today, 1)),
        ("Последние 30 дней", last_days(today)),
    ):
        start, end = period.key
        kb.button(
            text=f"{label} ({period.label})",
            callback_data=StatsCb(action=action, org_id=org_id, start=start, end=end, mode=mode),
        )
    if can_change_scope:
        kb.button(text="Другая организация", callback_data=StatsCb(action="org", mode=mode))
    return kb.adjust(1).as_markup()


def stats_kb(s: Stats, can_change_scope: bool) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    start, end = s.period.key
    base = dict(org_id=s.scope.id, start=start, end=end)
    if s.groups:
        kb.button(text="Разбивка по организациям", callback_data=StatsCb(action="brk", **base))
    kb.button(text="📊 Графики", callback_data=StatsCb(action="png", **base))
    kb.button(text="📥 Отчёт XLSX", callback_data=StatsCb(action="xls", **base))
    kb.button(text="Другой период", callback_data=StatsCb(action="per", org_id=s.scope.id))
    if can_change_scope:
        kb.button(text="Другая организация", callback_data=StatsCb(action="org"))
    return kb.adjust(1, 2, 2).as_markup()


def breakdown_kb(s: Stats, index: int, page: int) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    start, end = s.period.key
    base = dict(org_id=s.scope.id, start=start, end=end)
    with_data = [n for n, item in enumerate(s.indicators) if item.total is not None]
    for n in with_data:
        code = s.indicators[n].spec.code
        kb.button(text=f"• {code}" if n == index else code, callback_data=StatsCb(action="brk", ind=n, **base))
    at = window(len(s.groups), page, BREAKDOWN_PAGE)
    nav = kb.page_nav(at.page, at.pages, lambda p: StatsCb(action="brk", ind=index, page=p, **base), counter=False)
    kb.button(text="« К показателям", callback_data=StatsCb(action="show", **base))
    rows = [6] * (len(with_data) // 6) + ([len(with_data) % 6] if len(with_data) % 6 else [])
    return kb.adjust(*rows, *([nav] if nav else []), 1).as_markup()
