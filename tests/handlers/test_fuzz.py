"""Property-based robustness: random and hostile updates from every role never crash a handler,
every HTML message the bot sends parses, and the database stays consistent."""

import asyncio
import logging
import shutil
from html.parser import HTMLParser

from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import func, select

from bot import db as bot_db
from bot.services import roles
from models import Role, User
from tests.handlers.test_registration import register
from tests.support.harness import ADMIN_ID, Harness

TELEGRAM_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
                 "tg-spoiler", "span", "blockquote", "tg-emoji"}
COMMANDS = ["/start", "/help", "/profile", "/my_data", "/delete_me", "/cancel", "/invite", "/grant",
            "/grant 12345", "/methodists", "/events", "/my_events", "/new_event", "/events_admin",
            "/diagnostics", "/route", "/start inv_xyz", "/start inv_", "/pairs", "/mentees", "/mentor", "/stats", "/report", "/content",
            "/broadcast", "/audit"]
PREFIXES = ["consent", "org", "pos", "subj", "prof", "tz", "erase", "invrole", "invterms", "revoke",
            "evlist", "evcard", "offer", "fb", "fbskip", "rbuild", "rbok", "dg", "dgm", "evnew", "evscope",
            "evadm", "mpm", "mtype", "msug", "mpick", "mpair", "mnt", "mopen", "mprop", "mrev", "mrel", "st",
            "cnt", "bc", "bcann", "audit"]

hostile_text = st.one_of(
    st.sampled_from(COMMANDS),
    st.text(max_size=60),
    st.sampled_from(["<b>x", "</i>", "<script>alert(1)</script>", "&amp;", "🙂" * 50, "1990", "0", "-5",
                     "25.12.2026 15:00", "x" * 5000, "Иванова Мария"]),
)
callback_data = st.one_of(
    st.builds(lambda p, parts: ":".join([p, *parts]), st.sampled_from(PREFIXES),
              st.lists(st.one_of(st.integers(-5, 10**12).map(str), st.text(max_size=8)), max_size=4)),
    st.text(max_size=64),
)
action = st.tuples(st.sampled_from(["teacher", "methodist", "admin", "stranger"]),
                   st.one_of(st.tuples(st.just("text"), hostile_text), st.tuples(st.just("click"), callback_data)))


class TelegramHtml(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []

    def handle_starttag(self, tag, attrs):
        assert tag in TELEGRAM_TAGS, f"tag <{tag}> is not allowed by Telegram"
        self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack.pop() == tag, f"unbalanced </{tag}>"


def assert_parses(text: str) -> None:
    parser = TelegramHtml()
    parser.feed(text)
    parser.close()
    assert not parser.stack, f"unclosed tags {parser.stack} in {text[:200]!r}"
    assert len(text) <= 4096, "message longer than Telegram allows"


class ErrorCatcher(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


async def play_and_check(harness: Harness, people: dict, actions) -> None:
    """Feed the actions; nothing may log an error and every text the bot sent must parse as
    Telegram HTML."""
    catcher = ErrorCatcher()
    logging.getLogger().addHandler(catcher)
    try:
        for who, (kind, payload) in actions:
            user = people[who]
            await (user.send(payload) if kind == "text" else user.click(payload))
    finally:
        logging.getLogger().removeHandler(catcher)
    assert not catcher.records, [r.getMessage() + str(r.exc_info) for r in catcher.records][:3]
    for request in harness.api.requests:
        text = getattr(request, "text", None) or getattr(request, "caption", None)
        if isinstance(text, str) and type(request).__name__ != "AnswerCallbackQuery":
            assert_parses(text)


async def scenario(db_path, actions) -> None:
    url = f"sqlite+aiosqlite:///{db_path}"
    engine = bot_db.create_engine(url)
    harness = Harness(url, bot_db.create_sessionmaker(engine))
    await harness.start()
    people = {"teacher": harness.user(11), "methodist": harness.user(12), "admin": harness.user(ADMIN_ID),
              "stranger": harness.user(13)}
    await register(people["teacher"])
    async with harness.sessionmaker() as session, session.begin():
        await roles.grant(session, None, Role.methodist, 12, 1)
    await play_and_check(harness, people, actions)
    async with harness.sessionmaker() as session:
        telegram_ids = list(await session.scalars(select(User.telegram_id).where(User.telegram_id.is_not(None))))
        assert len(telegram_ids) == len(set(telegram_ids))
        assert await session.scalar(select(func.count()).select_from(User)) >= 1
    await harness.stop()
    await engine.dispose()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actions=st.lists(action, min_size=5, max_size=30))
def test_random_updates_never_break_the_bot(sqlite_template, tmp_path, actions):
    db_path = tmp_path / "fuzz.db"
    shutil.copyfile(sqlite_template, db_path)
    asyncio.run(scenario(db_path, actions))
    db_path.unlink()
