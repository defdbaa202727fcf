"""Validation of the task bank of the objective check (objective_tasks.yaml): every teacher area with
enough tasks, unique task codes, 2–6 distinct options, the key a number of one of them. Messages
name the file, the area, the task (its code and the line it starts on) and the problem."""

from typing import Any

from bot.services.content.checks import Check
from bot.services.content.schema import AREA_CODES

KIND = "objective_tasks"
MIN_TASKS_PER_AREA = 5
MIN_OPTIONS, MAX_OPTIONS = 2, 6
TEACHER_AREAS = AREA_CODES["questionnaire_teacher"]


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
            where = f"areas, запись {n + 1}{self.line('areas', n)}"
            if not isinstance(area, dict):
                self.fail(where, "ожидались поля code и tasks")
            code = self.field(area, "code", where, str)
            if code not in TEACHER_AREAS:
                self.fail(where, f"неизвестная область «{code}»: ожидались {', '.join(TEACHER_AREAS)}")
            if code in data["areas"]:
                self.fail(where, f"область «{code}» указана дважды")
            tasks = self.field(area, "tasks", where, list)
            data["areas"][code] = [self._task(t, code, (n, k), codes) for k, t in enumerate(tasks)]
        for code in TEACHER_AREAS:
            if len(data["areas"].get(code, [])) < MIN_TASKS_PER_AREA:
                self.fail(f"область {code}", f"нужно не меньше {MIN_TASKS_PER_AREA} заданий")
        return data

    def _task(self, raw: Any, area: str, at: tuple[int, int], codes: set[str]) -> dict:
        line = self.line("areas", at[0], "tasks", at[1])
        where = f"область {area}, задание {at[1] + 1}{line}"
        if not isinstance(raw, dict):
            self.fail(where, "ожидались поля code, text, options, answer")
        code = self.field(raw, "code", where, str, limit=16)
        where = f"область {area}, задание {at[1] + 1} (code: {code}{line})"
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
