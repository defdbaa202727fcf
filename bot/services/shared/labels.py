"""Russian names of competency areas, deficit zones, forms of learning, kinds of route-step
deficits and event formats, and the plural form of a counted word: one home for every screen,
file and report.

The area titles are those of the shipped questionnaires (bot/content/questionnaire_*.yaml,
domain.md §2-3; a unit test keeps them equal). A screen that shows a finished diagnosis may use the
title of the questionnaire version it was taken on; everything else names areas from here.
"""

from models import EventFormat

AREA_TITLES = {
    "1": "Предметная",
    "2": "Методическая",
    "3": "Оценочная",
    "4": "Функциональная грамотность",
    "5": "Психолого-педагогическая и инклюзивная",
    "6": "Воспитательная",
    "7": "Коммуникативная",
    "8": "Цифровая",
    "L1": "Стратегия и управление качеством",
    "L2": "Кадры и профессиональное развитие",
    "L3": "Ресурсы, нормативная база, безопасность",
    "L4": "Лидерство, коммуникация, менторство",
}
# Events are tagged with the teacher areas as integers 1..8.
TEACHER_AREAS = {int(code): title for code, title in AREA_TITLES.items() if code.isdigit()}
ZONE_TITLES = {
    "severe": "выраженный дефицит",
    "partial": "частичный дефицит",
    "norm": "норма",
    "resource": "ресурсная зона",
}
# A route step's form of learning and the kind of deficit it answers («own»: the teacher's own goal).
FORM_LABELS = {"formal": "формальная", "non_formal": "неформальная", "informal": "информальная"}
KIND_LABELS = {
    "severe": ZONE_TITLES["severe"],
    "partial": ZONE_TITLES["partial"],
    "point": "точечный дефицит",
    "own": "собственная цель",
}
EVENT_FORMATS = {
    EventFormat.seminar: "Семинар",
    EventFormat.master_class: "Мастер-класс",
    EventFormat.webinar: "Вебинар",
    EventFormat.internship: "Стажировка",
    EventFormat.course: "Курс",
    EventFormat.competition: "Конкурс",
    EventFormat.mo_meeting: "Заседание МО",
}


def area_code(code: str | int) -> str:
    """Leader areas are «У1»..«У4» on screen, as in the methodical recommendations."""
    code = str(code)
    return f"У{code[1:]}" if code.startswith("L") else code


def area_title(code: str | int | None) -> str:
    if code is None or code == "":
        return "—"
    return AREA_TITLES.get(str(code), str(code))


def area_label(code: str | int, title: str | None = None) -> str:
    """«1. Предметная», «У1. Стратегия и управление качеством» (title: a questionnaire's own)."""
    return f"{area_code(code)}. {title or area_title(code)}"


def event_format(value: EventFormat, *, in_sentence: bool = False) -> str:
    """«Семинар» on its own line, «семинар» inside a sentence (abbreviations such as МО stay)."""
    label = EVENT_FORMATS[value]
    return label[0].lower() + label[1:] if in_sentence else label


def plural(n: int, one: str, few: str, many: str) -> str:
    """Russian plural form: 1 год, 2 года, 5 лет, 21 год, 11 лет."""
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


# The codes the personal-data export (/my_data) keeps in its JSON, named for the readable document.
POSITION_TITLES = {
    "teacher": "учитель",
    "educator": "воспитатель",
    "additional_ed": "педагог дополнительного образования",
    "head": "руководитель",
    "deputy_head": "заместитель руководителя",
    "methodist": "методист",
    "other": "другое",
}
ROLE_TITLES = {"teacher": "педагог", "mentor": "наставник", "methodist": "методист", "admin": "администратор"}
VARIANT_TITLES = {"teacher": "анкета педагога", "leader": "анкета руководителя"}
ATTEMPT_STATUS_TITLES = {"in_progress": "не завершена", "completed": "завершена", "abandoned": "прервана"}
STEP_STATUS_TITLES = {"planned": "запланирован", "done": "выполнен", "removed": "убран из маршрута"}
REGISTRATION_STATUS_TITLES = {
    "registered": "записан(а)",
    "waitlisted": "в листе ожидания",
    "offered": "предложено место",
    "cancelled": "запись отменена",
}
PAIR_TYPE_TITLES = {
    "young_specialist": "наставничество молодого специалиста",
    "subject": "по предмету",
    "competency": "по компетенции",
    "managerial": "менторство руководителей",
}
PAIR_STATUS_TITLES = {"active": "идёт", "ended": "завершено"}
MENTORING_ROLE_TITLES = {"mentor": "наставник", "mentee": "подопечный"}
EVIDENCE_TITLES = {"photo": "фото", "document": "документ"}
