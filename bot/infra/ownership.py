"""Run as root, a console command would create the SQLite database (or its -wal/-shm files, or the
data directory) owned by root, and the service user then fails with «attempt to write a readonly
database». Refuse, naming the user to run as."""

import os
import pwd
from pathlib import Path

from sqlalchemy.engine import make_url


def _owner(path: Path) -> tuple[int, str]:
    uid = path.stat().st_uid
    try:
        return uid, pwd.getpwuid(uid).pw_name
    except KeyError:
        return uid, str(uid)


def root_problem(database_url: str, euid: int | None = None) -> str | None:
    """A one-line reason not to go on as root, or None (not root, not SQLite, or root owns the files)."""
    euid = os.geteuid() if euid is None else euid
    url = make_url(database_url)
    if euid != 0 or url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    path = Path(url.database).resolve()
    existing = next(candidate for candidate in (path, *path.parents) if candidate.exists())
    uid, name = _owner(existing)
    if uid == 0:
        return None
    return (
        f"running as root would leave files in {path.parent} owned by root, and the bot (running as {name}) "
        f"could not write its database any more; run the command as {name}: sudo -u {name} .venv/bin/python -m bot ..."
    )
