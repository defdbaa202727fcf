"""Which build is running: the release (`bot.__version__`) and, in a git checkout, the commit.

Shown by `python -m bot --version`, the start log line, /healthz and /metrics (`bot_build_info`)."""

import subprocess
from functools import lru_cache
from pathlib import Path

from bot import __version__

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@lru_cache(maxsize=1)
def commit() -> str | None:
    """The checkout's short commit id; None for a release archive (or when git cannot tell)."""
    if not (PROJECT_ROOT / ".git").exists():
        return None
    try:
        done = subprocess.run(
            ["git", "-C", str(PROJECT_ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None


def describe() -> str:
    """`0.2.0 (commit 1a2b3c4)`, or `0.2.0` without git."""
    found = commit()
    return f"{__version__} (commit {found})" if found else __version__
