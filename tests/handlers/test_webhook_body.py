"""The webhook endpoint in-process (aiohttp's test server over the real app): a request with the
right secret but a body that is not an update gets 400 and one log line, never 500 or a failing
background task; a good update is still taken and handled."""

import asyncio
import json
import logging
from datetime import datetime, timezone

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.webhook import build_web_app
from tests.support.harness import Harness
from tests.support.waiting import wait_until

SECRET = "handler-webhook-secret-0123456789"
PATH = "/wh"


@pytest.fixture
async def webhook(db_url, sessionmaker):
    harness = Harness(db_url, sessionmaker, webhook_secret=SECRET, webhook_path=PATH)
    await harness.start()
    client = TestClient(TestServer(build_web_app(harness.settings, harness.bot, harness.dp, sessionmaker)))
    await client.start_server()
    yield harness, client
    await client.close()
    await harness.stop()


def start_update(update_id: int, user_id: int) -> dict:
    user = {"id": user_id, "is_bot": False, "first_name": "Веб"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(datetime.now(timezone.utc).timestamp()),
            "chat": {"id": user_id, "type": "private"},
            "from": user,
            "text": "/start",
        },
    }


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"", b"[1,2,3]", b'{"update_id":"x"}', b'"text"', b"\xff\xfe{}", b'{"update_id": 1, "message": 5}'],
)
async def test_a_body_that_is_not_an_update_gets_400_and_one_log_line(webhook, body, caplog):
    harness, client = webhook
    caplog.set_level(logging.INFO)
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}
    response = await client.post(PATH, data=body, headers=headers)
    assert response.status == 400
    await asyncio.sleep(0)  # a background task, had one been started, would have run by now
    lines = [r for r in caplog.records if r.name == "bot.webhook"]
    assert len(lines) == 1 and lines[0].levelno == logging.WARNING and "\n" not in lines[0].getMessage()
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert harness.api.requests == []


async def test_the_secret_is_still_checked_first_and_a_good_update_is_handled(webhook):
    harness, client = webhook
    response = await client.post(PATH, data=b"{not json", headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"})
    assert response.status == 401
    response = await client.post(PATH, data=b"{not json")
    assert response.status == 401
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}
    response = await client.post(PATH, data=json.dumps(start_update(1, 950)), headers=headers)
    assert response.status == 200
    await wait_until(lambda: harness.api.sent("SendMessage", 950), timeout=10)
    assert "Согласие" in harness.api.sent("SendMessage", 950)[-1].text
