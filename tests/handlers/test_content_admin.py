"""/content: download the current files, uploads (bad ones change nothing, good ones become current
while old attempts keep their version), the add-an-activity dialog and who may do any of it."""

from datetime import datetime, timezone

import yaml
from sqlalchemy import func, select

from bot.services import content
from bot.services.shared import roles
from handlers.admin.content import ContentCb
from models import Activity, ActivityForm, AttemptStatus, AuditEntry, ContentVersion, DiagnosisAttempt, Role, User
from tests.support.documents import send_file, serve_files
from tests.support.factories import make_methodist, org_id, register
from tests.support.harness import ADMIN_ID


async def snapshot(sessionmaker) -> tuple:
    async with sessionmaker() as session:
        versions = tuple(
            await session.execute(
                select(ContentVersion.id, ContentVersion.kind, ContentVersion.is_current).order_by(ContentVersion.id)
            )
        )
        activities = tuple(
            await session.execute(select(Activity.code, Activity.title, Activity.is_active).order_by(Activity.code))
        )
        audits = await session.scalar(select(func.count()).select_from(AuditEntry))
    return versions, activities, audits


async def current_yaml(sessionmaker, kind: str) -> dict:
    async with sessionmaker() as session:
        return (await content.current_version(session, kind)).data


async def test_download_current_files(routed):
    admin = routed.user(ADMIN_ID)
    replies = await admin.send("/content")
    assert "Анкета педагога: версия 2025.1" in replies[-1]
    await admin.press("⬇ Анкета педагога")
    await admin.press("⬇ Каталог")
    teacher_file, catalog_file = routed.api.sent("SendDocument", ADMIN_ID)
    assert teacher_file.document.filename == "questionnaire_teacher.yaml"
    text = teacher_file.document.data.decode("utf-8")
    assert "Предметная" in text and "\\u" not in text  # Cyrillic as is (allow_unicode)
    data, _ = content.parse("questionnaire_teacher", text)  # what one downloads uploads back cleanly
    assert [a["code"] for a in data["areas"]] == [str(n) for n in range(1, 9)]
    assert yaml.safe_load(catalog_file.document.data)["kind"] == "catalog"


async def test_bad_upload_names_file_entry_problem_and_changes_nothing(routed, sessionmaker, monkeypatch):
    files = serve_files(routed, monkeypatch)
    admin = routed.user(ADMIN_ID)
    before = await snapshot(sessionmaker)
    catalog = await current_yaml(sessionmaker, "catalog")
    catalog["activities"][1]["format"] = "лекция"
    await admin.send("/content")
    await admin.press("Загрузить: каталог")
    replies = await send_file(
        routed, files, admin, "catalog.yaml", yaml.safe_dump(catalog, allow_unicode=True).encode()
    )
    code = catalog["activities"][1]["code"]
    assert f"catalog.yaml: activities, запись 2 (code: {code}, строка " in replies[-1]  # the line it starts on
    assert "): неизвестный формат «лекция»" in replies[-1]
    replies = await send_file(routed, files, admin, "catalog.yaml", b"kind: catalog\nactivities: [\n  - code: x\n")
    assert "catalog.yaml: файл не читается как YAML (строка" in replies[-1]
    replies = await send_file(routed, files, admin, "catalog.yaml", "kind: catalog".encode("cp1251") + b"\xff\xfe")
    assert "UTF-8" in replies[-1]
    catalog["activities"][1]["format"] = "<b>лекция</b>"
    replies = await send_file(
        routed, files, admin, "catalog.yaml", yaml.safe_dump(catalog, allow_unicode=True).encode()
    )
    assert "неизвестный формат «&lt;b&gt;лекция&lt;/b&gt;»" in replies[-1]  # the file's text stays out of the HTML
    replies = await send_file(routed, files, admin, "notes.txt", b"kind: catalog")
    assert "YAML" in replies[-1]
    teacher = await current_yaml(sessionmaker, "questionnaire_teacher")
    teacher["scoring"]["zones"][1]["min"] = 9
    replies = await send_file(
        routed,
        files,
        admin,
        "q.yaml",
        yaml.safe_dump(teacher, allow_unicode=True).encode(),
        caption="questionnaire_teacher",
    )
    assert (
        "questionnaire_teacher.yaml: scoring.zones, зона 2 (code: partial): порог min = 9, а должен быть 8"
        in replies[-1]
    )
    assert await snapshot(sessionmaker) == before


