"""Reading a content file's YAML for people who write it by hand: the parser's own (English)
complaints said in Russian with the line, and the line on which each entry of the file starts, so
that validation messages can point at it."""

from typing import Any

from bot.services.shared.errors import InvalidInput

# PyYAML's problem texts (the start of each), in the order they are checked.
PROBLEMS = (
    ("did not find expected key", "ожидалась строка вида «ключ: значение» — проверьте отступы и двоеточия"),
    ("did not find expected '-' indicator", "ожидался элемент списка «- …» — проверьте отступы"),
    ("did not find expected ',' or ']'", "не закрыта квадратная скобка «]» или пропущена запятая"),
    ("did not find expected ',' or '}'", "не закрыта фигурная скобка «}» или пропущена запятая"),
    ("did not find expected node content", "пропущено значение — проверьте скобки, запятые и дефисы"),
    ("mapping values are not allowed", "двоеточие в неожиданном месте — возьмите значение в кавычки"),
    ("could not find expected ':'", "после ключа не найдено двоеточие"),
    ("found unexpected ':'", "двоеточие в неожиданном месте — возьмите значение в кавычки"),
    ("found unexpected end of stream", "файл обрывается — не закрыта кавычка или скобка"),
    ("found character '\\t'", "символ табуляции — для отступов используйте пробелы"),
    ("found a tab character", "символ табуляции — для отступов используйте пробелы"),
    (
        "found character that cannot start any token",
        "недопустимый символ (табуляция в отступе, @ или ` в начале значения) — используйте пробелы, "
        "значение возьмите в кавычки",
    ),
    ("expected <block end>", "неверный отступ: строка сдвинута относительно соседних"),
    ("but found another document", "в файле несколько документов (---) — оставьте один"),
    ("expected a single document", "в файле несколько документов (---) — оставьте один"),
    ("found undefined alias", "ссылка *… на неизвестную метку"),
    ("found unknown escape character", "неизвестная последовательность с «\\» в строке в кавычках"),
)
UNKNOWN = "ошибка разметки — проверьте отступы, двоеточия и кавычки"


def explain(exc: Exception) -> str:
    """Where and what, in Russian: «строка 12, позиция 5: …»."""
    problem = str(getattr(exc, "problem", "") or "")
    what = next((ru for en, ru in PROBLEMS if problem.startswith(en)), UNKNOWN)
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    return f"строка {mark.line + 1}, позиция {mark.column + 1}: {what}" if mark is not None else what


class Lines:
    """The line (1-based) on which each node of the file starts, by its path of keys and indexes:
    at("areas", 2, "items", 0) is the first statement of the third area."""

    def __init__(self, node: Any = None) -> None:
        self._lines: dict[tuple, int] = {}
        if node is not None:
            self._walk(node, ())

    def _walk(self, node: Any, path: tuple) -> None:
        self._lines[path] = node.start_mark.line + 1
        if node.tag.endswith(":map"):
            for key, value in node.value:
                self._walk(value, (*path, key.value))
        elif node.tag.endswith(":seq"):
            for index, value in enumerate(node.value):
                self._walk(value, (*path, index))

    def at(self, *path: Any) -> int | None:
        return self._lines.get(path)


def load(raw_text: str, filename: str) -> tuple[Any, Lines]:
    """The file's data and its line index; a parse error is an InvalidInput naming the line."""
    import yaml  # only seeding and /content uploads parse YAML; the running bot reads rows

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        node = yaml.compose(raw_text, Loader=loader)
        data = yaml.load(raw_text, Loader=loader)
    except yaml.YAMLError as exc:
        raise InvalidInput(f"{filename}: файл не читается как YAML ({explain(exc)})") from None
    return data, Lines(node)
