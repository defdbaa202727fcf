"""The project's keyboard builder lays rows out exactly like aiogram's InlineKeyboardBuilder."""

import pytest
from aiogram.utils.keyboard import InlineKeyboardBuilder

from handlers.callbacks import ProfileCb
from handlers.keyboard_builder import KeyboardBuilder


def _both(count: int, *sizes: int):
    ours, theirs = KeyboardBuilder(), InlineKeyboardBuilder()
    for n in range(count):
        for builder in (ours, theirs):
            builder.button(text=f"b{n}", callback_data=f"d{n}")
    if sizes != (None,):
        ours.adjust(*sizes)
        theirs.adjust(*sizes)
    return ours.as_markup(), theirs.as_markup()


@pytest.mark.parametrize(("count", "sizes"), [
    (0, ()), (1, (1,)), (7, (3,)), (9, (3, 1)), (12, (3, 1, 2)), (10, ()), (20, (None,)), (2, (5, 5)),
])
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
