"""Content files: the bundled ones are complete and valid; broken ones are refused with a message
naming the file, the entry and the problem; loading is idempotent, versioned and all-or-nothing."""

import re
from collections import Counter

import pytest
import yaml
from sqlalchemy import func, select

from bot.content import CONTENT_DIR
from bot.infra.seed import seed
from bot.services import content
from bot.services.shared.errors import InvalidInput
from models import Activity, ContentVersion, DiagnosisAttempt, Organization, Position, User


def bundled(kind: str) -> dict:
    return yaml.safe_load((CONTENT_DIR / content.FILES[kind]).read_text(encoding="utf-8"))


def refused(kind: str, data: dict) -> str:
    """The refusal of a file made from `data`, without the line numbers each entry carries (these
    tests are about what is named; tests/handlers/test_staff_content.py checks the lines)."""
    with pytest.raises(InvalidInput) as error:
        content.parse(kind, yaml.safe_dump(data, allow_unicode=True))
    return re.sub(r", строка \d+", "", error.value.user_message)


def test_bundled_questionnaires_match_the_domain_reference():
    teacher = content.build_questionnaire(
        1,
        "questionnaire_teacher",
        content.parse("questionnaire_teacher", (CONTENT_DIR / "questionnaire_teacher.yaml").read_text())[0],
    )
    assert [a.code for a in teacher.areas] == [str(n) for n in range(1, 9)]
    assert all(len(a.items) == 5 and a.max_score == 15 for a in teacher.areas)
    assert teacher.items[11].code == "3.2" and "билет на выход" in teacher.items[11].text
    assert [(z.code, z.min, z.max) for z in teacher.scoring.zones] == [
        ("severe", 0, 7),
        ("partial", 8, 10),
        ("norm", 11, 13),
        ("resource", 14, 15),
    ]
    assert teacher.scoring.priority == ("3", "2", "1") and teacher.retake_interval_days == 180
    assert [v for v, _ in teacher.scale] == [0, 1, 2, 3] and "научить коллег" in teacher.scale[3][1]
    assert (teacher.total, teacher.minutes, teacher.variant) == (40, 8, "teacher")

    leader = content.build_questionnaire(
        2,
        "questionnaire_leader",
        content.parse("questionnaire_leader", (CONTENT_DIR / "questionnaire_leader.yaml").read_text())[0],
    )
    assert [a.code for a in leader.areas] == ["L1", "L2", "L3", "L4"] and leader.items[3].code == "L2.1"
    assert [(z.code, z.min, z.max) for z in leader.scoring.zones] == [
        ("severe", 0, 4),
        ("partial", 5, 6),
        ("norm", 7, 9),
    ]
    assert leader.scoring.mentor_all_max and leader.scoring.mentor_zone is None
    assert (leader.total, leader.minutes) == (12, 3)


def test_bundled_catalogue_covers_every_area_and_format():
    data, _ = content.parse("catalog", (CONTENT_DIR / "catalog.yaml").read_text())
    per_area = Counter(a["area"] for a in data["activities"])
    assert set(per_area) == {*map(str, range(1, 9)), "L1", "L2", "L3", "L4"} and min(per_area.values()) >= 3
    assert {a["format"] for a in data["activities"]} == set(content.FORMATS)
    assert {a["form"] for a in data["activities"]} == {"formal", "non_formal", "informal"}
    assert len({a["code"] for a in data["activities"]}) == len(data["activities"])


def test_missing_field_names_file_and_entry():
    data = bundled("questionnaire_teacher")
    del data["areas"][2]["items"][1]["text"]
    assert refused("questionnaire_teacher", data) == (
        "questionnaire_teacher.yaml: areas, область 3 (code: 3), утверждение 2 (code: 3.2): нет обязательного поля «text»"
    )
    catalog = bundled("catalog")
    del catalog["activities"][4]["hours"]
    assert refused("catalog", catalog) == (
        "catalog.yaml: activities, запись 5 (code: t2-course-lesson): нет обязательного поля «hours»"
    )


