"""/lessons_review: open lessons waiting for approval where the school requires it, for the
school's methodist, head or deputy head; and the switch of that requirement for one's own school."""

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.lessons import approval
from bot.services.shared.roles import Identity
from bot.services.shared.timefmt import fmt
from handlers.lessons.ui import LessonCb
from handlers.shared import ui
from handlers.shared.access import GatedRouter, Registered
from handlers.shared.keyboard_builder import KeyboardBuilder
from handlers.shared.texts import esc
from models import OpenLesson, Organization


def _screen(lessons: list[OpenLesson], school: Organization | None, zone: str) -> tuple[str, InlineKeyboardMarkup]:
    lines = ["🏫 <b>Открытые уроки на согласовании</b>\n"]
    lines += [
        f"{n}. {esc(lesson.topic)} — {esc(lesson.subject)}, {esc(lesson.class_name)}; {fmt(lesson.starts_at, zone)}"
        for n, lesson in enumerate(lessons, 1)
    ] or ["Уроков, ждущих вашего согласования, нет."]
    kb = KeyboardBuilder()
    for n, lesson in enumerate(lessons, 1):
        kb.button(text=f"✅ {n}. Согласовать", callback_data=LessonCb(action="approve", lesson_id=lesson.id))
        kb.button(text="✖ Отклонить", callback_data=LessonCb(action="decline", lesson_id=lesson.id))
    if school is not None:
        state = "включено" if school.lesson_approval_required else "выключено"
        lines.append(f"\nСогласование открытых уроков в «{esc(school.name)}»: {state}.")
        label = "Выключить согласование" if school.lesson_approval_required else "Включить согласование"
        kb.button(text=label, callback_data=LessonCb(action="approval_rule"))
    return "\n".join(lines), kb.adjust(*([2] * len(lessons)), 1).as_markup()


async def _show(session: AsyncSession, identity: Identity) -> tuple[str, InlineKeyboardMarkup]:
    zone = identity.user.timezone
    return _screen(await approval.waiting(session, identity), await approval.own_school(session, identity), zone)


async def review_command(message: Message, session: AsyncSession, identity: Identity) -> None:
    text, markup = await _show(session, identity)
    await message.answer(text, reply_markup=markup)


async def decide(query: CallbackQuery, callback_data: LessonCb, session: AsyncSession, identity: Identity) -> None:
    await approval.decide(session, identity, callback_data.lesson_id, callback_data.action == "approve")
    await ui.show(query, *(await _show(session, identity)))


async def toggle(query: CallbackQuery, session: AsyncSession, identity: Identity) -> None:
    await approval.toggle(session, identity)
    await ui.show(query, *(await _show(session, identity)))


def setup() -> Router:
    router = GatedRouter(name=__name__, who=Registered())
    router.message.register(review_command, Command("lessons_review"))
    router.callback_query.register(decide, LessonCb.filter(F.action.in_({"approve", "decline"})))
    router.callback_query.register(toggle, LessonCb.filter(F.action == "approval_rule"))
    return router
