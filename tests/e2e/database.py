"""The bot's database as the tests see it: the very URL the bot process uses (a SQLite file or a
PostgreSQL database), opened with the bot's own async engine, so one helper serves both backends.

Use the ``db`` fixture (conftest.py): ``await db.rows(select(...))``, ``await db.scalar(...)``,
``await db.write(update(...))``, ``async with db.session() as session`` for ORM work."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Executable, select

from bot.infra.db import create_engine, create_sessionmaker
from models import User


class BotDb:
    def __init__(self, url: str):
        self.url = url
        self.engine = create_engine(url)
        self.sessionmaker = create_sessionmaker(self.engine)

    def session(self):
        return self.sessionmaker()

    async def rows(self, statement: Executable) -> list[tuple]:
        async with self.session() as session:
            return [tuple(row) for row in (await session.execute(statement)).all()]

    async def scalars(self, statement: Executable) -> list[Any]:
        async with self.session() as session:
            return list(await session.scalars(statement))

    async def scalar(self, statement: Executable) -> Any:
        async with self.session() as session:
            return await session.scalar(statement)

    async def write(self, *statements: Executable) -> None:
        """Run statements in one transaction (what a test changes behind the bot's back)."""
        async with self.session() as session, session.begin():
            for statement in statements:
                await session.execute(statement)

    async def user(self, telegram_id: int) -> User | None:
        return await self.scalar(select(User).where(User.telegram_id == telegram_id))

    async def dispose(self) -> None:
        await self.engine.dispose()