def test_wrong_threshold_order_is_refused():
    data = bundled("questionnaire_teacher")
    data["scoring"]["zones"][1].update(min=9, max=10)
    message = refused("questionnaire_teacher", data)
    assert message.startswith("questionnaire_teacher.yaml: scoring.zones, зона 2 (code: partial): порог min = 9")
    assert "должен быть 8" in message
    data = bundled("questionnaire_leader")
    zones = data["scoring"]["zones"]
    zones[0], zones[1] = zones[1], zones[0]
    assert "зона 1 (code: partial): порог min = 5, а должен быть 0" in refused("questionnaire_leader", data)
    data = bundled("questionnaire_teacher")
    data["scoring"]["zones"][2]["code"], data["scoring"]["zones"][3]["code"] = "resource", "norm"
    assert "зона 4 (code: norm): зоны должны идти от низшей к высшей" in refused("questionnaire_teacher", data)
    data = bundled("questionnaire_teacher")
    data["scoring"]["zones"][3]["max"] = 16
    assert "последняя зона должна заканчиваться максимальной суммой области 15" in refused(
        "questionnaire_teacher", data
    )


def test_unknown_form_format_and_area_are_refused():
    catalog = bundled("catalog")
    catalog["activities"][0]["form"] = "formall"
    assert refused("catalog", catalog) == (
        "catalog.yaml: activities, запись 1 (code: t1-course-gia): неизвестная "
        "форма «formall», допустимы: formal, non_formal, informal"
    )
    catalog = bundled("catalog")
    catalog["activities"][1]["format"] = "лекция"
    assert "запись 2 (code: t1-self-demo): неизвестный формат «лекция»" in refused("catalog", catalog)
    catalog = bundled("catalog")
    catalog["activities"][2]["area"] = "9"
    assert "запись 3 (code: t1-webinar-fop): неизвестная область «9»" in refused("catalog", catalog)
    catalog = bundled("catalog")
    catalog["activities"][3].pop("description")
    assert "нужно описание (description) или ссылка (url)" in refused("catalog", catalog)


def test_duplicate_codes_are_refused():
    catalog = bundled("catalog")
    catalog["activities"][7]["code"] = "t1-course-gia"
    assert refused("catalog", catalog) == (
        "catalog.yaml: activities, запись 8 (code: t1-course-gia): код "
        "«t1-course-gia» повторяется: коды мероприятий должны быть уникальными"
    )
    data = bundled("questionnaire_teacher")
    data["areas"][0]["items"][4]["code"] = "1.4"
    assert refused("questionnaire_teacher", data) == (
        "questionnaire_teacher.yaml: areas, область 1 (code: 1), утверждение 5 (code: 1.4): код утверждения «1.4» повторяется"
    )
    data = bundled("questionnaire_leader")
    data["areas"][1]["code"] = "L1"
    assert "область 2 (code: L1): код области «L1» повторяется" in refused("questionnaire_leader", data)


def test_other_structural_mistakes():
    message = refused_text("questionnaire_teacher", "kind: questionnaire_teacher\ntitle: [oops\nversion: 1\n")
    assert message.startswith("questionnaire_teacher.yaml: файл не читается как YAML (строка 3, позиция")
    assert "поле «kind»: ожидалось «catalog», в файле «questionnaire_teacher»" in refused(
        "catalog", bundled("questionnaire_teacher")
    )
    data = bundled("questionnaire_teacher")
    data["areas"][0]["items"].pop()
    assert "одинаковое число утверждений" in refused("questionnaire_teacher", data)
    data = bundled("questionnaire_teacher")
    data["scoring"]["priority"] = ["3", "9"]
    assert "scoring.priority: области «9» нет в анкете" in refused("questionnaire_teacher", data)
    data = bundled("questionnaire_teacher")
    data["areas"][0]["items"][0]["code"] = "2.9"
    assert "код утверждения должен начинаться с «1.»" in refused("questionnaire_teacher", data)
    with pytest.raises(InvalidInput, match="Неизвестный вид"):
        content.parse("events", "kind: events")


