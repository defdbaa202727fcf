"""Outer middlewares on `update`, so every event type gets them, in this order:
in-flight counting (before aiogram's own) → metrics (webhook mode) → throttling (cheap, before any
DB work) → private chats only (personal features never run in a group) → (webhook only) update
de-duplication → one DB session per update → identity. One inner middleware on every event type,
TransactionMiddleware, reads the handler's `db` flag.
`commit_before_replies` is of another kind: a Bot API request middleware, installed on the bot."""

from bot.middlewares.db import DbSessionMiddleware, commit_before_replies, install_transaction_middleware
from bot.middlewares.dedup import DedupMiddleware
from bot.middlewares.identity import IdentityMiddleware
from bot.middlewares.inflight import InFlightMiddleware
from bot.middlewares.private import PrivateChatsOnly
from bot.middlewares.throttling import ThrottlingMiddleware

__all__ = [
    "DbSessionMiddleware",
    "DedupMiddleware",
    "IdentityMiddleware",
    "InFlightMiddleware",
    "PrivateChatsOnly",
    "ThrottlingMiddleware",
    "commit_before_replies",
    "install_transaction_middleware",
]
