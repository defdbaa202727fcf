"""Lesson-review requests on screen: what the teacher reads after asking, and the methodist's list of
open requests of their scope, one request's card and its keyboard."""

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup

from bot.services.objective_check.review_queue import Card
from bot.services.objective_check.review_requests import Asked, areas_text
from bot.services.shared import labels
from bot.services.shared.paging import Page
from bot.services.shared.timefmt import fmt
from handlers.objective_check.ui import zone
from handlers.shared.callbacks import Int64
from handlers.shared.keyboard_builder import KeyboardBuilder
from handlers.shared.texts import esc
from models import LessonReviewRequest, ReviewRequestStatus

NEXT = (
    "Что дальше: с вами свяжутся, чтобы договориться о посещении урока и разобрать его вместе. Когда "
    "разбор состоится, методист отметит запрос, и бот вам напишет. ИОМ пока строится как прежде: где "
    "проверка расходится с самооценкой — по результату проверки."
)
EMPTY = "Открытых запросов на разбор урока в вашей зоне нет."


class ReviewReqCb(CallbackData, prefix="lrr"):
    action: str  # list | open | done
    request_id: Int64 = 0
    page: Int64 = 0


def asked(result: Asked, reader_zone: str) -> str:
    request = result.request
    about = esc(areas_text(request.areas))
    if not result.created:
        return (
            f"Запрос на разбор урока уже отправлен {fmt(request.created_at, reader_zone)} (области: {about}); "
            "второй не нужен. С вами свяжутся; когда разбор состоится, методист отметит запрос."
        )
    told = []
    if result.mentors:
        told.append(f"ваш наставник ({esc(', '.join(result.mentors))})")
    if result.methodists:
        told.append("методист вашей организации или территории")
    sent = (
        f"Его получили {' и '.join(told)}."
        if told
        else "Методиста для вашей организации в боте пока нет: запрос сохранён, его увидит назначенный методист."
    )
    return f"🧑‍🏫 Запрос на разбор урока отправлен (области: {about}).\n{sent}\n\n{NEXT}"


def open_line(request: LessonReviewRequest | None, reader_zone: str) -> str | None:
    """In the /check list: the request still waiting."""
    if request is None:
        return None
    return f"\n🧑‍🏫 Запрос на разбор урока отправлен {fmt(request.created_at, reader_zone)}: ждёт методиста."


def listing(page: Page, reader_zone: str, notice: str = "") -> str:
    lines = [notice, ""] if notice else []
    lines.append(f"<b>Запросы на разбор урока</b>: {page.total}")
    lines.append("Педагоги просят разбор урока вместо объективной проверки самооценки (сначала давние).")
    if not page.total:
        lines.append(EMPTY)
    for request, teacher in page.items:
        lines.append(
            f"• {esc(teacher.full_name or '—')}: {esc(areas_text(request.areas))}, "
            f"{fmt(request.created_at, reader_zone)}"
        )
    return "\n".join(lines)


def listing_kb(page: Page) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    for request, teacher in page.items:
        kb.button(
            text=f"{teacher.full_name or '—'}"[:50], callback_data=ReviewReqCb(action="open", request_id=request.id)
        )
    nav = kb.page_nav(page.page, page.pages, lambda p: ReviewReqCb(action="list", page=p))
    return kb.adjust(*([1] * len(page.items)), *([nav] if nav else [])).as_markup()


def card(c: Card, reader_zone: str) -> str:
    request = c.request
    lines = [
        "<b>Запрос на разбор урока</b>",
        f"Педагог: {esc(c.teacher.full_name or '—')}, {esc(c.organization)}",
        f"Отправлен: {fmt(request.created_at, reader_zone)}",
    ]
    if request.status == ReviewRequestStatus.handled and request.handled_at is not None:
        lines.append(f"✅ Отмечен выполненным {fmt(request.handled_at, reader_zone)}")
    lines.append("\n<b>Самооценка и проверка</b>")
    for area in request.areas or sorted(c.checks, key=int):
        check = c.checks.get(area)
        checked = f"{zone(check.zone)} ({check.correct} из {len(check.tasks)} верно)" if check else "не проходил(а)"
        lines.append(
            f"{esc(labels.area_label(area))}\n  самооценка: {zone(c.self_zones.get(area))}\n  проверка: {checked}"
        )
    if not request.areas and not c.checks:
        lines.append("Область не указана, проверок нет: уточните у педагога, какой урок разобрать.")
    lines.append("\nДоговоритесь с педагогом (или его наставником) о посещении урока; после разбора отметьте запрос.")
    return "\n".join(lines)


def card_kb(request: LessonReviewRequest) -> InlineKeyboardMarkup:
    kb = KeyboardBuilder()
    if request.status == ReviewRequestStatus.open:
        kb.button(text="✅ Разбор проведён", callback_data=ReviewReqCb(action="done", request_id=request.id))
    kb.button(text="◀ К запросам", callback_data=ReviewReqCb(action="list"))
    return kb.adjust(1).as_markup()
