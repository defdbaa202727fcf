"""`python -m bot backup PATH`: a consistent copy of the SQLite database while the bot runs."""

import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupUnsupported(Exception):
    pass


def backup_sqlite(database_url: str, target: Path) -> Path:
    """SQLite's online backup API copies a consistent snapshot even while the bot writes (WAL)."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        raise BackupUnsupported("backup covers the embedded SQLite database; for PostgreSQL use pg_dump (see README)")
    source_path = Path(url.database or "")
    if not source_path.is_file():
        raise BackupUnsupported(f"database file {source_path} does not exist")
    # A directory (existing, or a path without a file suffix) receives a file named like the source.
    if target.is_dir() or not target.suffix:
        target = target / source_path.name
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(source_path)
    destination = sqlite3.connect(target)
    try:
        source.backup(destination)
    finally:
        destination.close()
        source.close()
    return target
