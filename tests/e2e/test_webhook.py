"""Webhook mode as a real process: the secret token is checked, /healthz pings the database,
/metrics is served, a re-delivered update is handled once even across a restart, and SIGTERM
lets an update in flight finish."""

import json
import os
import re
import time
import urllib.error
import urllib.request

import pytest

import bot as bot_package
from tests.e2e.processes import REPO_ROOT, ManagedProcess, free_port
from tests.support import clock
from tests.support.waiting import wait_until

SECRET = "e2e-webhook-secret-0123456789"


class WebhookBot(ManagedProcess):
    def __init__(self, emulator_url: str, workdir) -> None:
        self.port = free_port()
        env = dict(os.environ) | {
            "BOT_TOKEN": "777001:TEST-webhook-token",
            "TELEGRAM_API_BASE": emulator_url,
            "DATABASE_URL": f"sqlite+aiosqlite:///{workdir / 'bot.db'}",
            "WEBHOOK_URL": "https://example.org/wh",
            "WEBHOOK_SECRET": SECRET,
            "WEBHOOK_HOST": "127.0.0.1",
            "WEBHOOK_PORT": str(self.port),
            "WEBHOOK_PATH": "/wh",
            "PYTHONUNBUFFERED": "1",
        }
        super().__init__(
            "webhook-bot",
            clock.bot_command("run", "--webhook"),
            cwd=REPO_ROOT,
            env=env,
            log_path=workdir / "webhook.log",
        )
        self.base = f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 40.0) -> None:
        super().start()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.alive, self.log_path.read_text()
            try:
                if self.get("/healthz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise AssertionError("webhook bot did not become healthy")

    def get(self, path: str) -> tuple[int, bytes]:
        with urllib.request.urlopen(self.base + path, timeout=5) as response:
            return response.status, response.read()

    def post_update(self, update: dict, secret: str | None = SECRET) -> int:
        headers = {"Content-Type": "application/json"}
        if secret:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        request = urllib.request.Request(self.base + "/wh", data=json.dumps(update).encode(), headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code


def start_update(update_id: int, user_id: int) -> dict:
    user = {"id": user_id, "is_bot": False, "first_name": "Веб"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(time.time()),
            "chat": {"id": user_id, "type": "private"},
            "from": user,
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }


async def replies_to(emulator, chat_id: int) -> list[str]:
    return [m.text for m in await emulator.messages(chat_id)]


def handled(bot: WebhookBot, kind: str = "message") -> int:
    """Updates of this kind the process has finished with (a duplicate it skipped counts too:
    the metrics middleware wraps the de-duplication)."""
    found = re.search(rb'bot_updates_handled_total\{type="%s"\} ([0-9.]+)' % kind.encode(), bot.get("/metrics")[1])
    return int(float(found.group(1))) if found else 0


@pytest.fixture
def webhook_bot(emulator, tmp_path):
    bot = WebhookBot(emulator.base_url, tmp_path)
    bot.start()
    yield bot
    bot.stop()


async def test_secret_health_metrics_and_dedup(emulator, webhook_bot):
    assert webhook_bot.post_update(start_update(1, 555001), secret=None) == 401
    assert webhook_bot.post_update(start_update(1, 555001), secret="wrong-secret-0000000000") == 401
    status, health = webhook_bot.get("/healthz")
    assert status == 200 and json.loads(health)["ok"] is True
    assert json.loads(health)["version"] == bot_package.__version__  # which build answers
    assert webhook_bot.post_update(start_update(2, 555001)) == 200
    assert webhook_bot.post_update(start_update(2, 555001)) == 200  # Telegram's retry of the same update
    await wait_until(lambda: handled(webhook_bot) >= 2, 30, what="both deliveries of update 2 handled")
    texts = await replies_to(emulator, 555001)
    assert len([t for t in texts if "Согласие" in t]) == 1
    webhook_bot.stop()
    webhook_bot.start()
    assert webhook_bot.post_update(start_update(2, 555001)) == 200  # redelivered after a restart
    await wait_until(lambda: handled(webhook_bot) >= 1, 30, what="the redelivered update handled")
    assert len([t for t in await replies_to(emulator, 555001) if "Согласие" in t]) == 1
    status, body = webhook_bot.get("/metrics")
    assert status == 200 and b"bot_updates_handled_total" in body and b"bot_handler_latency_seconds" in body
    assert re.search(rb'bot_updates_handled_total\{type="message"\} [1-9]', body)  # recorded, not just declared
    assert b"bot_build_info{commit=" in body and f'version="{bot_package.__version__}"'.encode() in body
    assert "webhook set to https://example.org/wh; listening on 127.0.0.1:" in webhook_bot.log_path.read_text()


async def test_sigterm_lets_updates_in_flight_finish(emulator, webhook_bot):
    for i in range(10):
        assert webhook_bot.post_update(start_update(100 + i, 556000 + i)) == 200
    assert webhook_bot.stop() == 0  # SIGTERM right away: a clean exit after the handlers finished
    log = webhook_bot.log_path.read_text()
    assert "Traceback" not in log
    answered = [cid for cid in range(556000, 556010) if any("Согласие" in t for t in await replies_to(emulator, cid))]
    assert answered == list(range(556000, 556010))
