from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject
from aiogram.types import User as TgUser

from bot.services.shared import roles
from bot.services.shared.identity_cache import IdentityCache


class IdentityMiddleware(BaseMiddleware):
    """Loads who is acting (user row and role grants) once per update, in one query, or takes it
    from the identity cache (one-process deployments; see bot/services/shared/identity_cache.py)."""

    def __init__(self, admin_ids: list[int], cache: IdentityCache | None = None) -> None:
        self._admin_ids = admin_ids
        self._cache = cache

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        tg_user: TgUser | None = data.get("event_from_user")
        if tg_user is not None and not tg_user.is_bot:
            session = data["session"]
            if self._cache is not None:
                data["identity"] = await self._cache.load(session, tg_user.id, self._admin_ids)
            else:
                data["identity"] = await roles.load_identity(session, tg_user.id, self._admin_ids)
        return await handler(event, data)
