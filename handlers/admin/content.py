"""/content: regional methodists and admins download the current questionnaires, catalogue and task
bank of the objective check (the files as they were loaded), upload new versions (content_upload)
and add a catalogue activity through a short dialog. Uploads and additions are audited by the
content service."""

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.middlewares.db import READ_ONLY
from bot.services import content
from bot.services.admin import content as content_admin
from bot.services.admin.content import KINDS, ActivityDraft
from bot.services.monitoring import indicators
from bot.services.shared import validation
from bot.services.shared.errors import InvalidInput
from bot.services.shared.labels import area_label
from bot.services.shared.roles import Identity
from bot.services.shared.timefmt import fmt, reader_zone
from handlers.admin import content_upload
from handlers.admin.content_kit import FORM_LABELS, KIND_LABELS, ContentCb, ContentFlow, choices_kb, menu_kb
from handlers.shared import texts, ui
from handlers.shared.access import ContentAdmin, GatedRouter
from handlers.shared.filters import NO_TEXT, TYPED
from handlers.shared.texts import esc

__all__ = ["ContentCb", "ContentFlow", "KIND_LABELS", "setup"]


async def content_menu(
    message: Message, state: FSMContext, session: AsyncSession, identity: Identity, settings: Settings
) -> None:
    if (await state.get_state() or "").startswith(f"{ContentFlow.__name__}:"):
        await state.clear()  # leaves any other feature's dialog alone
    zone = reader_zone(identity.user, settings.default_timezone)
    lines = ["<b>Анкеты, каталог мероприятий и банк заданий проверки</b>"]
    for kind, row in (await content_admin.current_versions(session)).items():
        state_line = f"версия {esc(row.version)}, загружена {fmt(row.loaded_at, zone)}" if row else "не загружен"
        lines.append(f"• {KIND_LABELS[kind]}: {state_line}")
    lines.append(
        "\nСкачайте файл, исправьте и пришлите обратно документом .yaml (в подписи можно указать вид: "
        f"<code>{'</code>, <code>'.join(KINDS)}</code>). Новая версия станет текущей для новых "
        "диагностик, маршрутов и проверок самооценки; пройденные сохраняют свою версию."
    )
    await message.answer("\n".join(lines), reply_markup=menu_kb())


async def download(
    query: CallbackQuery, callback_data: ContentCb, session: AsyncSession, identity: Identity, bot: Bot
) -> None:
    filename, data = await content_admin.download(session, identity, callback_data.value)
    await ui.answer(query)
    await bot.send_document(
        query.from_user.id,
        BufferedInputFile(data, filename=filename),
        caption=f"{KIND_LABELS[callback_data.value]}: текущая версия.",
    )


async def ask_upload(
    query: CallbackQuery, callback_data: ContentCb, state: FSMContext, session: AsyncSession, identity: Identity
) -> None:
    kind = content_admin.check_kind(callback_data.value)
    await state.set_state(ContentFlow.upload)
    await state.set_data({"kind": kind})
    await ui.show(query, f"Пришлите новый файл «{KIND_LABELS[kind]}» документом (.yaml). /cancel — отменить.")


# --- adding one catalogue activity ----------------------------------------------------------


async def _expect(state: FSMContext, step: State) -> dict:
    if await state.get_state() != step.state:
        raise InvalidInput(texts.STALE_BUTTON)
    return await state.get_data()


async def activity_start(query: CallbackQuery, state: FSMContext, session: AsyncSession, identity: Identity) -> None:
    titles = await indicators.area_titles(session)
    await state.set_state(ContentFlow.area)
    await state.set_data({})
    await ui.show(
        query,
        "Новое мероприятие каталога. Для какой области компетенций? /cancel — отменить.",
        choices_kb("area", [(a, area_label(a, titles.get(a))) for a in content_admin.AREAS]),
    )


