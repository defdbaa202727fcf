"""What registration and /profile hand over to communities: the subject МО that took the teacher
in, and after registration, for a young specialist, the offer of the young teachers' community of
their territory (a «join» button, checked again on the press like any other)."""

from dataclasses import dataclass
from datetime import datetime

from aiogram.types import InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.communities import auto
from handlers.communities.callbacks import CommCb
from handlers.shared.keyboard_builder import KeyboardBuilder
from handlers.shared.texts import esc
from models import User


@dataclass(frozen=True)
class Welcome:
    text: str
    markup: InlineKeyboardMarkup | None


async def arrange(session: AsyncSession, user: User, now: datetime) -> Welcome | None:
    """The writes (auto membership) happen here, before registration answers; the message after."""
    joined, offer = await auto.after_registration(session, user, now)
    lines = [f"Вас включили в сообщество «{esc(c.title)}» по вашему предмету." for c in joined]
    markup = None
    if offer is not None:
        lines.append(
            f"Для молодых педагогов есть «{esc(offer.title)}»: поддержка коллег, встречи и обмен опытом. Вступить?"
        )
        kb = KeyboardBuilder().button(
            text="➕ Вступить", callback_data=CommCb(action="join", id=offer.id, value="offer")
        )
        markup = kb.as_markup()
    if not lines:
        return None
    lines.append("Все сообщества — /communities.")
    return Welcome("\n\n".join(lines), markup)


async def after_profile(session: AsyncSession, user: User, now: datetime) -> str:
    """New subjects or a new organization in /profile: the auto МО that took the teacher in, as
    lines to add under the saved profile (the writes happen here, before the answer)."""
    joined = await auto.after_profile_change(session, user, now)
    return "".join(f"\n\nВас включили в сообщество «{esc(c.title)}» по вашему предмету." for c in joined)


async def send(message: Message, welcome: Welcome | None) -> None:
    if welcome is not None:
        await message.answer(welcome.text, reply_markup=welcome.markup)
