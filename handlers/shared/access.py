"""Who may use a feature: router-level filters, and the refusal a person reads when they may not.

A feature module whose handlers are for some people only builds a `GatedRouter` instead of a
Router and registers on it as usual:

    router = GatedRouter(name=__name__, who=Methodist())
    router.message.register(stats_command, Command("stats"))

A router whose filter fails hands the update on to the next router and in the end to the fallback
("unknown command", "stale button"), which would not say why. So `refusals()` gives every gated
router a refusal that raises AccessDenied with `who.refusal` when one of its handlers' own filters
would have taken the update (`WouldHandle`); this router goes just before the fallback, and
errors.py answers as for any domain error. Someone refused reads the reason exactly when a gated
handler would have taken their update; a button of a dialog step that is not open (a state
filter fails) is still "stale".

These checks only decide which screens a person reaches. Services re-check access for every
action on an object (ids in callback data are user input), and orgs.Scope limits organizations.
"""

from abc import abstractmethod
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import Router
from aiogram.dispatcher.event.telegram import TelegramEventObserver
from aiogram.filters import Filter
from aiogram.types import TelegramObject
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.admin import content as content_admin
from bot.services.shared import roles
from bot.services.shared.errors import AccessDenied, NotRegistered
from bot.services.shared.roles import Identity


class Access(Filter):
    """Admits a person by their identity; `refusal` is what someone refused reads."""

    refusal: str

    async def __call__(
        self, event: TelegramObject, identity: Identity | None = None, session: AsyncSession | None = None
    ) -> bool:
        return identity is not None and await self.admits(identity, session)

    @abstractmethod
    async def admits(self, identity: Identity, session: AsyncSession | None) -> bool:
        """Whether this person passes; each access rule says it its own way."""


class Registered(Access):
    """Has a user row (finished registration); `staff` also lets in unregistered admins and
    methodists (a role can be granted before its holder registers)."""

    def __init__(self, *, staff: bool = False, refusal: str = NotRegistered().user_message) -> None:
        self.staff, self.refusal = staff, refusal

    async def admits(self, identity: Identity, session: AsyncSession | None) -> bool:
        return identity.user is not None or (self.staff and roles.is_methodist(identity))


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


class GatedRouter(Router):
    """A Router only `who` may use: its message and callback_query handlers are behind `who`."""

    def __init__(self, *, name: str, who: Access) -> None:
        super().__init__(name=name)
        self.who = who
        self.message.filter(who)
        self.callback_query.filter(who)


def refusals(routers: list[Router]) -> Router:
    """The refusals of every GatedRouter in `routers` (and their sub-routers), decided by the gated
    handlers' own filters; goes after all features, just before the fallback."""
    refused = Router(name=f"{__name__}.refusals")
    gated = [router for top in routers for router in top.chain_tail if isinstance(router, GatedRouter)]
    for router in gated:  # one router for all: each Router costs ~35 KB of resident memory
        refuse = _refusal(router.who.refusal)
        for event in ("message", "callback_query"):
            observer = router.observers[event]
            if observer.handlers:
                refused.observers[event].register(refuse, ~router.who, WouldHandle(observer))
    return refused


class WouldHandle(Filter):
    """Passes when one of the observer's handlers would take the event, i.e. its own filters
    pass (the router-level `who` aside). It reuses the handlers' filter objects: a copy of every
    gated handler cost ~1.4 MB of resident memory for a path only a refused person takes."""

    def __init__(self, observer: TelegramEventObserver) -> None:
        self.observer = observer

    async def __call__(self, event: TelegramObject, **data: Any) -> bool:
        for handler in self.observer.handlers:
            matched, _ = await handler.check(event, **data)
            if matched:
                return True
        return False


def _refusal(text: str) -> Callable[[TelegramObject], Awaitable[None]]:
    async def refuse(event: TelegramObject) -> None:
        raise AccessDenied(text)

    return refuse
