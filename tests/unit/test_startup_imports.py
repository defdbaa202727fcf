"""The running bot stays lean: rendering libraries load on the first chart, PDF, workbook or
calendar file, Alembic only in the child process that migrates (see bot.cli), YAML only where
content is seeded or uploaded, PostgreSQL's dialect only on PostgreSQL, prometheus_client only in
webhook mode (the only mode that serves /metrics)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = (
    "matplotlib",
    "numpy",
    "PIL",
    "fpdf",
    "fontTools",
    "openpyxl",
    "icalendar",
    "alembic",
    "yaml",
    "sqlalchemy.dialects.postgresql",
    "prometheus_client",
)

PROBE = f"""
import sys
import bot.runner, bot.webhook
from handlers import get_routers
get_routers()
print(",".join(sorted(name for name in {HEAVY!r} if name in sys.modules)))
"""


def test_starting_the_bot_imports_no_heavy_module_it_does_not_need():
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
