"""What content files may hold: their kinds and names, area and zone codes, the answer scale, the
catalogue's formats and forms."""

from models import ActivityForm

FILES = {
    "questionnaire_teacher": "questionnaire_teacher.yaml",
    "questionnaire_leader": "questionnaire_leader.yaml",
    "catalog": "catalog.yaml",
    "objective_tasks": "objective_tasks.yaml",  # the task bank of the objective check
}
VARIANT_KINDS = {"teacher": "questionnaire_teacher", "leader": "questionnaire_leader"}
AREA_CODES = {
    "questionnaire_teacher": tuple(str(n) for n in range(1, 9)),
    "questionnaire_leader": ("L1", "L2", "L3", "L4"),
}
ZONE_CODES = ("severe", "partial", "norm", "resource")
FORMATS = ("курс ДПО", "вебинар", "семинар", "мастер-класс", "стажировка", "наставничество", "самообразование")
FORM_ORDER = {form.value: n for n, form in enumerate(ActivityForm)}
SCALE_VALUES = (0, 1, 2, 3)
