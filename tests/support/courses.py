"""Helpers for /courses tests: a certificate message as Telegram delivers it, and the whole dialog
that records a course."""

from datetime import date, datetime, timedelta, timezone

from aiogram.types import Document, Message, PhotoSize, Update

from tests.support.clock import moscow_today


async def send_file(
    user,
    *,
    name: str = "udostoverenie.pdf",
    mime: str | None = "application/pdf",
    size: int = 200_000,
    photo: bool = False,
    file_id: str = "cert-pdf-1",
) -> list[str]:
    """A message with a document (or a photo); returns what the bot showed this user."""
    mark = len(user.h.api.requests)
    if photo:
        extra = {
            "photo": [
                PhotoSize(file_id="small", file_unique_id="s", width=90, height=90, file_size=5_000),
                PhotoSize(file_id=file_id, file_unique_id="b", width=1280, height=960, file_size=size),
            ]
        }
    else:
        extra = {
            "document": Document(
                file_id=file_id, file_unique_id=file_id, file_name=name, mime_type=mime, file_size=size
            )
        }
    message = Message(
        message_id=user.h.next_message_id(),
        date=datetime.now(timezone.utc),
        chat=user.chat,
        from_user=user.tg,
        **extra,
    )
    await user.h.feed(Update(update_id=user.h.next_update_id(), message=message))
    return user._texts_since(mark)


def day(offset: int) -> str:
    """A date `offset` days from Moscow's today, as a teacher types it."""
    return f"{moscow_today() + timedelta(days=offset):%d.%m.%Y}"


def days_ago(offset: int) -> date:
    return moscow_today() - timedelta(days=offset)


async def record_course(
    user,
    *,
    title: str = "Формирующее оценивание в основной школе",
    hours: str = "36",
    frdpp: str | None = "12345",
    link: str = "Оценочная",
    completed: bool = True,
    certificate: bool = True,
) -> list[str]:
    """The /courses dialog from the list to the certificate; returns the last answers."""
    await user.send("/courses")
    await user.press("Завершённый курс" if completed else "Курс, который идёт")
    await user.send(title)
    await user.send("ЦНППМ Ростовской области")
    await user.send(hours)
    await user.send(day(-40))
    await user.send(day(-10) if completed else day(20))
    await user.press("Дистанционно")
    if frdpp:
        await user.press("Да, есть номер")
        await user.send(frdpp)
    else:
        await user.press("Нет")
    answers = await user.press(link)
    if completed and certificate:
        answers = await send_file(user)
    return answers


async def upload(user, files: dict[str, bytes], name: str, data: bytes) -> list[str]:
    """Send `data` as a document named `name` (served back by `serve_files`)."""
    file_id = f"upload{len(files) + 1}"
    files[file_id] = data
    mark = len(user.h.api.requests)
    message = Message(
        message_id=user.h.next_message_id(),
        date=datetime.now(timezone.utc),
        chat=user.chat,
        from_user=user.tg,
        document=Document(file_id=file_id, file_unique_id=file_id, file_name=name, file_size=len(data)),
    )
    await user.h.feed(Update(update_id=user.h.next_update_id(), message=message))
    return user._texts_since(mark)
