"""The project's keyboard builder lays rows out exactly like aiogram's InlineKeyboardBuilder."""

import pytest
from aiogram.utils.keyboard import InlineKeyboardBuilder

from handlers.shared.callbacks import ProfileCb
from handlers.shared.keyboard_builder import KeyboardBuilder


def _both(count: int, *sizes: int):
    ours, theirs = KeyboardBuilder(), InlineKeyboardBuilder()
    for n in range(count):
        for builder in (ours, theirs):
            builder.button(text=f"b{n}", callback_data=f"d{n}")
    if sizes != (None,):
        ours.adjust(*sizes)
        theirs.adjust(*sizes)
    return ours.as_markup(), theirs.as_markup()


@pytest.mark.parametrize(
    ("count", "sizes"),
    [
        (0, ()),
        (1, (1,)),
        (7, (3,)),
        (9, (3, 1)),
        (12, (3, 1, 2)),
        (10, ()),
        (20, (None,)),
        (2, (5, 5)),
    ],
)
def test_rows_match_aiogram(count, sizes):
    ours, theirs = _both(count, *sizes)
    assert ours == theirs


def test_callback_data_is_packed_and_urls_kept():
    kb = KeyboardBuilder().button(text="a", callback_data=ProfileCb(field="name")).button(text="b", url="https://x.org")
    rows = kb.as_markup().inline_keyboard
    assert rows[0][0].callback_data == ProfileCb(field="name").pack()
    assert rows[0][1].url == "https://x.org" and rows[0][1].callback_data is None


def test_row_sizes_are_validated():
    with pytest.raises(ValueError):
        KeyboardBuilder().adjust(0)
    with pytest.raises(ValueError):
        KeyboardBuilder().adjust(9)


def _nav(page: int, pages: int, **kwargs) -> tuple[int, list[tuple[str, str]]]:
    kb = KeyboardBuilder()
    added = kb.page_nav(page, pages, lambda p: ProfileCb(field=f"p{p}"), **kwargs)
    rows = kb.as_markup().inline_keyboard
    return added, [(button.text, button.callback_data) for row in rows for button in row]


@pytest.mark.parametrize(
    ("page", "pages", "buttons"),
    [
        (0, 3, [("1/3", "p0"), ("▶", "p1")]),  # first page
        (1, 3, [("◀", "p0"), ("2/3", "p1"), ("▶", "p2")]),  # middle page
        (2, 3, [("◀", "p1"), ("3/3", "p2")]),  # last page
        (0, 1, []),  # a single page: no row at all
    ],
)
def test_page_nav(page, pages, buttons):
    added, shown = _nav(page, pages)
    assert shown == [(text, ProfileCb(field=data).pack()) for text, data in buttons]
    assert added == len(buttons)


@pytest.mark.parametrize(
    ("page", "pages", "buttons"),
    [
        (0, 3, [("▶", "p1")]),
        (1, 3, [("◀", "p0"), ("▶", "p2")]),
        (2, 3, [("◀", "p1")]),
        (0, 1, []),
    ],
)
def test_page_nav_without_counter(page, pages, buttons):
    added, shown = _nav(page, pages, counter=False)
    assert shown == [(text, ProfileCb(field=data).pack()) for text, data in buttons]
    assert added == len(buttons)


def test_page_nav_counts_only_its_own_buttons():
    kb = KeyboardBuilder().button(text="item", callback_data="x")
    assert kb.page_nav(1, 2, str) == 2
    assert [b.text for row in kb.adjust(1, 2).as_markup().inline_keyboard for b in row] == ["item", "◀", "2/2"]
