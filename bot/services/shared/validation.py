"""Parsing and checking of what people type. Each function returns a clean value or raises."""

import re
import unicodedata

from bot.services.shared.errors import InvalidInput

NAME_MAX = 120
# Names are free text (double-barrelled, initials, apostrophes, foreign scripts); only digits and
# invisible control characters are refused. Whatever else comes in is escaped at render time.
LETTER = re.compile(r"[^\W\d_]")
MAX_EXPERIENCE = 60
MIN_AGE, MAX_AGE = 17, 90


def ascii_number(text: str | None, max_digits: int) -> int | None:
    """The whole text as a whole number written in ASCII digits, at most `max_digits` of them; None
    otherwise. Every typed number and id goes through this or an [0-9] pattern: `str.isdigit()` and
    `\\d` also accept «²» or «٣», and an unbounded number turns into infinity in float()."""
    raw = (text or "").strip()
    if not re.fullmatch(f"[0-9]{{1,{max_digits}}}", raw):
        return None
    return int(raw)


def clean_text(text: str | None, limit: int, what: str, *, empty: str | None = None) -> str:
    """The one check for free text people type (titles, comments, messages, reviews): trimmed, not
    empty, at most `limit` characters, no invisible control characters (line breaks and tabs are
    fine). `what` names the field in the Russian message; `empty` replaces the "nothing typed" one."""
    value = (text or "").strip()
    if not value:
        raise InvalidInput(empty or f"{what}: пришлите текст — пустое сообщение не подходит.")
    if len(value) > limit:
        raise InvalidInput(f"{what}: слишком длинно ({len(value)} симв.), можно до {limit}.")
    if any(unicodedata.category(ch) == "Cc" and ch not in "\n\t" for ch in value):
        raise InvalidInput(f"{what}: в тексте есть невидимые управляющие символы. Уберите их и отправьте снова.")
    return value


def parse_full_name(text: str | None) -> str:
    name = " ".join((text or "").split())
    if not name:
        raise InvalidInput("Введите ФИО текстом, например: Иванова Мария Петровна.")
    if len(name) > NAME_MAX:
        raise InvalidInput(f"Слишком длинно: не больше {NAME_MAX} символов.")
    if len(LETTER.findall(name)) < 2 or any(ch.isdigit() or unicodedata.category(ch)[0] == "C" for ch in name):
        raise InvalidInput("ФИО должно состоять из букв, без цифр. Например: Иванова Мария Петровна.")
    if len(name.split()) < 2:  # the ИОМ and the methodist's lists need at least a surname and a name
        raise InvalidInput(
            "Введите фамилию и имя (и отчество, если есть) через пробел, например: Иванова Мария Петровна."
        )
    return name


def parse_int(text: str | None, *, low: int, high: int, what: str) -> int:
    value = ascii_number(text, 4)
    if value is None:
        raise InvalidInput(f"Введите {what} числом от {low} до {high}.")
    if not low <= value <= high:
        raise InvalidInput(f"{what.capitalize()} должен быть от {low} до {high}.")
    return value


def parse_experience(text: str | None) -> int:
    return parse_int(text, low=0, high=MAX_EXPERIENCE, what="стаж (полных лет)")


def parse_birth_year(text: str | None, current_year: int) -> int:
    low, high = current_year - MAX_AGE, current_year - MIN_AGE
    if not re.fullmatch(r"[0-9]{4}", (text or "").strip()):  # «85» means 1985 to a person, not to us
        raise InvalidInput(f"Введите год рождения четырьмя цифрами, например 1985 (от {low} до {high}).")
    return parse_int(text, low=low, high=high, what="год рождения")
