"""What a teacher (or an import file) gives for a course: checked and cleaned, or a Russian reason.

Limits follow domain.md §4 and §7: a programme of повышение квалификации is at least 16 hours;
a record below that is still accepted (a short seminar-course happens), but never 0 or negative,
and never more than a plausible retraining programme."""

import re
from datetime import date

from bot.services.shared.errors import InvalidInput
from bot.services.shared.validation import clean_text

MAX_TITLE, MAX_PROVIDER, MAX_REASON = 300, 300, 500
MAX_HOURS = 1500  # профессиональная переподготовка runs to about a thousand hours
MAX_YEARS_BACK = 10
MAX_FILE_BYTES = 20 * 1024 * 1024  # what a bot may download from Telegram
DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
FRDPP_NUMBER = re.compile(r"[0-9A-Za-zА-Яа-яЁё./\-№ ]{1,64}")
PDF_MIME = "application/pdf"


def parse_title(text: str | None) -> str:
    return " ".join(clean_text(text, MAX_TITLE, "Название курса").split())


def parse_provider(text: str | None) -> str:
    return " ".join(clean_text(text, MAX_PROVIDER, "Организация, проводившая курс").split())


def parse_reason(text: str | None) -> str:
    return clean_text(text, MAX_REASON, "Причина возврата")


def parse_hours(text: str | None) -> int:
    value = (text or "").strip().lower().removesuffix("ч").removesuffix("часов").strip().rstrip(".")
    if not value.isdigit():
        raise InvalidInput("Объём курса — целое число часов, например <code>36</code> или <code>72</code>.")
    hours = int(value)
    if hours <= 0:
        raise InvalidInput("Объём курса должен быть больше нуля часов.")
    if hours > MAX_HOURS:
        raise InvalidInput(f"Слишком большой объём: {hours} ч. Проверьте число — обычно это 16, 36, 72 или 144 ч.")
    return hours


def parse_date(text: str | None) -> date:
    """dd.mm.yyyy; also accepts the ISO form an XLSX file often holds."""
    raw = (text or "").strip()
    match = DATE.fullmatch(raw)
    try:
        if match:
            return date(int(match[3]), int(match[2]), int(match[1]))
        return date.fromisoformat(raw[:10])
    except ValueError:
        pass
    raise InvalidInput("Не понял дату. Введите её так: <code>25.10.2026</code>.")


def check_start(start: date, today: date) -> None:
    """The first date alone: every course, finished or not, has already begun."""
    if start > today:
        raise InvalidInput("Дата начала ещё не наступила: записать можно курс, который уже начался.")
    if start.year < today.year - MAX_YEARS_BACK:
        raise InvalidInput(f"Курсы старше {MAX_YEARS_BACK} лет в боте не учитываются: проверьте год.")


def check_dates(start: date, end: date, today: date, *, completed: bool) -> None:
    check_start(start, today)
    if end < start:
        raise InvalidInput("Дата окончания раньше даты начала: проверьте даты.")
    if completed and end > today:
        raise InvalidInput(
            "Завершённый курс не может закончиться в будущем. Если вы ещё учитесь, запишите «Курс, который идёт»."
        )
    if (end - start).days > 3 * 366:
        raise InvalidInput("Курс длится дольше трёх лет: проверьте даты.")


def parse_frdpp_number(text: str | None) -> str:
    value = " ".join(clean_text(text, 64, "Номер программы в ФР ДПП").split())
    if not FRDPP_NUMBER.fullmatch(value) or not any(ch.isdigit() for ch in value):
        raise InvalidInput("Номер программы в ФР ДПП — как на портале dppo.edu.ru, например <code>12345</code>.")
    return value


def certificate_kind(*, photo: bool, mime_type: str | None, file_name: str | None, size: int | None) -> str:
    """photo | document, or a Russian refusal: only a photo or a PDF, at most 20 МБ."""
    if size is not None and size > MAX_FILE_BYTES:
        raise InvalidInput("Файл больше 20 МБ. Пришлите удостоверение фотографией или PDF поменьше.")
    if photo:
        return "photo"
    if mime_type == PDF_MIME or (mime_type in (None, "application/octet-stream") and _pdf_name(file_name)):
        return "document"
    if (mime_type or "").startswith("image/") and (mime_type or "") in ("image/jpeg", "image/png"):
        return "document"
    raise InvalidInput("Удостоверение принимается фотографией или PDF-файлом (до 20 МБ).")


def _pdf_name(file_name: str | None) -> bool:
    return (file_name or "").lower().endswith(".pdf")
