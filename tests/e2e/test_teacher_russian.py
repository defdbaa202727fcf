"""The teacher's whole journey through the real bot and the emulator (registration → diagnosis →
route → event sign-up, with /help, /profile and the documents on the way) shows no English word:
every message and each of its edits, every button, every toast, the command menu and the text of
the PDF documents are checked for Latin-letter words."""

import io
import json
import re
from datetime import timedelta
from html import unescape

from pypdf import PdfReader
from sqlalchemy import select

from models import Event, EventFormat, EventStatus, Organization, utcnow
from tests.e2e.client import BotMessage, TgUser
from tests.e2e.database import BotDb
from tests.e2e.flows import answer, register, wait_text

# Not words of a language, so taken out before looking: commands (Telegram requires them in Latin
# letters: /start, /my_data), web addresses and bare domains (a catalogue resource such as
# edsoo.ru), and an e-mail-like @name of a bot.
NOT_WORDS = re.compile(r"/[a-z_]+|https?://\S+|\b[\w.-]+\.(?:ru|org|com|рф)\b\S*|@\w+")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
# The one name Russian text writes in Latin letters here: the messenger's (the consent's «номер в
# Telegram»). File names (IOM.pdf, my_data.json) are not text of a message and are not checked.
ALLOWED = {"Telegram"}


def english(text: str | None) -> set[str]:
    return set(LATIN_WORD.findall(NOT_WORDS.sub(" ", text or ""))) - ALLOWED


def plain(html: str | None) -> str:
    """Text as Telegram shows an HTML-formatted message: tags dropped, entities decoded."""
    return unescape(re.sub(r"<[^>]+>", "", html or ""))


def shown(call: dict) -> list[str]:
    """What one Bot API call put on the screen: its text or caption and its buttons' labels."""
    params = call["params"]
    markup = parsed(params.get("reply_markup")) or {}
    rows = markup.get("inline_keyboard", []) + markup.get("keyboard", [])
    labels = [b if isinstance(b, str) else b["text"] for row in rows for b in row]
    return [plain(params.get("text")), plain(params.get("caption")), *labels]


def parsed(value):
    return json.loads(value) if isinstance(value, str) else value


def teachers_menu(params: dict, teacher: TgUser) -> bool:
    """The menu of every private chat (or the default), or one set for this teacher's chat."""
    scope = parsed(params.get("scope")) or {"type": "default"}
    return scope["type"] in ("default", "all_private_chats") or (
        scope["type"] == "chat" and int(scope["chat_id"]) == teacher.chat_id
    )


async def add_seminar_in_area_3(db: BotDb) -> str:
    title = "Семинар «Обратная связь на уроке»"
    starts = utcnow() + timedelta(days=12)
    async with db.session() as session, session.begin():
        region = await session.scalar(select(Organization.id).where(Organization.parent_id.is_(None)))
        session.add(
            Event(
                title=title,
                description="Разбираем приёмы формирующего оценивания.",
                format=EventFormat.seminar,
                areas=[3],
                scope_org_id=region,
                timezone="Europe/Moscow",
                starts_at=starts,
                duration_min=120,
                place="ИПК, ауд. 12",
                capacity=20,
                registration_deadline=starts - timedelta(days=1),
                status=EventStatus.published,
            )
        )
    return title


async def pdf_text(emulator, message: BotMessage) -> str:
    content = await emulator.file_content(message.document["file_id"])
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split())


async def test_the_teachers_journey_speaks_russian_only(make_user, bot_process, emulator, db):
    teacher: TgUser = await make_user(first_name="Ирина")
    await register(teacher, "Русакова Ирина Олеговна")
    seminar = await add_seminar_in_area_3(db)
    await teacher.send("/help")
    await teacher.wait_reply(contains="/route")
    await teacher.send("/profile")
    await teacher.wait_reply(contains="Часовой пояс")

    await teacher.send("/diagnostics")
    await teacher.wait_reply(contains="40")
    await teacher.click("▶ Начать")
    question = await wait_text(teacher, "Вопрос 1 из 40")
    await teacher.send("два")  # typed instead of tapped: the question comes back with its buttons
    await wait_text(teacher, "отвечайте кнопками")
    question = await teacher.wait_reply(contains="Вопрос 1 из 40")
    for number in range(1, 40):
        question = await answer(teacher, question, number)
    await teacher.click("2")
    await wait_text(teacher, "Оценочная", timeout=30)

    await teacher.click("🧭 Построить ИОМ")
    route = await wait_text(teacher, "Мой ИОМ", timeout=30)
    await teacher.click(next(b["text"] for b in route.buttons if b["text"][0].isdigit()))
    await wait_text(teacher, "Срок")
    await teacher.click("« К маршруту")
    await teacher.wait_edit(route, contains="Мой ИОМ")
    await teacher.click("📄 Скачать ИОМ")
    iom = await teacher.wait_reply(predicate=lambda m: bool(m.document), timeout=30)

    await teacher.send("/events")
    listing = await teacher.wait_reply(contains="Рекомендованные")
    await teacher.click(next(b["text"] for b in listing.buttons if seminar[:20] in b["text"]))
    await wait_text(teacher, "Ваш статус")
    await teacher.click("Записаться")
    await wait_text(teacher, "Готово: вы записаны")
    await teacher.send("/my_data")
    readable = await teacher.wait_reply(
        predicate=lambda m: (
            bool(m.document) and m.document["file_name"].endswith(".pdf") and m.message_id != iom.message_id
        ),
        timeout=30,
    )

    # Every message the bot sent her and every edit of one, as sent (an edited message's first
    # version is gone from the chat by now), and every toast or alert under a pressed button.
    calls = [c for c in await emulator.calls() if c["status"] == 200 and c.get("chat_id") == str(teacher.chat_id)]
    seen = [text for call in calls for text in shown(call)]
    seen += [a.get("text") or "" for a in await emulator.answers(teacher.chat_id)]  # a fresh chat: all hers
    ours = bot_process.token.split(":")[0]  # the emulator serves other tests' bots too
    menus = [
        c["params"]
        for c in await emulator.calls("setMyCommands")
        if c["bot"] == ours and teachers_menu(c["params"], teacher)
    ]
    assert menus, "the command menu a teacher sees was set"
    seen += [c["description"] for menu in menus for c in parsed(menu["commands"])]
    seen += [await pdf_text(emulator, iom), await pdf_text(emulator, readable)]
    assert len(calls) > 60 and any("Согласие на обработку" in text for text in seen)
    found = {word: text for text in seen for word in english(text)}
    assert not found, found
