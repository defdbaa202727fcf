"""Issue 13, content and quieter corners: a retake interval of 0, the questionnaire's framework on
upload, labels and the file as uploaded, content errors in Russian."""

from bot.content import CONTENT_DIR
from bot.services import content
from handlers.diagnosis.ui import MenuCb
from tests.support.factories import diagnosed, registered

TEACHER_YAML = (CONTENT_DIR / "questionnaire_teacher.yaml").read_text(encoding="utf-8")


async def test_a_retake_interval_of_zero_does_not_promise_a_date(harness, sessionmaker):
    t = await registered(harness, 801)
    attempt_id = await diagnosed(sessionmaker, 801)
    async with sessionmaker() as session, session.begin():
        text = TEACHER_YAML.replace("retake_interval_days: 180", "retake_interval_days: 0")
        await content.load_content(session, "questionnaire_teacher", text.replace('"2025.1"', '"2025.2"'), None)
    shown = (await t.click(MenuCb(action="show", attempt_id=attempt_id)))[-1]
    assert "не раньше" not in shown  # was «Повторная диагностика — не раньше <today>»
    assert "Повторную диагностику можно пройти в любое время" in shown
