"""Checks on what the bot shows: every text parses as Telegram HTML and fits a message."""

from html.parser import HTMLParser

TELEGRAM_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "a",
    "code",
    "pre",
    "tg-spoiler",
    "span",
    "blockquote",
    "tg-emoji",
}


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


async def play_and_check(harness, people: dict, actions) -> None:
    """Feed the actions ((who, ("text" | "click", payload)), ...); nothing may log an error and
    every text the bot sent must parse as Telegram HTML."""
    for who, (kind, payload) in actions:
        user = people[who]
        await (user.send(payload) if kind == "text" else user.click(payload))
    harness.assert_no_errors()
    for request in harness.api.requests:
        text = getattr(request, "text", None) or getattr(request, "caption", None)
        if isinstance(text, str) and type(request).__name__ != "AnswerCallbackQuery":
            assert_parses(text)
