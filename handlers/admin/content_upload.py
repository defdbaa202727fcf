"""/content uploads: a .yaml document (its kind from the caption, the chosen button or the file
name) becomes the current version. Validation errors come from the content service and name the
file, the entry, the line and the problem; the update's transaction then rolls back. A
questionnaire that changes the framework waits for an explicit confirmation."""

from io import BytesIO

from aiogram import Bot, F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.middlewares.db import READ_ONLY
from bot.services import content
from bot.services.admin import content as content_admin
from bot.services.admin.content import KINDS
from bot.services.shared.errors import InvalidInput
from bot.services.shared.roles import Identity
from handlers.admin.content_kit import KIND_LABELS, ContentCb, ContentFlow, reframe_kb
from handlers.shared import texts, ui
from handlers.shared.filters import Caption, DocumentNamed, Has
from handlers.shared.texts import esc
from models import ContentVersion


def done(kind: str, row: ContentVersion, created: bool) -> str:
    label = KIND_LABELS[kind]
    if created and kind == "objective_tasks":
        return (
            f"Готово: «{label}», версия {esc(row.version)}, теперь текущая. Новые проверки самооценки "
            "пойдут по ней; начатые и пройденные проверки сохраняют свою версию."
        )
    if created:
        return (
            f"Готово: «{label}», версия {esc(row.version)}, теперь текущая. Новые диагностики и "
            "маршруты пойдут по ней; пройденные диагностики сохраняют свою версию."
        )
    return f"Этот файл уже загружался: «{label}», версия {esc(row.version)}, снова текущая."


async def _upload(
    message: Message, state: FSMContext, session: AsyncSession, identity: Identity, bot: Bot, kind: str
) -> None:
    document = message.document
    content_admin.check_file(document.file_name, document.file_size)
    buffer = BytesIO()
    await bot.download(document, destination=buffer)
    try:
        row, created = await content_admin.upload(session, identity, kind, document.file_name or "", buffer.getvalue())
    except content.FrameworkChange as change:  # nothing was written: kept for the confirmation
        await state.set_state(ContentFlow.reframe)
        await state.set_data({"kind": kind, "file_id": document.file_id, "filename": document.file_name or ""})
        question = "Загрузить её всё равно? Если рамку менять не нужно, верните области и утверждения."
        await message.answer(f"{esc(change.user_message)}\n\n{question}", reply_markup=reframe_kb())
        return
    except InvalidInput as exc:  # the message quotes the file's own text: keep it out of the HTML
        raise InvalidInput(esc(exc.user_message)) from None
    await state.clear()
    await message.answer(done(kind, row, created))


async def reframe(
    query: CallbackQuery, callback_data: ContentCb, state: FSMContext, session: AsyncSession, identity: Identity
) -> None:
    """The methodist confirmed the change of framework: the same file, loaded again with it allowed."""
    data = await state.get_data()
    if await state.get_state() != ContentFlow.reframe.state or not data.get("file_id"):
        raise InvalidInput(texts.STALE_BUTTON)
    kind = content_admin.check_kind(data.get("kind", ""))
    buffer = BytesIO()
    await query.bot.download(data["file_id"], destination=buffer)
    try:
        row, created = await content_admin.upload(
            session, identity, kind, data.get("filename", ""), buffer.getvalue(), change_framework=True
        )
    except InvalidInput as exc:
        raise InvalidInput(esc(exc.user_message)) from None
    await state.clear()
    await ui.show(query, done(kind, row, created) + "\nРамка анкеты изменена.")


async def keep_framework(query: CallbackQuery, state: FSMContext) -> None:
    if await state.get_state() == ContentFlow.reframe.state:
        await state.clear()
    await ui.show(query, "Хорошо, рамка анкеты прежняя: новая версия не загружена.")


async def upload_chosen(
    message: Message, state: FSMContext, session: AsyncSession, identity: Identity, bot: Bot
) -> None:
    caption = (message.caption or "").strip()
    kind = caption if caption in KINDS else (await state.get_data()).get("kind", "")
    await _upload(message, state, session, identity, bot, content_admin.check_kind(kind))


async def upload_not_document(message: Message) -> None:
    await message.answer("Пришлите файл .yaml документом или отправьте /cancel.")


async def upload_with_caption(
    message: Message, state: FSMContext, session: AsyncSession, identity: Identity, bot: Bot
) -> None:
    await _upload(message, state, session, identity, bot, message.caption.strip())


async def upload_by_name(
    message: Message, state: FSMContext, session: AsyncSession, identity: Identity, bot: Bot
) -> None:
    await _upload(message, state, session, identity, bot, content_admin.kind_from_filename(message.document.file_name))


def register(router: Router) -> None:
    """Onto /content's gated router, where the uploads always were in its order of handlers."""
    router.message.register(upload_chosen, StateFilter(ContentFlow.upload), Has("document"))
    router.message.register(upload_not_document, StateFilter(ContentFlow.upload), flags=READ_ONLY)
    router.message.register(upload_with_caption, Has("document"), Caption(KINDS))
    router.message.register(
        upload_by_name,
        StateFilter(None, ContentFlow.reframe),
        Has("document"),
        DocumentNamed(content_admin.kind_from_filename),
    )
    router.callback_query.register(reframe, ContentCb.filter(F.action == "reframe"))
    router.callback_query.register(keep_framework, ContentCb.filter(F.action == "keepframe"))
