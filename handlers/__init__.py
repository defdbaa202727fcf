"""aiogram routers only. `get_routers()` builds them fresh, in priority order.

Each feature module exposes `setup() -> Router`, which creates a new Router and registers the
module's handlers on it (a router can be attached to one dispatcher only, and the tests build many
dispatchers). The handler functions themselves stay module-level, so a module is executed once.
Features for some people only use handlers.shared.access.GatedRouter; their refusals come just before
the fallback.
"""

import importlib

from aiogram import Router

# Commands that work inside any dialog (/help, /cancel) come first; the catch-all fallback last.
_FEATURE_MODULES = [
    "handlers.shared.errors",
    "handlers.shared.common",
    "handlers.onboarding.start",
    "handlers.onboarding.profile",
    "handlers.onboarding.privacy",
    "handlers.admin.methodists",
    "handlers.onboarding.invites",
    "handlers.shared.org_picker",
    "handlers.onboarding.registration",
    "handlers.events.create",
    "handlers.events.edit",
    "handlers.events.manage",
    "handlers.events.teacher",
    "handlers.diagnosis.handlers",
    "handlers.route.handlers",
    "handlers.route.steps",
    "handlers.objective_check.handlers",
    "handlers.objective_check.review",
    "handlers.route.approval",
    "handlers.courses.record",
    "handlers.courses.manage",
    "handlers.courses.review",
    "handlers.courses.bulk",
    "handlers.mentoring.pairs",
    "handlers.mentoring.dashboard",
    "handlers.mentoring.relay",
    "handlers.broadcasts.handlers",
    "handlers.broadcasts.audience",
    # professional communities (issue 14)
    "handlers.communities.browse",
    "handlers.communities.manage",
    "handlers.communities.announce",
    "handlers.communities.groups",
    "handlers.communities.meetings",
    "handlers.admin.audit",
    "handlers.monitoring.handlers",
    # Exchange of experience (issue 15): the bank of practices and open lessons.
    "handlers.practices.moderate",
    "handlers.practices.publish",
    "handlers.practices.browse",
    "handlers.practices.questions",
    "handlers.lessons.offer",
    "handlers.lessons.browse",
    "handlers.lessons.observe",
    "handlers.lessons.review",
    "handlers.admin.content",
]


def get_routers() -> list[Router]:
    # Imported here, not at the top: `import handlers.shared.callbacks` must not load every feature.
    features = [importlib.import_module(name) for name in _FEATURE_MODULES]
    common, access, callback_routing = (
        importlib.import_module("handlers.shared.common"),
        importlib.import_module("handlers.shared.access"),
        importlib.import_module("handlers.shared.callback_routing"),
    )
    routers = [feature.setup() for feature in features]
    callback_routing.narrow_to_prefixes(routers)
    return routers + [access.refusals(routers), common.setup_fallback()]
