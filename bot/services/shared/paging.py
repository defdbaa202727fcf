"""Page arithmetic for every list screen (the buttons are KeyboardBuilder.page_nav in handlers).

A page number comes from callback_data, i.e. from the user: a stale or forged one is clamped, so
a number beyond the end shows the last page and a negative one the first."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

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