async def activity_area(query: CallbackQuery, callback_data: ContentCb, state: FSMContext) -> None:
    await _expect(state, ContentFlow.area)
    if callback_data.value not in content_admin.AREAS:
        raise InvalidInput(texts.STALE_BUTTON)
    await state.update_data(area=callback_data.value)
    await state.set_state(ContentFlow.title)
    await ui.show(query, f"Область {esc(area_label(callback_data.value))}. Название мероприятия (до 300 символов)?")


async def activity_title(message: Message, state: FSMContext) -> None:
    await state.update_data(title=content_admin.parse_title(message.text))
    await state.set_state(ContentFlow.format)
    formats = [(str(n), f) for n, f in enumerate(content.FORMATS)]
    await message.answer("Формат?", reply_markup=choices_kb("fmt", formats, 2))


async def activity_format(query: CallbackQuery, callback_data: ContentCb, state: FSMContext) -> None:
    await _expect(state, ContentFlow.format)
    index = validation.ascii_number(callback_data.value, 2)
    if index is None or index >= len(content.FORMATS):
        raise InvalidInput(texts.STALE_BUTTON)
    await state.update_data(format=content.FORMATS[index])
    await state.set_state(ContentFlow.form)
    await ui.show(query, "Форма обучения?", choices_kb("form", list(FORM_LABELS.items())))


async def activity_form(query: CallbackQuery, callback_data: ContentCb, state: FSMContext) -> None:
    await _expect(state, ContentFlow.form)
    if callback_data.value not in FORM_LABELS:
        raise InvalidInput(texts.STALE_BUTTON)
    await state.update_data(form=callback_data.value)
    await state.set_state(ContentFlow.hours)
    await ui.show(query, "Сколько часов (целое число, например 36)?")


async def activity_hours(message: Message, state: FSMContext) -> None:
    await state.update_data(hours=content_admin.parse_hours(message.text))
    await state.set_state(ContentFlow.details)
    await message.answer("Короткое описание и/или ссылка (https://…)?")


async def activity_details(message: Message, state: FSMContext, session: AsyncSession, identity: Identity) -> None:
    description, url = content_admin.parse_details(message.text)
    data = await state.get_data()
    activity = await content_admin.add_activity(
        session,
        identity,
        ActivityDraft(
            data.get("area", ""),
            data.get("title", ""),
            data.get("format", ""),
            data.get("form", ""),
            int(data.get("hours", 0)),
            description,
            url,
        ),
    )
    await state.clear()
    await message.answer(
        f"Добавлено в каталог: «{esc(activity.title)}» ({esc(activity.format)}, {activity.hours} ч, "
        f"область {esc(activity.area)}). Его смогут выбирать при построении маршрутов."
    )


async def need_text(message: Message) -> None:
    await message.answer(texts.NEED_TEXT)


def setup() -> Router:
    router = GatedRouter(name=__name__, who=ContentAdmin())
    router.message.register(content_menu, Command("content"))
    router.callback_query.register(download, ContentCb.filter(F.action == "get"), flags=READ_ONLY)
    router.callback_query.register(ask_upload, ContentCb.filter(F.action == "up"))
    content_upload.register(router)
    router.callback_query.register(activity_start, ContentCb.filter(F.action == "act"))
    router.callback_query.register(activity_area, ContentCb.filter(F.action == "area"))
    router.message.register(activity_title, StateFilter(ContentFlow.title), TYPED)
    router.callback_query.register(activity_format, ContentCb.filter(F.action == "fmt"))
    router.callback_query.register(activity_form, ContentCb.filter(F.action == "form"))
    router.message.register(activity_hours, StateFilter(ContentFlow.hours), TYPED)
    router.message.register(activity_details, StateFilter(ContentFlow.details), TYPED)
    router.message.register(
        need_text, StateFilter(ContentFlow.title, ContentFlow.hours, ContentFlow.details), NO_TEXT, flags=READ_ONLY
    )
    return router
