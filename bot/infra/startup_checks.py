"""What `run` checks before it takes updates, each failure one clear line: Redis answers (a wrong
REDIS_URL would otherwise answer every update «Что-то пошло не так»), and Telegram is reachable,
waited for with backoff (school networks filter it; a proxy may be starting)."""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from aiogram import Bot
from aiogram.exceptions import TelegramNetworkError, TelegramUnauthorizedError
from aiogram.types import User

from bot.cli import StartupError, Unreachable

log = logging.getLogger(__name__)
FIRST_RETRY_S = 5.0
LONGEST_RETRY_S = 300.0


def masked(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()


async def check_redis(url: str, timeout_s: float = 5.0) -> None:
    from redis import asyncio as aioredis
    from redis.exceptions import AuthenticationError, RedisError, ResponseError

    try:
        client = aioredis.from_url(url, socket_connect_timeout=timeout_s, socket_timeout=timeout_s)
    except ValueError as exc:
        raise StartupError(f"REDIS_URL {masked(url)} is malformed ({exc}); expected redis://host:6379/0") from None
    try:
        await client.ping()
    except (AuthenticationError, ResponseError) as exc:
        raise StartupError(f"Redis at {masked(url)} refused the bot: {exc} (check REDIS_URL's password)") from None
    except (RedisError, OSError) as exc:
        raise Unreachable(f"cannot reach Redis at {masked(url)} (REDIS_URL): {exc}") from None
    finally:
        await client.aclose()


async def reach_telegram(
    bot: Bot, proxy: str | None, sleep: Callable[[float], Awaitable[object]] = asyncio.sleep
) -> User:
    """`getMe` until it answers: a network error waits (5 s, doubling up to 5 min) with one log line."""
    # A proxy that refuses or times out surfaces as aiohttp-socks' own errors, not aiogram's.
    from aiohttp_socks import ProxyConnectionError, ProxyError, ProxyTimeoutError

    unreachable = (
        TelegramNetworkError,
        OSError,
        asyncio.TimeoutError,
        ProxyError,
        ProxyConnectionError,
        ProxyTimeoutError,
    )
    delay = FIRST_RETRY_S
    while True:
        try:
            return await bot.me()
        except TelegramUnauthorizedError:
            raise StartupError("Telegram rejected BOT_TOKEN: check it with @BotFather") from None
        except unreachable as exc:
            through = (
                f"through the proxy {masked(proxy)}" if proxy else "directly (set TELEGRAM_PROXY if it is filtered)"
            )
            log.warning("Telegram is unreachable %s: %s; retrying in %.0f s", through, exc or type(exc).__name__, delay)
            await sleep(delay)
            delay = min(delay * 2, LONGEST_RETRY_S)
