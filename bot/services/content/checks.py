"""The base of content validation: typed fields and the top of a file, with messages that name
the file, the entry and what is wrong."""

from typing import Any

from bot.services.content.yaml_text import Lines
from bot.services.shared.errors import InvalidInput


class Check:
    """Validation with messages that name the file, the entry (and the line it starts on, when the
    file's line index is given) and what is wrong."""

    def __init__(self, filename: str, lines: Lines | None = None) -> None:
        self.filename = filename
        self.lines = lines or Lines()

    def line(self, *path: Any) -> str:
        """«, строка N» for the node at this path of the file, or nothing when unknown."""
        number = self.lines.at(*path)
        return f", строка {number}" if number else ""

    def fail(self, where: str, what: str):
        raise InvalidInput(f"{self.filename}: {where}: {what}" if where else f"{self.filename}: {what}")

    def field(self, data: dict, key: str, where: str, kind: type, default: Any = ..., limit: int = 0) -> Any:
        value = data.get(key)
        if value is None or value == "":
            if default is ...:
                self.fail(where, f"нет обязательного поля «{key}»")
            return default
        if kind is str and isinstance(value, int) and not isinstance(value, bool):
            value = str(value)  # `code: 3` written without quotes
        if kind is str and isinstance(value, float):
            self.fail(where, f"поле «{key}»: {value} прочитано как число, возьмите значение в кавычки")
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            names = {str: "строкой", int: "целым числом", list: "списком", dict: "набором полей", bool: "true/false"}
            self.fail(where, f"поле «{key}» должно быть {names[kind]}, а не {value!r}")
        if kind is str:
            value = value.strip()
            if limit and len(value) > limit:
                self.fail(where, f"поле «{key}» длиннее {limit} символов")
        return value

    def top(self, raw: Any, kind: str) -> dict:
        if not isinstance(raw, dict):
            self.fail("", "ожидался набор полей (kind, version, …) на верхнем уровне")
        found = self.field(raw, "kind", "", str)
        if found != kind:
            self.fail("поле «kind»", f"ожидалось «{kind}», в файле «{found}»")
        return raw
