"""Smoke tests of the e2e harness itself, against the tiny aiogram bot in fake_bot.py."""

import asyncio
import sys
import time

import pytest

from .processes import HERE, start_bot


@pytest.fixture(scope="module")
def bot_process(emulator, tmp_path_factory):
    """Overrides the real bot: users made by ``make_user`` here talk to fake_bot.py."""
    process = start_bot(
        "fake_bot", [sys.executable, str(HERE / "fake_bot.py")], emulator.base_url, tmp_path_factory.mktemp("fake_bot")
    )
    try:
        yield process
    finally:
        process.stop()


async def press_flow(user):
    await user.send("/start")
    greeting = await user.wait_reply(contains="Hello")
    assert greeting.text == f"Hello, {user.user['first_name']}!"  # HTML stripped like Telegram does
    assert greeting.raw_text == f"Hello, <b>{user.user['first_name']}</b>!"
    assert [b["text"] for b in greeting.buttons] == ["Press me"]
    await user.click("Press me")
    edited = await user.wait_edit(greeting, contains=f"Pressed by {user.user_id}")
    assert edited.buttons == []  # editMessageText without reply_markup drops the keyboard
    assert edited.edits[-1]["text"] == edited.text
    assert (await user.wait_answer())["text"] == "done"


async def test_two_users_at_once(make_user):
    alice, bob = await make_user(first_name="Alice"), await make_user(first_name="Bob")
    await asyncio.gather(press_flow(alice), press_flow(bob))
    await asyncio.gather(alice.expect_silence(0.5), bob.expect_silence(0.5))


async def test_documents_both_ways(user, emulator):
    await user.send("/doc")
    sent = await user.wait_reply(predicate=lambda m: m.document is not None)
    assert sent.document["file_name"] == "report.txt"
    assert sent.caption == "Your report"
    assert await emulator.file_content(sent.document["file_id"]) == f"report for {user.user_id}".encode()

    await user.send_document("notes.txt", b"hello there", mime_type="text/plain")
    assert (await user.wait_reply(contains="got notes.txt")).text == "got notes.txt: hello there"


async def test_commands_and_reply_keyboard(user, emulator):
    calls = await emulator.calls("setMyCommands")
    assert calls and '"command":"doc"' in calls[-1]["params"]["commands"].replace(" ", "")
    await user.send("/menu")
    assert (await user.wait_reply(contains="Pick")).reply_buttons == ["Apples", "Pears"]
    await user.click("Pears")
    await user.wait_reply(contains="echo: Pears")


async def test_injected_failures(make_user, emulator):
    sender, target = await make_user(), await make_user()
    await emulator.fail(target.chat_id, 403)
    await sender.send(f"/send {target.chat_id} hi")
    await sender.wait_reply(contains="TelegramForbiddenError: Forbidden: bot was blocked by the user")

    await emulator.clear_failures()
    await emulator.fail(target.chat_id, 429, retry_after=3, times=1)
    await sender.send(f"/send {target.chat_id} hi")
    await sender.wait_reply(contains="TelegramRetryAfter retry_after=3")
    await sender.send(f"/send {target.chat_id} hi again")
    await sender.wait_reply(contains="sent")
    await target.wait_reply(contains="hi again")


async def test_updates_survive_restart(user, bot_process):
    bot_process.restart()
    await user.send("after restart")
    await user.wait_reply(contains="echo: after restart")
    bot_process.stop()
    await user.send("while down")  # queued by the emulator until the bot polls again
    bot_process.start()
    await user.wait_reply(contains="echo: while down")


async def test_idle_polling_does_not_spin(user, bot_process, emulator):
    await user.send("ping")
    await user.wait_reply(contains="ping")
    processes = [bot_process, emulator.process]
    cpu, wall = [p.cpu_seconds() for p in processes], time.monotonic()
    await asyncio.sleep(3)
    elapsed = time.monotonic() - wall
    for process, before in zip(processes, cpu, strict=True):
        busy = (process.cpu_seconds() - before) / elapsed
        # Idle long polling costs ~0%; a bot spinning on an immediate getUpdates shows ~50% here.
        assert busy < 0.25, f"{process.name} used {busy:.0%} of a core while the bot was idle"
