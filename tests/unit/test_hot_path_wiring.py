"""Wiring that keeps every update cheap: button presses skip routers by their CallbackData prefix,
and the Bot API response models stay built between garbage collections."""

import gc
import weakref

from aiogram import F, Router
from aiogram.filters.callback_data import CallbackData
from aiogram.methods import SendMessage
from aiogram.methods.base import Response
from aiogram.types import CallbackQuery
from aiogram.types import User as TgUser

from bot.app import create_bot
from bot.config import Settings
from handlers import get_routers
from handlers.shared.callback_routing import button_prefixes, narrow_to_prefixes


class FirstCb(CallbackData, prefix="first"):
    n: int


class SecondCb(CallbackData, prefix="second"):
    n: int


def press(data: str) -> CallbackQuery:
    return CallbackQuery(id="1", from_user=TgUser(id=1, is_bot=False, first_name="T"), chat_instance="c", data=data)


async def handler(query: CallbackQuery) -> None:
    """Never called: the tests only look at the filters."""


async def admitted(router: Router, data: str) -> bool:
    passed, _ = await router.callback_query.check_root_filters(press(data))
    return passed


async def test_a_router_of_callback_data_handlers_admits_only_its_prefixes():
    router, sub = Router(), Router()
    router.callback_query.register(handler, FirstCb.filter())
    sub.callback_query.register(handler, SecondCb.filter(F.n == 2))
    router.include_router(sub)
    assert button_prefixes(router) == {"first": ":", "second": ":"}
    assert await admitted(router, "third:1")  # before: every press reaches every router
    narrow_to_prefixes([router])
    assert await admitted(router, FirstCb(n=1).pack()) and await admitted(router, SecondCb(n=5).pack())
    assert not await admitted(router, "firstly:1") and not await admitted(router, "third:1")


async def test_a_router_that_takes_presses_some_other_way_sees_every_press():
    router = Router()
    router.callback_query.register(handler, FirstCb.filter())
    router.callback_query.register(handler, F.data == "noop")
    assert button_prefixes(router) is None
    narrow_to_prefixes([router])
    assert await admitted(router, "noop")


def test_every_feature_router_with_buttons_is_narrowed():
    """Only the refusals and the fallback, which must see every press, get no prefix filter."""
    wide = [
        router.name
        for top in get_routers()
        for router in top.chain_tail
        if router.callback_query.handlers and button_prefixes(router) is None
    ]
    assert wide == ["handlers.shared.access.refusals", "handlers.shared.common.fallback"]


async def test_the_response_model_of_a_sent_message_survives_garbage_collection():
    bot = create_bot(Settings(_env_file=None, bot_token="123456:TEST-token"))
    try:
        model = weakref.ref(Response[SendMessage.__returning__])
        gc.collect()
        assert model() is not None and model() is Response[SendMessage.__returning__]
    finally:
        await bot.session.close()
