"""Helpers for objective-check tests: the shipped task bank (what a seeded database holds as the
current bank), the keys and wrong answers of an area, a whole check taken through the screens, and
the checks written."""

from functools import cache

from sqlalchemy import select

from bot.content import CONTENT_DIR
from bot.services import content
from handlers.objective_check.ui import CheckAnswerCb
from models import ObjectiveCheck


@cache
def shipped_bank() -> dict:
    return content.parse("objective_tasks", (CONTENT_DIR / "objective_tasks.yaml").read_text(encoding="utf-8"))[0]


def keys(area: str, bank: dict | None = None) -> list[int]:
    return [task["answer"] for task in (bank or shipped_bank())["areas"][area]]


def wrong(area: str, bank: dict | None = None) -> list[int]:
    return [task["answer"] % len(task["options"]) + 1 for task in (bank or shipped_bank())["areas"][area]]


async def answer_all(user, options: list[int], start: int = 0) -> list[str]:
    shown: list[str] = []
    for index, option in enumerate(options[start:], start=start):
        shown = await user.click(CheckAnswerCb(index=index, option=option))
    return shown


async def take(user, area: str, right: bool, bank: dict | None = None) -> str:
    """/check, the area, every answer right (or every one wrong); the result screen."""
    await user.send("/check")
    await user.press(f"{area}. ")
    return (await answer_all(user, keys(area, bank) if right else wrong(area, bank)))[-1]


async def checks(sessionmaker) -> list[ObjectiveCheck]:
    async with sessionmaker() as session:
        return list(await session.scalars(select(ObjectiveCheck).order_by(ObjectiveCheck.id)))
