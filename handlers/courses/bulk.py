"""/courses → «Импорт списка»: a methodist sends a provider's list, sees the preview, confirms.
Nothing is written before the confirmation; a file that cannot be read is refused with the reason."""

from io import BytesIO

from aiogram import Bot, F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.infra.clock import Clock
from bot.middlewares.db import READ_ONLY
from bot.services.courses import bulk_import, tabular
from bot.services.shared import roles
from bot.services.shared.errors import InvalidInput
from bot.services.shared.roles import Identity
from bot.services.shared.timefmt import MOSCOW, local
from handlers.courses import bulk_ui as bui
from handlers.courses.bulk_ui import ImportCb, ImportDialog
from handlers.courses.ui import CoursesCb
from handlers.shared import ui as shared_ui
from handlers.shared.access import GatedRouter, Methodist
from handlers.shared.filters import NOT_COMMAND, Has
from handlers.shared.texts import esc


async def ask_file(query: CallbackQuery, state: FSMContext, identity: Identity) -> None:
    roles.require_methodist(identity)
    await state.set_state(ImportDialog.file)
    await state.set_data({})
    await shared_ui.show(query, bui.ASK_FILE)


async def got_file(
    message: Message, state: FSMContext, session: AsyncSession, identity: Identity, bot: Bot, clock: Clock
) -> None:
    document = message.document
    kind = tabular.check_file(document.file_name, document.file_size)
    buffer = BytesIO()
    await bot.download(document, destination=buffer)
    today = local(clock(), identity.user.timezone if identity.user else MOSCOW).date()
    try:
        result = await bulk_import.preview(session, identity, kind, buffer.getvalue(), today)
    except InvalidInput as exc:  # the reason may quote the file's own header: keep it out of the HTML
        raise InvalidInput(esc(exc.user_message)) from None
    if not result.ready:
        await message.answer(bui.preview(result))
        return
    await state.set_state(ImportDialog.confirm)
    await state.set_data({"ready": result.ready})
    await message.answer(bui.preview(result), reply_markup=bui.confirm_kb(len(result.ready)))


async def confirm(
    query: CallbackQuery, state: FSMContext, session: AsyncSession, identity: Identity, clock: Clock
) -> None:
    ready = (await state.get_data()).get("ready") or []
    written = await bulk_import.apply(session, identity, ready, clock())
    await state.clear()
    skipped = len(ready) - written
    tail = f" Пропущено {skipped}: педагог вне вашей зоны или курс уже добавлен." if skipped else ""
    await shared_ui.show(query, f"Добавлено курсов: {written}. Педагоги получат уведомление.{tail}")


async def cancel(query: CallbackQuery, state: FSMContext) -> None:
    await state.clear()
    await shared_ui.show(query, bui.CANCELLED)


async def need_file(message: Message) -> None:
    await message.answer(bui.NEED_FILE)


def setup() -> Router:
    router = GatedRouter(name=__name__, who=Methodist())
    router.callback_query.register(ask_file, CoursesCb.filter(F.action == "import"))
    router.message.register(got_file, StateFilter(ImportDialog.file), Has("document"))
    router.message.register(need_file, StateFilter(ImportDialog.file), NOT_COMMAND, flags=READ_ONLY)
    router.callback_query.register(confirm, StateFilter(ImportDialog.confirm), ImportCb.filter(F.action == "confirm"))
    router.callback_query.register(cancel, StateFilter(ImportDialog.confirm), ImportCb.filter(F.action == "cancel"))
    return router
