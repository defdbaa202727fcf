"""`python -m bot backup PATH`: a consistent, dated copy of the SQLite database while the bot runs."""

import os
import sqlite3
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupUnsupported(Exception):
    pass


def backup_name(source: Path, at: datetime) -> str:
    """`bot-20261207-090000.db` for `data/bot.db`: named after the database file and the local time,
    so copies sort by date and never overwrite each other."""
    return f"{source.stem}-{at:%Y%m%d-%H%M%S}{source.suffix}"


def backup_sqlite(database_url: str, target: Path, at: datetime | None = None) -> Path:
    """SQLite's online backup API copies a consistent snapshot even while the bot writes (WAL).
    The copy is readable by its owner only (mode 600): it holds personal data."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        raise BackupUnsupported("backup covers the embedded SQLite database; for PostgreSQL use pg_dump (see README)")
    source_path = Path(url.database or "")
    if not source_path.is_file():
        raise BackupUnsupported(f"database file {source_path} does not exist")
    # A directory (existing, or a path without a file suffix) receives a dated file named like the source.
    if target.is_dir() or not target.suffix:
        target = target / backup_name(source_path, at or datetime.now().astimezone())
    if target.exists():
        raise BackupUnsupported(f"{target} already exists; not overwriting it")
    target.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))  # private before a byte is written
    os.chmod(target, 0o600)  # whatever the umask
    source = sqlite3.connect(source_path)
    destination = sqlite3.connect(target)
    try:
        source.backup(destination)
    finally:
        destination.close()
        source.close()
    return target
