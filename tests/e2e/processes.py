"""Subprocess helpers of the e2e harness: the emulator (node) and a bot under test."""

from __future__ import annotations

import itertools
import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

from time_machine import escape_hatch

from tests.support import clock

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
ADMIN_ID = 900001  # in ADMIN_IDS of every bot started by start_bot()
RUNNING: list[ManagedProcess] = []  # live processes, their logs are attached to failed tests
_bot_ids = itertools.count(123456)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ManagedProcess:
    """A subprocess whose stdout/stderr go to ``log_path``; stop() is SIGTERM, then SIGKILL."""

    def __init__(self, name: str, cmd: list[str], *, cwd: Path, env: dict[str, str], log_path: Path):
        self.name, self.cmd, self.cwd, self.env, self.log_path = name, cmd, cwd, env, log_path
        self.proc: subprocess.Popen | None = None
        self.started_at = 0.0

    def start(self) -> None:
        assert not self.alive, f"{self.name} is already running"
        with open(self.log_path, "ab") as log:
            log.write(f"\n===== {time.strftime('%H:%M:%S')} start {' '.join(self.cmd)}\n".encode())
            self.proc = subprocess.Popen(
                self.cmd,
                cwd=self.cwd,
                env=clock.child_env(self.env),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        # Compared with the emulator's clock (node's, not travelled): the real time, not the test's.
        self.started_at = escape_hatch.time.time()
        RUNNING.append(self)

    def stop(self, timeout: float = 10.0) -> int | None:
        if self in RUNNING:
            RUNNING.remove(self)
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def log_text(self, tail: int | None = None) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-tail:]) if tail else text

    def cpu_seconds(self) -> float:
        """User + system CPU time consumed so far (Linux /proc)."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def fail(self, reason: str) -> None:
        raise RuntimeError(f"{self.name}: {reason}\n----- log {self.log_path} -----\n{self.log_text(200)}")


def get_json(url: str, timeout: float = 2.0) -> dict:
    with urllib.request.urlopen(url, timeout=timeout) as resp:  # loopback only
        return json.load(resp)


class EmulatorProcess(ManagedProcess):
    def __init__(self, emulator_dir: Path, log_path: Path):
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        cmd = ["node", "server.js", f"--port={self.port}", "--host=127.0.0.1"]
        super().__init__("emulator", cmd, cwd=emulator_dir, env=dict(os.environ), log_path=log_path)

    def start(self, timeout: float = 15.0) -> None:
        super().start()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.alive:
                self.fail("exited during startup")
            try:
                if get_json(f"{self.base_url}/_e2e/health", 0.5).get("ok"):
                    return
            except OSError:
                time.sleep(0.1)
        self.fail(f"not ready within {timeout}s")


class BotProcess(ManagedProcess):
    """A bot polling the emulator; start() returns once it has called getUpdates."""

    def __init__(self, name: str, cmd: list[str], *, cwd: Path, env: dict[str, str], log_path: Path, emulator_url: str):
        super().__init__(name, cmd, cwd=cwd, env=env, log_path=log_path)
        self.token = env["BOT_TOKEN"]
        self.database_url = env["DATABASE_URL"]
        self.redis_url = env.get("REDIS_URL")  # set: the dialog state lives in Redis
        self.emulator_url = emulator_url

    # A bound, not a timing assertion: a cold start imports aiogram's types twice (the migrate-and-seed
    # child, then the bot), which takes well over 30 s on a loaded 2-core machine.
    def start(self, timeout: float = 90.0) -> None:
        super().start()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.alive:
                self.fail(f"exited with code {self.proc.returncode} before polling")
            polled_at = get_json(f"{self.emulator_url}/_e2e/polls")["result"].get(self.token, 0)
            if polled_at >= self.started_at:
                return
            time.sleep(0.1)
        self.fail(f"did not call getUpdates within {timeout}s")

    def restart(self) -> None:
        """Stop (SIGTERM) and start again with the same environment (same database)."""
        code = self.stop()
        if code not in (0, -signal.SIGTERM, None):
            self.fail(f"exited with code {code} on SIGTERM")
        self.start()

    def kill(self) -> None:
        """SIGKILL: a crash, nothing is flushed or handed back (``start()`` brings it back)."""
        if self in RUNNING:
            RUNNING.remove(self)
        assert self.alive, f"{self.name} is not running"
        self.proc.kill()
        self.proc.wait()
        with open(self.log_path, "ab") as log:
            log.write(f"\n===== {time.strftime('%H:%M:%S')} killed (SIGKILL)\n".encode())


def start_bot(
    name: str, cmd: list[str], emulator_url: str, workdir: Path, extra_env: dict[str, str] | None = None
) -> BotProcess:
    """Start a bot subprocess (cwd = repo root) wired to the emulator; a new token and database per call."""
    env = (
        dict(os.environ)
        | {
            "BOT_TOKEN": f"{next(_bot_ids)}:TEST-token-abc",
            "TELEGRAM_API_BASE": emulator_url,
            "DATABASE_URL": f"sqlite+aiosqlite:///{workdir / 'bot.db'}",
            "ADMIN_IDS": str(ADMIN_ID),
            "LOG_LEVEL": "INFO",
            "PYTHONUNBUFFERED": "1",
            # Scripted users tap far faster than people; flood control has its own handler test.
            "THROTTLE_RATE": "500",
            # The scripted users register in the sample organization directory.
            "DEMO_DATA": "1",
        }
        | (extra_env or {})
    )
    process = BotProcess(name, cmd, cwd=REPO_ROOT, env=env, log_path=workdir / f"{name}.log", emulator_url=emulator_url)
    process.start()
    return process
