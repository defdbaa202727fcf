"""A question to a practice's author, relayed by the bot like the mentor relay: the author reads
the colleague's organization, never their account, and answers once through the bot."""

from datetime import datetime
from html import escape

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.practices import finding
from bot.services.shared import orgs, outbox
from bot.services.shared.errors import InvalidInput, NotFound
from bot.services.shared.validation import clean_text
from models import Practice, PracticeQuestion, User

MAX_TEXT = 1000


async def ask(session: AsyncSession, user: User, practice_id: int, text: str | None, now: datetime) -> bool:
    """Queue the question for the author; False when the author can no longer be reached."""
    practice = await finding.visible(session, user, practice_id)
    if practice.author_id == user.id:
        raise InvalidInput("Это ваша собственная практика.")
    question = PracticeQuestion(
        practice_id=practice.id, asker_id=user.id, text=clean_text(text, MAX_TEXT, "Вопрос"), asked_at=now
    )
    session.add(question)
    await session.flush()
    author = await session.get(User, practice.author_id)
    if author is None or author.telegram_id is None or not author.is_active:
        return False
    where = await orgs.display_name(session, user.organization_id)
    return await outbox.enqueue(
        session,
        key=f"practice_question:{question.id}",
        chat_id=author.telegram_id,
        purpose="practice_question",
        text=(
            f"❓ Вопрос по вашей практике «{escape(practice.title)}» от коллеги ({escape(where)}):\n\n"
            f"{escape(question.text)}"
        ),
        urgent=True,  # a person wrote to them
        timezone=author.timezone,
        buttons=[[outbox.button("Ответить", "practice_answer", question_id=question.id)]],
    )


async def for_author(session: AsyncSession, user: User, question_id: int) -> PracticeQuestion:
    question = await session.get(PracticeQuestion, question_id)
    practice = await session.get(Practice, question.practice_id) if question else None
    if question is None or practice is None or practice.author_id != user.id:
        raise NotFound("Вопрос не найден среди вопросов к вашим практикам.")
    if question.answered_at is not None:
        raise InvalidInput("Вы уже ответили на этот вопрос.")
    return question


async def answer(session: AsyncSession, user: User, question_id: int, text: str | None, now: datetime) -> bool:
    question = await for_author(session, user, question_id)
    question.answer, question.answered_at = clean_text(text, MAX_TEXT, "Ответ"), now
    practice = await session.get(Practice, question.practice_id)
    asker = await session.get(User, question.asker_id)
    if asker is None or asker.telegram_id is None or not asker.is_active:
        return False
    return await outbox.enqueue(
        session,
        key=f"practice_answer:{question.id}",
        chat_id=asker.telegram_id,
        purpose="practice_answer",
        text=(
            f"💬 Автор практики «{escape(practice.title)}» ответил на ваш вопрос.\n\n"
            f"Вы спрашивали: {escape(question.text)}\n\nОтвет: {escape(question.answer)}"
        ),
        urgent=True,
        timezone=asker.timezone,
    )
