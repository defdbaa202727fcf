from types import SimpleNamespace

from bot.middlewares.throttling import ThrottlingMiddleware


async def test_window_allows_rate_then_drops_until_reset():
    now = [0.0]
    middleware = ThrottlingMiddleware(rate=2, window_s=5, clock=lambda: now[0])
    handled = []

    async def handler(event, data):
        handled.append(event)

    data = {"event_from_user": SimpleNamespace(id=1)}
    for _ in range(5):
        await middleware(handler, object(), data)  # not an Update: no warning is sent
    assert len(handled) == 2
    now[0] = 5.0
    await middleware(handler, object(), data)
    assert len(handled) == 3
    await middleware(handler, object(), {"event_from_user": SimpleNamespace(id=2)})
    assert len(handled) == 4
