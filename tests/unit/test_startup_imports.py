"""The running bot stays lean: rendering libraries load on the first chart, PDF, workbook or
calendar file, and Alembic only in the child process that migrates (see bot.cli)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("matplotlib", "numpy", "PIL", "fpdf", "fontTools", "openpyxl", "icalendar", "alembic")

PROBE = f"""
import sys
import bot.runner, bot.webhook
from handlers import get_routers
get_routers()
print(",".join(sorted({{name.split(".")[0] for name in sys.modules}} & set({HEAVY!r}))))
"""


def test_starting_the_bot_imports_no_rendering_library_nor_alembic():
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
