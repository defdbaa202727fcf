"""The task bank through /content: downloaded as shipped, a broken upload refused in Russian with the
task and its line (nothing changes), a good one becomes what new checks ask, the same file again
«уже загружался»; a check already under way finishes on its own version and is graded by its keys."""

import yaml
from sqlalchemy import select

from bot.services import content
from handlers.objective_check.ui import CheckAnswerCb
from models import AttemptStatus, ContentVersion
from tests.support.documents import send_file, serve_files
from tests.support.factories import make_methodist, registered
from tests.support.harness import ADMIN_ID
from tests.support.objective import answer_all, checks, keys, shipped_bank, take


async def bank_versions(sessionmaker) -> list[tuple[str, bool]]:
    async with sessionmaker() as session:
        rows = await session.execute(
            select(ContentVersion.version, ContentVersion.is_current)
            .where(ContentVersion.kind == "objective_tasks")
            .order_by(ContentVersion.id)
        )
        return [tuple(row) for row in rows]


NEW_FIRST = "Новая формулировка: что такое формирующее оценивание?"
NEW_THIRD = "Новая формулировка: какой комментарий помогает ученику?"


def edited(bank: dict, version: str) -> dict:
    """The shipped bank with another label; in area 3 the first and the third task reworded, the
    first one's key moved to option 3 (it was 2)."""
    data = {"kind": "objective_tasks", "version": version, "title": bank["title"]}
    data["areas"] = [{"code": code, "tasks": [dict(t) for t in tasks]} for code, tasks in bank["areas"].items()]
    first, third = data["areas"][2]["tasks"][0], data["areas"][2]["tasks"][2]
    first["text"], third["text"] = NEW_FIRST, NEW_THIRD
    first["options"] = ["Итоговая отметка за четверть", "Рейтинг класса", "Обратная связь по ходу обучения"]
    first["answer"] = 3
    return data


def dump(data: dict) -> bytes:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode()


async def test_download_and_a_broken_upload_is_refused_with_the_task_and_line(routed, sessionmaker, monkeypatch):
    files = serve_files(routed, monkeypatch)
    admin = routed.user(ADMIN_ID)
    menu = (await admin.send("/content"))[-1]
    assert "Банк заданий проверки: версия 2026.1" in menu
    await admin.press("⬇ Банк заданий")
    [document] = routed.api.sent("SendDocument", ADMIN_ID)
    assert document.document.filename == "objective_tasks.yaml"
    text = document.document.data.decode("utf-8")
    assert "Ключи (answer) остаются на сервере" in text  # the file as shipped, comments included
    assert content.parse("objective_tasks", text)[0] == shipped_bank()

    broken = edited(shipped_bank(), "2026.2")
    broken["areas"][2]["tasks"][1]["answer"] = 9
    raw = dump(broken)
    line = next(n for n, row in enumerate(raw.decode().splitlines(), 1) if row.strip() == "- code: 3-2")
    await admin.press("Загрузить: банк заданий")
    replies = await send_file(routed, files, admin, "objective_tasks.yaml", raw)
    assert (
        f"objective_tasks.yaml: область 3, задание 2 (code: 3-2, строка {line}): answer должен быть номером "
        "варианта от 1 до 4" in replies[-1]
    )
    broken = edited(shipped_bank(), "2026.2")
    del broken["areas"][4]["tasks"][1:]
    replies = await send_file(routed, files, admin, "objective_tasks.yaml", dump(broken))
    assert "objective_tasks.yaml: область 5: нужно не меньше 5 заданий" in replies[-1]
    replies = await send_file(routed, files, admin, "objective_tasks.yaml", b"kind: objective_tasks\nareas: [\n")
    assert "objective_tasks.yaml: файл не читается как YAML (строка" in replies[-1]
    # The kind comes from the file name too; a bank sent as the catalogue is refused as one.
    replies = await send_file(routed, files, admin, "x.yaml", dump(edited(shipped_bank(), "z")), caption="catalog")
    assert "поле «kind»: ожидалось «catalog», в файле «objective_tasks»" in replies[-1]
    assert await bank_versions(sessionmaker) == [("2026.1", True)]


async def test_an_upload_changes_what_new_checks_ask_and_running_ones_keep_their_version(
    routed, sessionmaker, monkeypatch
):
    files = serve_files(routed, monkeypatch)
    old = shipped_bank()
    done = await registered(routed, 941)
    assert "проверка: 🔵 ресурсная зона" in await take(done, "3", right=True)
    midway = await registered(routed, 942, "Петрова Анна Ивановна")
    await midway.send("/check")
    await midway.press("3. ")
    await answer_all(midway, keys("3")[:2])

    new = edited(old, "2026.2")
    methodist = await make_methodist(routed, sessionmaker, 943, "Ростовская область")
    replies = await send_file(routed, files, methodist, "objective_tasks.yaml", dump(new))
    assert "«Банк заданий проверки», версия 2026.2, теперь текущая. Новые проверки самооценки" in replies[-1]
    assert await bank_versions(sessionmaker) == [("2026.1", False), ("2026.2", True)]
    replies = await send_file(routed, files, methodist, "objective_tasks.yaml", dump(new))
    assert "уже загружался" in replies[-1] and "версия 2026.2" in replies[-1]
    assert await bank_versions(sessionmaker) == [("2026.1", False), ("2026.2", True)]

    # A new check asks the new wording, and grades by the new key.
    fresh = await registered(routed, 944, "Сидорова Вера Павловна")
    await fresh.send("/check")
    assert NEW_FIRST in (await fresh.press("3. "))[-1]
    assert [data for _, data in fresh.buttons()] == [CheckAnswerCb(index=0, option=n).pack() for n in (1, 2, 3)]
    assert "4 из 5 верно" in (await answer_all(fresh, keys("3", old)))[-1]  # the old key of task 1 is wrong now

    # The check under way goes on with its own wording and is graded by its own keys.
    assert "Незавершённая проверка: 3. " in (await midway.send("/check"))[-1]
    question = (await midway.press("▶ 3. "))[-1]
    assert old["areas"]["3"][2]["text"] in question and NEW_THIRD not in question
    assert "5 из 5 верно" in (await answer_all(midway, keys("3", old), start=2))[-1]
    first, second, third = await checks(sessionmaker)
    assert (first.bank_version, first.correct, first.zone) == ("2026.1", 5, "resource")  # untouched
    assert (second.bank_version, second.status, second.correct) == ("2026.1", AttemptStatus.completed, 5)
    assert (third.bank_version, third.correct, third.answers) == ("2026.2", 4, keys("3", old))
