"""Buttons find their router by the callback prefix alone.

aiogram offers a button press to every router in turn, and each router to each of its handlers,
whose `CallbackData.filter()` unpacks the data only to find another prefix; ~50 routers stand in
front of the last features. `narrow_to_prefixes` gives a router whose button handlers all take
CallbackData one root filter on those prefixes, so a press for another feature passes that router
after a string comparison (measured: +4% questionnaire steps per second).

A router keeps no such filter if one of its button handlers (or its sub-routers') takes a press
by other means, e.g. a magic filter on `F.data`: it must still see every press.
"""

from aiogram import Router
from aiogram.filters import Filter
from aiogram.filters.callback_data import CallbackQueryFilter
from aiogram.types import CallbackQuery


class CallbackPrefixes(Filter):
    """Passes a press whose data starts with one of `prefixes` followed by its separator."""

    def __init__(self, prefixes: dict[str, str]) -> None:
        self.prefixes = prefixes  # prefix -> separator, as each CallbackData class packs it

    async def __call__(self, query: CallbackQuery) -> bool:
        data = query.data
        if not data:
            return False
        return any(data.startswith(prefix + separator) for prefix, separator in self.prefixes.items())


def button_prefixes(router: Router) -> dict[str, str] | None:
    """The CallbackData prefixes of every button handler of `router` and its sub-routers, or None
    when one of them takes presses some other way."""
    prefixes: dict[str, str] = {}
    for handler in router.callback_query.handlers:
        kinds = [f.callback.callback_data for f in handler.filters or () if isinstance(f.callback, CallbackQueryFilter)]
        if not kinds:
            return None
        prefixes[kinds[0].__prefix__] = kinds[0].__separator__
    for sub_router in router.sub_routers:
        found = button_prefixes(sub_router)
        if found is None:
            return None
        prefixes.update(found)
    return prefixes


def narrow_to_prefixes(routers: list[Router]) -> None:
    for top in routers:
        for router in top.chain_tail:
            prefixes = button_prefixes(router)
            if prefixes:
                router.callback_query.filter(CallbackPrefixes(prefixes))
