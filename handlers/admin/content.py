"""/content: regional methodists and admins download the current questionnaires and catalogue as
YAML, upload new versions (a .yaml document, its kind from the caption, the chosen button or the
file name) and add a catalogue activity through a short dialog. Validation errors come from the
content service and name the file, the entry and the problem; the update's transaction then rolls
back, so nothing changes."""

from io import BytesIO

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
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
from handlers.shared import texts, ui
from handlers.shared.access import ContentAdmin, GatedRouter
from handlers.shared.filters import NO_TEXT, TYPED, Caption, DocumentNamed, Has
from handlers.shared.keyboard_builder import KeyboardBuilder
from handlers.shared.texts import esc

KIND_LABELS = {
    "questionnaire_teacher": "Анкета педагога",
    "questionnaire_leader": "Анкета руководителя",
    "catalog": "Каталог мероприятий",
}
FORM_LABELS = {"formal": "формальная (курсы ДПО)", "non_formal": "неформальная", "informal": "информальная"}


class ContentCb(CallbackData, prefix="cnt"):
    action: str  # get | up | act | area | fmt | form
    value: str = ""


class ContentFlow(StatesGroup):
    upload = State()  # data: kind
    area = State()
    title = State()
    format = State()
    form = State()
    hours = State()
    details = State()


def menu_kb():
    kb = KeyboardBuilder()
    for kind in KINDS:
        kb.button(text=f"⬇ {KIND_LABELS[kind]}", callback_data=ContentCb(action="get", value=kind))
    for kind in KINDS:
        kb.button(text=f"⬆ Загрузить: {KIND_LABELS[kind].lower()}", callback_data=ContentCb(action="up", value=kind))
    kb.button(text="➕ Добавить мероприятие в каталог", callback_data=ContentCb(action="act"))
    return kb.adjust(1).as_markup()


def choices_kb(action: str, options: list[tuple[str, str]], columns: int = 1):
    kb = KeyboardBuilder()
    for value, label in options:
        kb.button(text=label[:60], callback_data=ContentCb(action=action, value=value))
    return kb.adjust(columns).as_markup()


async def content_menu(
    message: Message, state: FSMContext, session: AsyncSession, identity: Identity, settings: Settings
) -> None:
    if (await state.get_state() or "").startswith(f"{ContentFlow.__name__}:"):
        await state.clear()  # leaves any other feature's dialog alone
    zone = reader_zone(identity.user, settings.default_timezone)
    lines = ["<b>Анкеты и каталог мероприятий</b>"]
    for kind, row in (await content_admin.current_versions(session)).items():
        state_line = f"версия {esc(row.version)}, загружена {fmt(row.loaded_at, zone)}" if row else "не загружен"
        lines.append(f"• {KIND_LABELS[kind]}: {state_line}")
    lines.append(
        "\nСкачайте файл, исправьте и пришлите обратно документом .yaml (в подписи можно указать вид: "
        f"<code>{'</code>, <code>'.join(KINDS)}</code>). Новая версия станет текущей для новых "
        "диагностик и маршрутов; пройденные диагностики сохраняют свою версию."
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


async def _upload(
    message: Message, state: FSMContext, session: AsyncSession, identity: Identity, bot: Bot, kind: str
) -> None:
    document = message.document
    content_admin.check_file(document.file_name, document.file_size)
    buffer = BytesIO()
    await bot.download(document, destination=buffer)
    try:
        row, created = await content_admin.upload(session, identity, kind, document.file_name or "", buffer.getvalue())
    except InvalidInput as exc:  # the message quotes the file's own text: keep it out of the HTML
        raise InvalidInput(esc(exc.user_message)) from None
    await state.clear()
    label = KIND_LABELS[kind]
    if created:
        await message.answer(
            f"Готово: «{label}», версия {esc(row.version)}, теперь текущая. Новые диагностики и "
            "маршруты пойдут по ней; пройденные диагностики сохраняют свою версию."
        )
    else:
        await message.answer(f"Этот файл уже загружался: «{label}», версия {esc(row.version)}, снова текущая.")


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
    router.message.register(upload_chosen, StateFilter(ContentFlow.upload), Has("document"))
    router.message.register(upload_not_document, StateFilter(ContentFlow.upload), flags=READ_ONLY)
    router.message.register(upload_with_caption, Has("document"), Caption(KINDS))
    router.message.register(
        upload_by_name, StateFilter(None), Has("document"), DocumentNamed(content_admin.kind_from_filename)
    )
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
