"""aiogram routers only. `get_routers()` builds them fresh, in priority order.

Each feature module exposes `setup() -> Router`, which creates a new Router and registers the
module's handlers on it (a router can be attached to one dispatcher only, and the tests build many
dispatchers). The handler functions themselves stay module-level, so a module is executed once.
Features for some people only use handlers.access.GatedRouter; their refusals come just before
the fallback.
"""

import importlib

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
    # Imported here, not at the top: `import handlers.callbacks` must not load every feature.
    features = [importlib.import_module(name) for name in _FEATURE_MODULES]
    common, access = importlib.import_module("handlers.common"), importlib.import_module("handlers.access")
    routers = [feature.setup() for feature in features]
    return routers + [access.refusals(routers), common.setup_fallback()]