async def test_good_upload_becomes_current_and_old_attempts_keep_theirs(routed, sessionmaker, monkeypatch):
    files = serve_files(routed, monkeypatch)
    teacher_user = routed.user(801)
    await register(teacher_user)
    async with sessionmaker() as session, session.begin():
        old = await content.current_version(session, "questionnaire_teacher")
        user = await session.scalar(select(User).where(User.telegram_id == 801))
        session.add(
            DiagnosisAttempt(
                user_id=user.id,
                variant="teacher",
                content_version_id=old.id,
                status=AttemptStatus.completed,
                completed_at=datetime.now(timezone.utc),
            )
        )
    data = dict(old.data, version="2026.1", title="Анкета педагога (редакция 2026)")
    data["scoring"]["zones"][0]["title"] = "выраженный дефицит (дефицит)"
    methodist = await make_methodist(routed, sessionmaker, 802, "Ростовская область")
    replies = await send_file(
        routed, files, methodist, "questionnaire_teacher.yaml", yaml.safe_dump(data, allow_unicode=True).encode()
    )
    assert "версия 2026.1, теперь текущая" in replies[-1]
    async with sessionmaker() as session:
        new = await content.current_version(session, "questionnaire_teacher")
        assert new.id != old.id and new.version == "2026.1" and new.loaded_by == 802
        assert (await content.current_questionnaire(session, "teacher")).content_version_id == new.id
        attempt = await session.scalar(select(DiagnosisAttempt).where(DiagnosisAttempt.user_id == user.id))
        assert attempt.content_version_id == old.id  # the old result keeps its version
        assert (await content.questionnaire(session, old.id)).version == "2025.1"
        entry = await session.scalar(select(AuditEntry).where(AuditEntry.action == "content.upload"))
    assert entry.actor_telegram_id == 802 and entry.target == "content:questionnaire_teacher"
    assert entry.details["version"] == "2026.1" and entry.details["new"] is True
    # The same file again: nothing new, it is simply current.
    replies = await send_file(
        routed, files, methodist, "questionnaire_teacher.yaml", yaml.safe_dump(data, allow_unicode=True).encode()
    )
    assert "уже загружался" in replies[-1]


async def test_only_regional_methodists_and_admins(routed, sessionmaker, monkeypatch):
    files = serve_files(routed, monkeypatch)
    municipal = await make_methodist(routed, sessionmaker, 803, "г. Новочеркасск")
    assert "методисты регионального уровня" in (await municipal.send("/content"))[-1]
    replies = await municipal.click(ContentCb(action="get", value="catalog"))
    assert "методисты регионального уровня" in replies[-1]
    before = await snapshot(sessionmaker)
    replies = await send_file(routed, files, municipal, "catalog.yaml", b"kind: catalog", caption="catalog")
    assert "методисты регионального уровня" in replies[-1]
    teacher = routed.user(804)
    await register(teacher)
    assert "методисты регионального уровня" in (await teacher.send("/content"))[-1]
    replies = await teacher.click(ContentCb(action="act"))
    assert "методисты регионального уровня" in replies[-1]
    assert await snapshot(sessionmaker) == before
    assert routed.api.sent("SendDocument") == []
    async with sessionmaker() as session, session.begin():
        await roles.grant(session, None, Role.methodist, 803, await org_id(sessionmaker, "Ростовская область"))
    assert "Анкеты, каталог мероприятий" in (await municipal.send("/content"))[-1]


async def test_add_activity_dialog(routed, sessionmaker):
    admin = routed.user(ADMIN_ID)
    await admin.send("/content")
    await admin.press("Добавить мероприятие")
    replies = await admin.click(ContentCb(action="fmt", value="0"))  # a forged step out of order
    assert "устарела" in replies[-1]
    await admin.press("3. Оценочная")
    await admin.send("Разбор <ВПР> по критериям")
    await admin.press("семинар")
    await admin.press("неформальная")
    assert "от 1 до 1000" in (await admin.send("много"))[-1]
    await admin.send("4")
    replies = await admin.send("Практикум для МО https://example.org/vpr")
    assert "Добавлено в каталог: «Разбор &lt;ВПР&gt; по критериям»" in replies[-1]
    async with sessionmaker() as session:
        activity = await session.scalar(select(Activity).where(Activity.added_by == ADMIN_ID))
        audit = await session.scalar(select(AuditEntry).where(AuditEntry.action == "content.activity_add"))
        assert activity in await content.activities(session, ["3"])
    assert (activity.area, activity.format, activity.form, activity.hours) == (
        "3",
        "семинар",
        ActivityForm.non_formal,
        4,
    )
    assert (activity.description, activity.url) == ("Практикум для МО", "https://example.org/vpr")
    assert activity.code.startswith("custom-") and audit.target == f"activity:{activity.id}"
