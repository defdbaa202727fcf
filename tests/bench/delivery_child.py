"""A delivery-only process for the kill/resume bench: drains the outbox, then exits.

python -m tests.bench.delivery_child DATABASE_URL API_BASE RATE LEASE_S
"""

import asyncio
import sys
from datetime import timedelta

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from bot.delivery.worker import DeliveryConfig, DeliveryWorker
from bot.infra.db import create_engine, create_sessionmaker


async def main(url: str, base: str, rate: float, lease_s: float) -> None:
    engine = create_engine(url)
    session = AiohttpSession(api=TelegramAPIServer.from_base(base))
    bot = Bot("123456:BENCH-token", session=session)
    config = DeliveryConfig(rate_per_s=rate, per_chat_interval_s=1.0, quiet_hours="", lease=timedelta(seconds=lease_s))
    worker = DeliveryWorker(bot, create_sessionmaker(engine), config)
    while await worker.run_once():
        pass
    await session.close()
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])))
