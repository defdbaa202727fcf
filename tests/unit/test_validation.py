import pytest

from bot.services.shared.errors import InvalidInput
from bot.services.shared.validation import clean_text, parse_birth_year, parse_experience, parse_full_name
from handlers.shared.texts import plural


@pytest.mark.parametrize(
    "raw, clean",
    [
        ("  Иванова   Мария Петровна ", "Иванова Мария Петровна"),
        ("Анна-Мария О'Нил", "Анна-Мария О'Нил"),
        ("Петров А.В.", "Петров А.В."),
    ],
)
def test_names_accepted(raw, clean):
    assert parse_full_name(raw) == clean


@pytest.mark.parametrize("raw", ["", "   ", "Я", "Иван 2", "123", "а" * 121, "Иван\x00Петров", None])
def test_names_refused(raw):
    with pytest.raises(InvalidInput):
        parse_full_name(raw)


@pytest.mark.parametrize("raw", ["-1", "61", "два", "1.5", "", "99999"])
def test_experience_refused(raw):
    with pytest.raises(InvalidInput):
        parse_experience(raw)


def test_experience_bounds():
    assert parse_experience(" 0 ") == 0 and parse_experience("60") == 60


@pytest.mark.parametrize("raw", ["1800", "2020", "19ab", "0", "2026"])
def test_birth_year_refused(raw):
    with pytest.raises(InvalidInput) as info:
        parse_birth_year(raw, 2026)
    assert "год рождения" in info.value.user_message.lower()


def test_birth_year_range():
    assert parse_birth_year("1990", 2026) == 1990
    assert parse_birth_year("2009", 2026) == 2009


@pytest.mark.parametrize("n, word", [(1, "год"), (2, "года"), (5, "лет"), (11, "лет"), (21, "год"), (112, "лет")])
def test_plural(n, word):
    assert plural(n, "год", "года", "лет") == word


def test_clean_text_trims_keeps_line_breaks_and_refuses_empty_long_and_control_characters():
    assert clean_text("  Первая строка\n\tвторая  ", 50, "Комментарий") == "Первая строка\n\tвторая"
    for raw, said in (
        ("   ", "Комментарий: пришлите текст"),
        (None, "пришлите текст"),
        ("я" * 51, r"слишком длинно \(51 симв\.\), можно до 50"),
        ("звонок\x07", "управляющие символы"),
        ("нуль\x00", "управляющие символы"),
    ):
        with pytest.raises(InvalidInput, match=said):
            clean_text(raw, 50, "Комментарий")
    with pytest.raises(InvalidInput, match="нажмите «Пропустить»"):
        clean_text("", 50, "Комментарий", empty="Комментарий пустой. Напишите текст или нажмите «Пропустить».")
