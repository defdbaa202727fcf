"""What an author types or sends for a practice: every field checked here, once when typed in the
dialog and again when the whole practice is submitted (the dialog's saved data is not trusted)."""

from dataclasses import dataclass
from urllib.parse import urlsplit

from bot.services.shared.errors import InvalidInput
from bot.services.shared.labels import TEACHER_AREAS
from bot.services.shared.validation import clean_text

MAX_TITLE, MAX_SUBJECT, MAX_DESCRIPTION, MAX_COMMENT, MAX_LINK = 150, 100, 1500, 1000, 500
MAX_ITEMS = 10
# Telegram lets a bot download files up to 20 MB: larger ones could not be handed on.
MAX_FILE_BYTES = 20 * 1024 * 1024
DOCUMENT_TYPES = {
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".ppt": "application/vnd.ms-powerpoint",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".odp": "application/vnd.oasis.opendocument.presentation",
}
LEVELS = {"noo": "начальная школа", "ooo": "основная школа", "soo": "старшая школа", "any": "любой уровень"}
AREAS = tuple(str(code) for code in TEACHER_AREAS)


def parse_title(text: str | None) -> str:
    return " ".join(clean_text(text, MAX_TITLE, "Название практики").split())


def parse_subject(text: str | None) -> str:
    return " ".join(clean_text(text, MAX_SUBJECT, "Предмет").split())


def parse_description(text: str | None) -> str:
    return clean_text(text, MAX_DESCRIPTION, "Описание")


def parse_comment(text: str | None) -> str:
    return clean_text(text, MAX_COMMENT, "Комментарий")


def parse_level(code: str | None) -> str:
    if code not in LEVELS:
        raise InvalidInput("Выберите уровень образования кнопкой.")
    return code


def parse_areas(codes: list[str] | None) -> list[str]:
    chosen = sorted({str(code) for code in codes or []})
    if not chosen:
        raise InvalidInput("Отметьте хотя бы одну область компетенций.")
    if any(code not in AREAS for code in chosen):
        raise InvalidInput("Выберите области кнопками из списка.")
    return chosen


def parse_items(codes: list[str] | None, areas: list[str], known: set[str]) -> list[str]:
    """Item codes of the questionnaire (`known`) that belong to the chosen areas."""
    chosen = sorted({str(code) for code in codes or []}, key=lambda c: [int(p) for p in c.split(".")])
    if len(chosen) > MAX_ITEMS:
        raise InvalidInput(f"Отметьте не больше {MAX_ITEMS} утверждений.")
    if any(code not in known or code.split(".")[0] not in areas for code in chosen):
        raise InvalidInput("Утверждения выбираются кнопками из отмеченных областей.")
    return chosen


def parse_link(text: str | None) -> str:
    value = (text or "").strip()
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(ch.isspace() for ch in value):
        raise InvalidInput(
            "Материал можно прислать документом, фото или ссылкой вида https://… — другой текст не подходит."
        )
    if len(value) > MAX_LINK:
        raise InvalidInput(f"Ссылка слишком длинная: до {MAX_LINK} символов.")
    return value


@dataclass(frozen=True)
class Material:
    kind: str  # document | photo | link
    ref: str  # Telegram file_id or the URL
    name: str | None = None


def document(file_id: str, file_name: str | None, mime_type: str | None, size: int | None) -> Material:
    name = (file_name or "").strip()
    suffix = name[name.rfind(".") :].lower() if "." in name else ""
    if suffix not in DOCUMENT_TYPES and mime_type not in DOCUMENT_TYPES.values():
        raise InvalidInput(
            "Этот тип файла не подходит. Пришлите PDF, Word (DOC, DOCX), PowerPoint (PPT, PPTX) или ODT/ODP."
        )
    _check_size(size)
    return Material("document", file_id[:500], clean_name(name) or "материал")


def photo(file_id: str, size: int | None) -> Material:
    _check_size(size)
    return Material("photo", file_id[:500], "фото")


def clean_name(name: str) -> str:
    return "".join(ch for ch in name if ch.isprintable())[:200]


def _check_size(size: int | None) -> None:
    if size is not None and size > MAX_FILE_BYTES:
        raise InvalidInput(f"Файл больше 20 МБ ({size / 1024 / 1024:.1f} МБ): сожмите его или пришлите ссылку.")
