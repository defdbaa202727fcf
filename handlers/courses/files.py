"""The certificate a teacher sends: Telegram's file_id and its kind, after the type and size checks."""

from aiogram.types import Message

from bot.services import courses


def certificate(message: Message) -> tuple[str, str]:
    if message.photo:
        photo = message.photo[-1]
        kind = courses.certificate_kind(photo=True, mime_type=None, file_name=None, size=photo.file_size)
        return photo.file_id, kind
    doc = message.document
    kind = courses.certificate_kind(photo=False, mime_type=doc.mime_type, file_name=doc.file_name, size=doc.file_size)
    return doc.file_id, kind
