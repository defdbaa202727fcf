"""The self-diagnosis screens: callback data, Russian texts, keyboards and the chart's inputs."""

from datetime import datetime

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.render.chart import Band
from bot.services.content import Questionnaire
from bot.services.diagnosis import Option, Result, Step, is_mentor_candidate
from bot.services.shared import labels
from bot.services.shared.timefmt import local
from handlers.objective_check import embeds as check_embeds
from handlers.practices import embeds as practices_embeds
from handlers.route.ui import ResultsRouteCb  # the route feature checks the attempt again on its side
from handlers.shared.callbacks import Int64
from handlers.shared.compact import progress_bar
from handlers.shared.keyboard_builder import KeyboardBuilder
from handlers.shared.texts import esc, plural


class AnswerCb(CallbackData, prefix="dg"):
    """A question button: the server re-checks the attempt's owner, status, message and index."""

    action: str  # a: answer | b: back | p: pause
    attempt_id: Int64
    index: Int64
    value: Int64 = 0


class MenuCb(CallbackData, prefix="dgm"):
    action: str  # start | resume | restart | show
    variant: str = ""
    attempt_id: Int64 = 0


ZONE_MARKS = {"severe": "🔴", "partial": "🟠", "norm": "🟢", "resource": "🔵"}
MOVED = "Анкета продолжается в новом сообщении ниже ⬇️"
DONE = "✅ Все ответы сохранены, спасибо! Результат — ниже."
MAX_POINT_LINES = 12
ANSWER_WITH_BUTTONS = (
    "Сейчас идёт самодиагностика: отвечайте кнопками под вопросом (0–3). Повторяю вопрос ниже; "
    "«Пауза» — продолжить позже."
)


def area_label(q: Questionnaire, code: str) -> str:
    """The area as titled by the questionnaire version the person answered."""
    return labels.area_label(code, esc(q.area(code).title))


def _day(moment: datetime, zone: str) -> str:
    return f"{local(moment, zone):%d.%m.%Y}"


def _scale(q: Questionnaire) -> str:
    return "\n".join(f"<b>{value}</b> — {esc(text)}" for value, text in q.scale)


def _about(q: Questionnaire) -> str:
    return (
        f"<b>{esc(q.title)}</b>: {q.total} {plural(q.total, 'утверждение', 'утверждения', 'утверждений')}, "
        f"около {q.minutes} {plural(q.minutes, 'минуты', 'минут', 'минут')}"
    )


def intro(options: list[Option], zone: str) -> str:
    lines = ["<b>Самодиагностика профессиональных дефицитов</b>\n"]
    lines += [f"• {_about(o.questionnaire)}" for o in options]
    lines.append("\nОцените, насколько каждое утверждение про вас, по шкале:\n" + _scale(options[0].questionnaire))
    lines.append(
        "\nКаждый ответ сохраняется сразу: можно нажать «Пауза» или просто закрыть чат и продолжить "
        "позже командой /diagnostics. В конце — профиль по областям, дефициты и кнопка «Построить ИОМ»."
    )
    for o in options:
        if o.next_allowed is not None and o.last is not None and o.last.completed_at is not None:
            lines.append(
                f"\n{esc(o.questionnaire.title)}: последняя диагностика {_day(o.last.completed_at, zone)}, "
                f"повторно пройти можно с {_day(o.next_allowed, zone)}."
            )
    if len(options) > 1:
        lines.append("\nВам как руководителю доступны обе анкеты. Выберите, с какой начать.")
    return "\n".join(lines)


def intro_kb(options: list[Option]) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    for o in options:
        title = o.questionnaire.title
        if o.next_allowed is None:
            kb.button(
                text=f"▶ {title}" if len(options) > 1 else "▶ Начать",
                callback_data=MenuCb(action="start", variant=o.questionnaire.variant),
            )
        elif o.last is not None:
            kb.button(
                text=f"Последний результат: {title}" if len(options) > 1 else "Последний результат",
                callback_data=MenuCb(action="show", attempt_id=o.last.id),
            )
    return kb.adjust(1).as_markup()


