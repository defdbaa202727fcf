"""Who may use a feature: router-level filters, and the refusal a person reads when they may not.

A feature module registers its handlers on a `Gate` instead of a bare Router:

    gate = Gate(__name__, Methodist())
    gate.message(stats_command, Command("stats"))      # only methodists (and admins) get here
    gate.router.callback_query.register(open_to_all, SomeCb.filter())   # not gated
    return gate.router

A router whose filter fails hands the update on to the next router, and in the end to the
fallback ("unknown command", "stale button"), which would not say why. So each gated handler is
registered twice: behind `who`, and with the same filters behind `~who` on a refusal handler that
raises AccessDenied with `who.refusal`; errors.py turns it into a message or an alert, as every
domain error. The refusal thus answers exactly what the handler would have taken.

These checks only decide which screens a person reaches. Services re-check access for every
action on an object (ids in callback data are user input), and orgs.Scope limits organizations.
"""

from collections.abc import Callable
from typing import Any

from aiogram import Router
from aiogram.filters import Filter
from aiogram.types import TelegramObject
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import content_admin, roles
from bot.services.errors import AccessDenied, NotRegistered
from bot.services.roles import Identity


class Access(Filter):
    """Admits a person by their identity; `refusal` is what someone refused reads."""

    refusal: str

    async def __call__(self, event: TelegramObject, identity: Identity | None = None,
                       session: AsyncSession | None = None) -> bool:
        return identity is not None and await self.admits(identity, session)

    async def admits(self, identity: Identity, session: AsyncSession | None) -> bool:
        raise NotImplementedError


class Registered(Access):
    """Has a user row (finished registration); `admins` also lets unregistered admins in."""

    def __init__(self, *, admins: bool = False, refusal: str = NotRegistered().user_message) -> None:
        self.admins, self.refusal = admins, refusal

    async def admits(self, identity: Identity, session: AsyncSession | None) -> bool:
        return identity.user is not None or (self.admins and identity.is_admin)


class Methodist(Access):
    """A methodist of any scope, or an admin; what lies in their scope is the services' check."""

    refusal = roles.METHODISTS_ONLY

    async def admits(self, identity: Identity, session: AsyncSession | None) -> bool:
        return roles.is_methodist(identity)


class Admin(Access):
    refusal = roles.ADMINS_ONLY

    async def admits(self, identity: Identity, session: AsyncSession | None) -> bool:
        return identity.is_admin


class ContentAdmin(Access):
    """Regional methodists and admins (questionnaires and the catalogue are regional)."""

    refusal = content_admin.CONTENT_ADMINS_ONLY

    async def admits(self, identity: Identity, session: AsyncSession | None) -> bool:
        return session is not None and await content_admin.is_content_admin(session, identity)


class Gate:
    """A feature's router: handlers registered through `message` / `callback_query` are for `who`
    only, and anyone else whom they would have taken reads `who.refusal`. Handlers registered on
    `router` directly are open to all and are tried first."""

    def __init__(self, name: str, who: Access) -> None:
        self.router = Router(name=name)
        self._allowed = Router(name=f"{name}.allowed")
        self._refused = Router(name=f"{name}.refused")
        for observer in (self._allowed.message, self._allowed.callback_query):
            observer.filter(who)
        for observer in (self._refused.message, self._refused.callback_query):
            observer.filter(~who)
        self.router.include_routers(self._allowed, self._refused)
        self._refusal = who.refusal

    def message(self, handler: Callable[..., Any], *filters: Any, **kwargs: Any) -> None:
        self._allowed.message.register(handler, *filters, **kwargs)
        self._refused.message.register(self._refuse, *filters)

    def callback_query(self, handler: Callable[..., Any], *filters: Any, **kwargs: Any) -> None:
        self._allowed.callback_query.register(handler, *filters, **kwargs)
        self._refused.callback_query.register(self._refuse, *filters)

    async def _refuse(self, event: TelegramObject) -> None:
        raise AccessDenied(self._refusal)
