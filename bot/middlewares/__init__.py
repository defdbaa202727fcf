"""Outer middlewares on `update`, so every event type gets them, in this order:
in-flight counting (before aiogram's own) → metrics → throttling (cheap, before any DB work)
→ (webhook only) update de-duplication → one DB session per update → identity."""

from bot.middlewares.db import DbSessionMiddleware
from bot.middlewares.dedup import DedupMiddleware
from bot.middlewares.identity import IdentityMiddleware
from bot.middlewares.inflight import InFlightMiddleware
from bot.middlewares.throttling import ThrottlingMiddleware

__all__ = ["DbSessionMiddleware", "DedupMiddleware", "IdentityMiddleware", "InFlightMiddleware", "ThrottlingMiddleware"]
