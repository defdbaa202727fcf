"""Every filter in the dispatcher is awaited on the event loop. aiogram runs a synchronous filter
(a raw State, a magic F expression, a lambda) through a thread pool, a round trip per filter per
update; handlers/shared/filters.py says what to use instead."""

from aiogram import Dispatcher, F, Router

from handlers import get_routers
from handlers.shared.states import Registration


def synchronous_filters(dp: Dispatcher) -> list[str]:
    return [
        f"{router.name} {event}: {handler.callback.__name__} {event_filter.callback!r}"
        for router in dp.chain_tail
        for event, observer in router.observers.items()
        for handler in observer.handlers
        for event_filter in handler.filters or ()
        if not event_filter.awaitable
    ]


def handler_count(dp: Dispatcher) -> int:
    return sum(len(observer.handlers) for router in dp.chain_tail for observer in router.observers.values())


def test_no_handler_has_a_synchronous_filter():
    dp = Dispatcher()
    dp.include_routers(*get_routers())
    assert handler_count(dp) > 150  # the walk reaches the feature routers and their sub-routers
    assert synchronous_filters(dp) == []


def test_the_walk_finds_a_synchronous_filter():
    async def handler() -> None: ...

    router = Router(name="careless")
    router.message.register(handler, Registration.full_name, F.text)
    dp = Dispatcher()
    dp.include_router(router)
    assert len(synchronous_filters(dp)) == 2