def unfinished(step: Step) -> str:
    q = step.questionnaire
    return (
        f"У вас есть незавершённая самодиагностика ({esc(q.title)}): вы остановились на вопросе "
        f"{step.index + 1} из {q.total}. Ответы сохранены."
    )


def unfinished_kb(step: Step) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    kb.button(text="▶ Продолжить", callback_data=MenuCb(action="resume", attempt_id=step.attempt.id))
    kb.button(text="Начать заново", callback_data=MenuCb(action="restart", attempt_id=step.attempt.id))
    return kb.adjust(1).as_markup()


def answered(done: int, total: int) -> str:
    percent = round(100 * done / total) if total else 0
    return f"{progress_bar(100 * done / total if total else 0)} {percent}%"


def question(step: Step) -> str:
    q = step.questionnaire
    item = q.items[step.index]
    text = (
        f"<b>{esc(q.title)}</b>\nВопрос {step.index + 1} из {q.total}  {answered(step.index, q.total)}\n"
        f"<i>Область {area_label(q, item.area)}</i>\n\n<b>{labels.area_code(item.code)}.</b> {esc(item.text)}\n\n"
        f"{_scale(q)}"
    )
    if step.value is not None:
        text += f"\n\nВаш ответ: <b>{step.value}</b>. Нажмите его снова или выберите другой."
    return text


def question_kb(step: Step) -> InlineKeyboardMarkup:
    attempt_id, index = step.attempt.id, step.index
    kb = KeyboardBuilder()
    for value, _ in step.questionnaire.scale:
        kb.button(
            text=f"✅ {value}" if value == step.value else str(value),
            callback_data=AnswerCb(action="a", attempt_id=attempt_id, index=index, value=value),
        )
    controls = [("b", "◀ Назад")] if index > 0 else []
    controls.append(("p", "⏸ Пауза"))
    for action, label in controls:
        kb.button(text=label, callback_data=AnswerCb(action=action, attempt_id=attempt_id, index=index))
    return kb.adjust(len(step.questionnaire.scale), len(controls)).as_markup()


def paused(step: Step) -> str:
    return (
        f"⏸ Пауза. Вы остановились на вопросе {step.index + 1} из {step.questionnaire.total}, "
        "все ответы сохранены. Продолжить можно в любой момент: кнопкой ниже или командой /diagnostics."
    )


def paused_kb(step: Step) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    kb.button(text="▶ Продолжить", callback_data=MenuCb(action="resume", attempt_id=step.attempt.id))
    return kb.as_markup()


def _area_line(res: Result, r) -> str:
    q = res.questionnaire
    line = (
        f"{ZONE_MARKS.get(r.zone, '•')} {area_label(q, r.area)} — <b>{r.score}</b> из {r.max_score}: "
        f"{esc(q.scoring.zone_title(r.zone))}"
    )
    change = res.changes.get(r.area)
    if change is not None:
        line += f" (было {change.previous_score}, {change.delta:+d})"
        if change.overcome:
            line += " ✅ дефицит преодолён"
    if is_mentor_candidate(q.scoring, r):
        line += " ⭐"
    return line


