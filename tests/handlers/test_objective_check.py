"""The objective check end to end: offered on a result with a severe deficit, taken for any area
with /check, one question at a time with option buttons that carry no key, double taps and stale
or forged buttons refused, a restart loses nothing, and the result shows both side by side."""

import json

from handlers.diagnosis.ui import MenuCb
from handlers.objective_check.ui import CheckAnswerCb, CheckCb
from models import AttemptStatus
from tests.support.factories import diagnosed, registered, result
from tests.support.objective import answer_all, checks, keys, shipped_bank, wrong


async def test_severe_result_offers_the_check_and_the_objective_zone_is_shown_beside(harness, sessionmaker):
    teacher = await registered(harness, 901)
    attempt_id = await diagnosed(sessionmaker, 901)  # area 3 severe, 2 partial, 7 norm
    shown = (await teacher.click(MenuCb(action="show", attempt_id=attempt_id)))[-1]
    assert "Проверить себя" in shown and "Проверить себя" in [t[:20] for t, _ in teacher.buttons()][-1]

    picker = (await teacher.press("Проверить себя"))[-1]
    assert "прежде всего (выраженный дефицит): 3. " in picker
    assert teacher.buttons()[0][1] == CheckCb(action="start", area="3").pack()  # severe areas first
    question = (await teacher.press("3. "))[-1]
    total = len(keys("3"))
    assert f"Задание 1 из {total}" in question and shipped_bank()["areas"]["3"][0]["text"][:30] in question
    # The buttons carry the question's index and the option number only: the same for every question.
    options = len(shipped_bank()["areas"]["3"][0]["options"])
    assert [data for _, data in teacher.buttons()] == [f"oca:0:{n}" for n in range(1, options + 1)]

    final = (await answer_all(teacher, keys("3")))[-1]
    assert "Проверка завершена: 3. " in final
    assert "самооценка: 🔴 выраженный дефицит" in final and "проверка: 🔵 ресурсная зона" in final
    assert f"{total} из {total} верно, 15 из 15" in final and "ИОМ будет построен по результату проверки" in final
    [done] = await checks(sessionmaker)
    assert (done.status, done.area, done.zone, done.self_zone) == (AttemptStatus.completed, "3", "resource", "severe")
    assert (done.correct, done.score, done.answers, done.diagnosis_attempt_id) == (total, 15, keys("3"), attempt_id)


async def test_no_offer_without_a_severe_deficit(harness, sessionmaker):
    teacher = await registered(harness, 902)
    attempt_id = await diagnosed(
        sessionmaker, 902, [result("1", 12, "norm"), result("2", 9, "partial"), result("7", 12, "norm")]
    )
    shown = (await teacher.click(MenuCb(action="show", attempt_id=attempt_id)))[-1]
    assert "Проверить себя" not in shown and all("Проверить себя" not in t for t, _ in teacher.buttons())


async def test_any_area_by_command_without_a_diagnosis_and_agreement_is_not_flagged(harness, sessionmaker):
    teacher = await registered(harness, 903)
    assert "Выберите область" in (await teacher.send("/check"))[-1]
    assert [data for _, data in teacher.buttons()] == [f"oc:start:{n}" for n in range(1, 9)] + ["oc:review:"]
    await teacher.press("5. ")
    final = (await answer_all(teacher, wrong("5")))[-1]
    assert "самооценка: • нет данных" in final and "проверка: 🔴 выраженный дефицит" in final
    assert "0 из" in final and "ИОМ будет построен" not in final and "/diagnostics" in final
    [done] = await checks(sessionmaker)
    assert (done.zone, done.self_zone, done.correct) == ("severe", None, 0)

    # After a diagnosis, the checks against it are shown side by side (the earlier one is not):
    # area 5 agrees (severe both), area 6 differs (norm against severe).
    await diagnosed(sessionmaker, 903, [result("5", 4, "severe"), result("6", 12, "norm"), result("7", 12, "norm")])
    await teacher.send("/check")
    await teacher.press("5. ")
    await answer_all(teacher, wrong("5"))
    await teacher.send("/check")
    await teacher.press("6. ")
    final = (await answer_all(teacher, wrong("6")))[-1]
    assert "<b>5. " in final and "<b>6. " in final and "нет данных" not in final
    assert final.count("ИОМ будет построен по результату проверки") == 1  # area 6 only


async def test_double_tap_stale_and_forged_buttons_change_nothing(harness, sessionmaker):
    teacher = await registered(harness, 904)
    await teacher.send("/check")
    await teacher.press("1. ")
    first = harness.api.last_keyboard(904)[0]
    assert "Задание 2" in (await teacher.click(CheckAnswerCb(index=0, option=2), first))[-1]
    # A double tap on the first question: refused, the answer kept once.
    assert "уже позади" in (await teacher.click(CheckAnswerCb(index=0, option=1), first))[-1]
    assert "уже позади" in (await teacher.click(CheckAnswerCb(index=5, option=1), first))[-1]
    assert "Такого варианта нет" in (await teacher.click(CheckAnswerCb(index=1, option=9), first))[-1]
    assert "Такого варианта нет" in (await teacher.click(CheckAnswerCb(index=1, option=0), first))[-1]
    assert "уже позади" in (await teacher.click(CheckAnswerCb(index=1, option=1), first + 1000))[-1]
    assert "Такой области нет" in (await teacher.click(CheckCb(action="start", area="9")))[-1]
    assert "Такой области нет" in (await teacher.click(CheckCb(action="start", area="L1")))[-1]
    [running] = await checks(sessionmaker)
    assert (running.answers, running.status) == ([2], AttemptStatus.in_progress)
    # Someone else's press finds no running check of theirs.
    other = await registered(harness, 905, "Петрова Анна Ивановна")
    assert "уже позади" in (await other.click(CheckAnswerCb(index=1, option=1), first))[-1]
    assert (await checks(sessionmaker))[0].answers == [2]


async def test_a_restart_loses_nothing_and_another_area_abandons_the_running_check(harness, sessionmaker):
    teacher = await registered(harness, 906)
    await teacher.send("/check")
    await teacher.press("4. ")
    await answer_all(teacher, keys("4")[:2])
    harness.restart()
    assert "Задание 4" in (await teacher.click(CheckAnswerCb(index=2, option=keys("4")[2])))[-1]
    picker = (await teacher.send("/check"))[-1]
    assert "Незавершённая проверка: 4. " in picker
    assert "Задание 4" in (await teacher.press("▶ 4. "))[-1]  # picked up in the new message
    assert (await checks(sessionmaker))[0].answers == keys("4")[:3]
    await teacher.send("/check")
    await teacher.press("8. ")
    old, new = await checks(sessionmaker)
    assert (old.status, new.status, new.area, new.answers) == (
        AttemptStatus.abandoned,
        AttemptStatus.in_progress,
        "8",
        [],
    )


async def test_my_data_lists_the_checks(harness, sessionmaker):
    teacher = await registered(harness, 907)
    await teacher.send("/check")
    await teacher.press("2. ")
    await answer_all(teacher, keys("2"))
    await teacher.send("/my_data")
    data = json.loads(harness.api.sent("SendDocument", 907)[-1].document.data.decode("utf-8"))
    [check] = data["objective_checks"]
    assert (check["area"], check["status"], check["zone"], check["answers"]) == (
        "2",
        "completed",
        "resource",
        keys("2"),
    )
