"""The task bank of the objective check (bot/content/objective_tasks.yaml): validation with messages
that name the file, the task and the problem, in the style of the questionnaire checks, and the
teacher-facing view of a task, which never carries its key."""

from dataclasses import dataclass
from typing import Any

from bot.services.content.checks import Check
from bot.services.content.schema import AREA_CODES

KIND = "objective_tasks"
MIN_TASKS_PER_AREA = 5
MIN_OPTIONS, MAX_OPTIONS = 2, 6
TEACHER_AREAS = AREA_CODES["questionnaire_teacher"]


@dataclass(frozen=True)
class PublicTask:
    """What a teacher's client may see: the text and the options, never the answer."""

    code: str
    text: str
    options: tuple[str, ...]


class TaskBankCheck(Check):
    def bank(self, raw: Any) -> dict:
        raw = self.top(raw, KIND)
        data = {
            "kind": KIND,
            "version": self.field(raw, "version", "", str, limit=32),
            "title": self.field(raw, "title", "", str, limit=100),
            "areas": {},
        }
        codes: set[str] = set()
        for n, area in enumerate(self.field(raw, "areas", "", list)):
            where = f"areas, запись {n + 1}"
            if not isinstance(area, dict):
                self.fail(where, "ожидались поля code и tasks")
            code = self.field(area, "code", where, str)
            if code not in TEACHER_AREAS:
                self.fail(where, f"неизвестная область «{code}»: ожидались {', '.join(TEACHER_AREAS)}")
            if code in data["areas"]:
                self.fail(where, f"область «{code}» указана дважды")
            tasks = [
                self._task(t, f"область {code}, задание {k + 1}", codes)
                for k, t in enumerate(self.field(area, "tasks", where, list))
            ]
            data["areas"][code] = tasks
        for code in TEACHER_AREAS:
            if len(data["areas"].get(code, [])) < MIN_TASKS_PER_AREA:
                self.fail(f"область {code}", f"нужно не меньше {MIN_TASKS_PER_AREA} заданий")
        return data

    def _task(self, raw: Any, where: str, codes: set[str]) -> dict:
        if not isinstance(raw, dict):
            self.fail(where, "ожидались поля code, text, options, answer")
        code = self.field(raw, "code", where, str, limit=16)
        if code in codes:
            self.fail(where, f"код задания «{code}» повторяется")
        codes.add(code)
        options = self.field(raw, "options", where, list)
        if not MIN_OPTIONS <= len(options) <= MAX_OPTIONS:
            self.fail(where, f"вариантов ответа должно быть от {MIN_OPTIONS} до {MAX_OPTIONS}")
        texts = [self.field({"option": o}, "option", where, str, limit=200) for o in options]
        if len(set(texts)) != len(texts):
            self.fail(where, "варианты ответа повторяются")
        answer = self.field(raw, "answer", where, int)
        if not 1 <= answer <= len(texts):
            self.fail(where, f"answer должен быть номером варианта от 1 до {len(texts)}")
        return {
            "code": code,
            "item": self.field(raw, "item", where, str, "", 16),
            "text": self.field(raw, "text", where, str, limit=500),
            "options": texts,
            "answer": answer,
        }


def parse(filename: str, text: str) -> dict:
    # Imported here: parsed once per process, at the first check, not by every bot start.
    import yaml

    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        TaskBankCheck(filename).fail("", f"это не YAML ({exc.__class__.__name__})")
    return TaskBankCheck(filename).bank(raw)


def public(task: dict) -> PublicTask:
    return PublicTask(task["code"], task["text"], tuple(task["options"]))


def is_correct(bank: dict, area: str, task_code: str, chosen: int) -> bool:
    """Graded on the server: `chosen` (1-based) is user input, the key never leaves the bank."""
    for task in bank["areas"].get(area, []):
        if task["code"] == task_code:
            return chosen == task["answer"]
    return False
