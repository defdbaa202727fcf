"""aiogram routers only. `get_routers()` builds them fresh, in priority order.

A router can be attached to one dispatcher only and the tests build many dispatchers, so each
later call re-executes the feature modules (their module-level `router` objects are created anew).
The first call only imports them: executing every module twice at start-up costs memory for good.
"""

import importlib
import sys

from aiogram import Router

# Commands that work inside any dialog (/help, /cancel) come first; the catch-all fallback last.
_FEATURE_MODULES = [
    "handlers.errors", "handlers.common", "handlers.start", "handlers.profile", "handlers.privacy",
    "handlers.admin", "handlers.invites", "handlers.org_picker", "handlers.registration",
    "handlers.event_create", "handlers.events_admin", "handlers.events", "handlers.diagnosis",
    "handlers.route", "handlers.mentoring_pairs", "handlers.mentoring_dashboard", "handlers.mentoring_relay",
    "handlers.broadcast", "handlers.audit", "handlers.stats", "handlers.content_admin",
]


def get_routers() -> list[Router]:
    modules = [importlib.reload(sys.modules[name]) if name in sys.modules else importlib.import_module(name)
               for name in _FEATURE_MODULES]
    common = importlib.import_module("handlers.common")
    return [module.router for module in modules] + [common.fallback_router]
