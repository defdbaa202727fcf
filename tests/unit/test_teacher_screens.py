"""Pure pieces of the teacher's screens: the progress bar, labels cut at a word, step deadlines
paced by the activity's hours."""

from datetime import date

from bot.services.route.plan import paced
from handlers.shared.compact import cut, progress_bar


def test_a_small_progress_shows_on_the_bar_and_an_unfinished_one_is_not_full():
    assert progress_bar(9) == "▰▱▱▱▱▱▱▱▱▱"
    assert progress_bar(0) == "▱" * 10
    assert progress_bar(96) == "▰" * 9 + "▱"
    assert progress_bar(100) == "▰" * 10
    assert progress_bar(50) == "▰" * 5 + "▱" * 5


def test_a_long_label_is_cut_after_a_whole_word_with_an_ellipsis():
    title = "12. Курс по цифровой образовательной среде и ФГИС «Моя школа», 36 ч"
    short = cut(title, 54)
    assert short == "12. Курс по цифровой образовательной среде и ФГИС…"
    assert len(short) <= 54 and title.startswith(short[:-1])
    assert cut("Короткий шаг", 54) == "Короткий шаг"
    word = "Сверхдлинноесловобезпробелов" * 3
    assert cut(word, 20) == word[:19] + "…"


def test_a_step_is_due_in_proportion_to_its_hours():
    start, end = date(2026, 12, 7), date(2027, 6, 7)
    course, seminar, book = paced(start, end, [36, 4, 12])
    assert (course - start).days == 84  # 36 h at three hours a week, not 17 days
    assert (seminar - course).days == 10 and (book - seminar).days == 28
    assert paced(start, end, [2]) == [date(2026, 12, 14)]  # at least a week


def test_a_track_longer_than_the_period_ends_on_its_last_day():
    start, end = date(2026, 12, 7), date(2027, 3, 7)
    deadlines = paced(start, end, [72, 36, 12])
    assert deadlines[-1] == end and deadlines == sorted(deadlines) and deadlines[0] > start
