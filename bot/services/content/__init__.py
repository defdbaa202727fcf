"""Content as data: questionnaires, scoring rules, the activity catalogue and the task bank of the
objective check.

Files are validated before anything is written; a version row is kept per distinct checksum and
kind, the newest loaded is current, and an attempt keeps the version it was taken on.

This package is the public API (callers use `content.X`); the parts live in sub-modules:
`schema` (what the files may hold), `model` (the typed questionnaire), `checks`,
`questionnaire_file`, `catalog_file` and `task_bank_file` (validation with messages for methodists), `versions`
(parsing, loading, seeding, the current version, the catalogue table) and `lookups` (reading
current and past versions).
"""

from bot.services.content.framework import FrameworkChange
from bot.services.content.lookups import (
    activities,
    current_questionnaire,
    current_version,
    questionnaire,
    questionnaire_of,
)
from bot.services.content.model import Area, Item, Questionnaire, Scoring, Zone, build_questionnaire
from bot.services.content.schema import AREA_CODES, FILES, FORM_ORDER, FORMATS, SCALE_VALUES, VARIANT_KINDS, ZONE_CODES
from bot.services.content.versions import load_content, parse, seed_content

__all__ = [
    "AREA_CODES",
    "FILES",
    "FORMATS",
    "FORM_ORDER",
    "FrameworkChange",
    "SCALE_VALUES",
    "VARIANT_KINDS",
    "ZONE_CODES",
    "Area",
    "Item",
    "Questionnaire",
    "Scoring",
    "Zone",
    "build_questionnaire",
    "load_content",
    "parse",
    "seed_content",
    "activities",
    "current_questionnaire",
    "current_version",
    "questionnaire",
    "questionnaire_of",
]
