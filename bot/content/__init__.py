"""Content shipped as data files (YAML), loaded into the database by `python -m bot seed`."""

from pathlib import Path

CONTENT_DIR = Path(__file__).resolve().parent
