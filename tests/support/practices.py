"""Helpers for the exchange-of-experience tests: sending a file as a teacher would, walking the
«share a practice» dialog, writing approved practices straight to the database, reading the outbox."""

from datetime import datetime, timezone

from aiogram.types import Document, Message, PhotoSize, Update
from sqlalchemy import select

from models import OutboxMessage, Practice, PracticeStatus, User, utcnow
from tests.support.factories import org_id

PDF = "application/pdf"


async def send_document(
    user, file_name: str, mime_type: str | None = PDF, size: int = 200_000, caption: str | None = None
) -> list[str]:
    """A document message from `user` (Telegram hands the bot only its file_id and metadata)."""
    mark = len(user.h.api.requests)
    document = Document(
        file_id=f"file-{file_name}",
        file_unique_id=f"u-{file_name}",
        file_name=file_name,
        mime_type=mime_type,
        file_size=size,
    )
    message = Message(
        message_id=user.h.next_message_id(),
        date=datetime.now(timezone.utc),
        chat=user.chat,
        from_user=user.tg,
        document=document,
        caption=caption,
    )
    await user.h.feed(Update(update_id=user.h.next_update_id(), message=message))
    return user._texts_since(mark)


async def send_photo(user, size: int = 100_000) -> list[str]:
    mark = len(user.h.api.requests)
    photo = [PhotoSize(file_id="photo-1", file_unique_id="up-1", width=800, height=600, file_size=size)]
    message = Message(
        message_id=user.h.next_message_id(),
        date=datetime.now(timezone.utc),
        chat=user.chat,
        from_user=user.tg,
        photo=photo,
    )
    await user.h.feed(Update(update_id=user.h.next_update_id(), message=message))
    return user._texts_since(mark)


async def share(author, title: str = "Билет на выход за 3 минуты", *, material: str = "pdf") -> list[str]:
    """The whole «share a practice» dialog up to the preview: area 3 with item 3.2, maths, basic school."""
    await author.send("/share_practice")
    await author.send(title)
    await author.press("3. Оценочная")
    await author.press("Готово")
    await author.press("3.2 ")
    await author.press("Готово")
    await author.press("Математика")
    await author.press("Основная школа")
    await author.send("Каждый урок заканчиваю карточкой с одним вопросом <по теме> & разбираю ответы.")
    if material == "pdf":
        return await send_document(author, "bilet.pdf")
    return await author.send(material)


async def approved_practice(
    sessionmaker, telegram_id: int, title: str, areas: list[str], items: list[str] | None = None, *, seen_at: str
) -> int:
    """An approved practice of the person, visible under the organization whose name contains `seen_at`."""
    visible_at = await org_id(sessionmaker, seen_at)
    async with sessionmaker() as session, session.begin():
        author = await session.scalar(select(User).where(User.telegram_id == telegram_id))
        practice = Practice(
            author_id=author.id,
            org_id=author.organization_id,
            title=title,
            areas=areas,
            items=items or [],
            subject="Математика",
            level="ooo",
            description="Описание практики",
            status=PracticeStatus.approved,
            revision=1,
            visibility="municipality",
            visibility_org_id=visible_at,
            submitted_at=utcnow(),
            approved_at=utcnow(),
        )
        session.add(practice)
        await session.flush()
        return practice.id


async def outbox_texts(sessionmaker, chat_id: int) -> list[str]:
    async with sessionmaker() as session:
        rows = await session.scalars(
            select(OutboxMessage).where(OutboxMessage.chat_id == chat_id).order_by(OutboxMessage.id)
        )
        return [row.payload["text"] for row in rows]


async def the_practice(sessionmaker, title: str | None = None) -> Practice:
    async with sessionmaker() as session:
        query = select(Practice).order_by(Practice.id.desc())
        return await session.scalar(query.where(Practice.title == title) if title else query)
