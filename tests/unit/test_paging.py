"""The page arithmetic every list shares: a forged page number never shows an empty screen."""

from bot.services.shared.paging import window


def test_window_counts_pages_and_clamps_forged_numbers():
    assert window(0, 0, 10) == window(0, 5, 10)  # an empty list is one empty page
    assert (window(0, 0, 10).page, window(0, 0, 10).pages) == (0, 1)
    assert (window(25, 1, 10).offset, window(25, 1, 10).limit, window(25, 1, 10).pages) == (10, 10, 3)
    last = window(25, 99, 10)  # beyond the end: the last page
    assert (last.page, last.offset) == (2, 20)
    assert last.slice(list(range(25))) == [20, 21, 22, 23, 24]
    assert window(25, -3, 10).page == 0
    assert window(30, 3, 10).page == 2 and window(30, 3, 10).pages == 3