def result_text(res: Result, zone: str) -> str:
    q = res.questionnaire
    lines = [f"<b>Результаты самодиагностики</b>\n{esc(q.title)}, {_day(res.attempt.completed_at, zone)}\n"]
    lines += [_area_line(res, r) for r in res.areas]
    items = {item.code: item for item in q.items}
    points = [code for r in res.areas for code in r.point_deficits if code in items]
    if points:
        lines.append(
            f"\n<b>Точечные дефициты</b> (ответ «{q.scoring.point_deficit_value}»): войдут в ИОМ, "
            "даже если по области в целом дефицита нет."
        )
        for code in points[:MAX_POINT_LINES]:
            text = items[code].text
            lines.append(f"• {labels.area_code(code)} {esc(text if len(text) <= 90 else text[:88].rstrip() + '…')}")
        if len(points) > MAX_POINT_LINES:
            lines.append(f"…и ещё {len(points) - MAX_POINT_LINES}")
    if res.previous is not None and res.previous.completed_at is not None:
        overcome = ", ".join(area_label(q, a) for a in res.overcome)
        lines.append(
            f"\n<b>Динамика</b> — по сравнению с диагностикой от {_day(res.previous.completed_at, zone)}. "
            + (f"Преодолены дефициты: {overcome}." if overcome else "Преодолённых дефицитов пока нет.")
            + " Дефицит считается преодолённым, если область поднялась хотя бы на одну зону "
            f"или прибавила не меньше {q.scoring.overcome_points} баллов."
        )
    offer = check_embeds.offer_line(res.areas)  # teacher areas: the objective check is offered
    if offer:
        lines.append(offer)
    elif any(r.zone == "severe" for r in res.areas):
        lines.append(
            "\n⚠️ При выраженном дефиците стоит сверить самооценку: пройти объективную диагностику "
            "в ЦНППМ (тест или кейс) или разобрать урок с методистом или наставником."
        )
    mentors = [area_label(q, r.area) for r in res.areas if is_mentor_candidate(q.scoring, r)]
    if mentors:
        role = "ментором для руководителей" if q.variant == "leader" else "наставником для коллег"
        lines.append(f"\n⭐ Вы можете стать {role} по областям: {', '.join(mentors)}.")
    lines += filter(None, [practices_embeds.invite_line(res.areas)])  # the resource zone is invited to share
    when = (
        "Повторную диагностику можно пройти в любое время — /diagnostics"
        if res.next_allowed is None
        else f"Повторная диагностика — не раньше {_day(res.next_allowed, zone)}"
    )
    lines.append(f"\n{when}; история попыток сохраняется.")
    lines.append("Нажмите «Построить ИОМ», чтобы получить образовательный маршрут по этим результатам.")
    return "\n".join(lines)  # bounded: at most MAX_POINT_LINES item texts, each cut to 90 characters


def result_kb(res: Result) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text="🧭 Построить ИОМ", callback_data=ResultsRouteCb(attempt_id=res.attempt.id).pack()
                )
            ],
            *filter(None, [practices_embeds.invite_button(res.areas)]),
            *filter(None, [check_embeds.offer_button(res.areas)]),
        ]
    )


def chart_caption(res: Result, zone: str) -> str:
    caption = f"Профиль компетенций: {esc(res.questionnaire.title.lower())}."
    if res.previous_areas and res.previous is not None and res.previous.completed_at is not None:
        caption += f" Пунктир — диагностика от {_day(res.previous.completed_at, zone)}."
    return caption


def chart_input(res: Result, zone: str) -> dict:
    """Keyword arguments for bot.render.chart.radar."""
    q = res.questionnaire
    before = {r.area: r.score for r in res.previous_areas}
    previous = [before[r.area] for r in res.areas] if before and all(r.area in before for r in res.areas) else None
    return {
        "labels": [labels.area_label(r.area, q.area(r.area).title) for r in res.areas],
        "values": [r.score for r in res.areas],
        "max_value": max(r.max_score for r in res.areas),
        "previous": previous,
        "title": f"Профиль компетенций · {q.title}",
        "bands": [Band(z.code, z.title, z.min, z.max) for z in q.scoring.zones],
        "current_label": f"Сейчас ({_day(res.attempt.completed_at, zone)})",
        "previous_label": (
            f"Прошлая ({_day(res.previous.completed_at, zone)})"
            if res.previous is not None and res.previous.completed_at
            else "Прошлая"
        ),
    }