def refused_text(kind: str, raw: str) -> str:
    with pytest.raises(InvalidInput) as error:
        content.parse(kind, raw)
    return error.value.user_message


async def counts(session) -> tuple[int, int]:
    versions = await session.scalar(select(func.count()).select_from(ContentVersion))
    active = await session.scalar(select(func.count()).select_from(Activity).where(Activity.is_active))
    return versions, active


async def test_seed_is_idempotent_and_versions_are_kept(sessionmaker):
    async with sessionmaker() as session, session.begin():
        await seed(session, demo=True)
        await seed(session, demo=True)
        assert await counts(session) == (4, 44)  # two questionnaires, the catalogue, the task bank
        teacher = await content.current_version(session, "questionnaire_teacher")
        org_id = await session.scalar(select(Organization.id).limit(1))
        user = User(
            telegram_id=1, full_name="x", position=Position.teacher, organization_id=org_id, timezone="Europe/Moscow"
        )
        session.add(user)
        await session.flush()
        attempt = DiagnosisAttempt(user_id=user.id, variant="teacher", content_version_id=teacher.id)
        session.add(attempt)

        data = bundled("questionnaire_teacher")
        data["scoring"]["zones"][0]["max"], data["scoring"]["zones"][1]["min"] = 6, 7
        data["version"] = "2025.2"
        newer = await content.load_content(
            session, "questionnaire_teacher", yaml.safe_dump(data, allow_unicode=True), 77
        )
        assert newer.is_current and newer.loaded_by == 77 and newer.id != teacher.id
        assert (await content.current_version(session, "questionnaire_teacher")).id == newer.id
        await session.refresh(teacher)
        assert not teacher.is_current and attempt.content_version_id == teacher.id
        old_rules = await content.questionnaire(session, attempt.content_version_id)
        assert old_rules.scoring.zone_for(7).code == "severe"
        assert (await content.questionnaire(session, newer.id)).scoring.zone_for(7).code == "partial"

        await seed(session, demo=True)  # a restart must not undo the upload
        assert (await content.current_version(session, "questionnaire_teacher")).id == newer.id
        assert await counts(session) == (5, 44)


async def test_failed_upload_changes_nothing_and_catalogue_upserts_by_code(sessionmaker):
    async with sessionmaker() as session, session.begin():
        await seed(session, demo=True)
        before = await content.current_version(session, "catalog")
        broken = bundled("catalog")
        broken["activities"][10]["form"] = "online"
        with pytest.raises(InvalidInput, match="запись 11"):
            await content.load_content(session, "catalog", yaml.safe_dump(broken, allow_unicode=True), 5)
        assert await counts(session) == (4, 44)  # two questionnaires, the catalogue, the task bank
        assert (await content.current_version(session, "catalog")).id == before.id

        changed = dict(bundled("catalog"), version="2025.2")  # other content: a label of its own
        removed = changed["activities"].pop(0)
        changed["activities"][0]["hours"] = 20
        changed["activities"].append(
            {
                "code": "t3-new",
                "area": "3",
                "title": "Новый семинар",
                "format": "семинар",
                "form": "non_formal",
                "hours": 3,
                "url": "https://example.org/s",
            }
        )
        await content.load_content(session, "catalog", yaml.safe_dump(changed, allow_unicode=True), 5)
        assert await counts(session) == (5, 44)
        gone = await session.scalar(select(Activity).where(Activity.code == removed["code"]))
        assert not gone.is_active
        demo = await session.scalar(select(Activity).where(Activity.code == "t1-self-demo"))
        assert demo.hours == 20
        assert "t3-new" in [a.code for a in await content.activities(session, ["3"])]

        again = await content.load_content(session, "catalog", (CONTENT_DIR / "catalog.yaml").read_text(), 6)
        assert again.id == before.id and again.is_current  # an earlier version becomes current again
        await session.refresh(gone)
        assert gone.is_active and await counts(session) == (5, 44)
