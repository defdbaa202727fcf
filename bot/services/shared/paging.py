"""Page arithmetic for every list screen (the buttons are KeyboardBuilder.page_nav in handlers),
and `paged`, one page of a query's rows with the total.

A page number comes from callback_data, i.e. from the user: a stale or forged one is clamped, so
a number beyond the end shows the last page and a negative one the first."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

T = TypeVar("T")


@dataclass(frozen=True)
class Window:
    page: int  # 0-based, within 0..pages-1
    pages: int  # at least 1: an empty list is one empty page
    offset: int
    limit: int

    def slice(self, items: Sequence[T]) -> list[T]:
        return list(items[self.offset : self.offset + self.limit])


def window(total: int, page: int, size: int) -> Window:
    pages = max(1, -(-total // size))
    page = min(max(page, 0), pages - 1)
    return Window(page, pages, page * size, size)


@dataclass(frozen=True)
class Page:
    items: list
    page: int
    pages: int
    total: int = 0


async def paged(session: AsyncSession, query: Any, page: int, size: int) -> Page:
    """One page of `query` (already ordered): a row of one entity is that entity, else a tuple."""
    total = await session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    at = window(total, page, size)
    rows = (await session.execute(query.offset(at.offset).limit(at.limit))).all()
    return Page([row[0] if len(row) == 1 else tuple(row) for row in rows], at.page, at.pages, total)
