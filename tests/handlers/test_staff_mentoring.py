"""Issue 13, mentoring as the methodist sees it: only eligible mentor candidates, invited mentors
first with the reason shown; relay prompts that need no declension of a name."""

from datetime import timedelta

from sqlalchemy import select, update

from bot.services.shared import roles
from models import (
    AreaResult,
    AttemptStatus,
    ContentVersion,
    DiagnosisAttempt,
    MentorPair,
    PairStatus,
    Role,
    User,
    utcnow,
)
from tests.support.factories import make_methodist, org_id, register

THIS_YEAR = utcnow().year


async def person(harness, sessionmaker, telegram_id: int, name: str, experience: int, zones: dict | None = None):
    await register(harness.user(telegram_id), name=name, year="1975")
    async with sessionmaker() as session, session.begin():
        user = await session.scalar(select(User).where(User.telegram_id == telegram_id))
        user.experience_years = experience
        if zones:
            version = await session.scalar(
                select(ContentVersion.id).where(ContentVersion.kind == "questionnaire_teacher")
            )
            attempt = DiagnosisAttempt(
                user_id=user.id,
                variant="teacher",
                content_version_id=version,
                status=AttemptStatus.completed,
                completed_at=utcnow() - timedelta(days=3),
            )
            session.add(attempt)
            await session.flush()
            scores = {"severe": 5, "partial": 9, "norm": 12, "resource": 15}
            session.add_all(
                AreaResult(attempt_id=attempt.id, area=a, score=scores[z], max_score=15, zone=z, point_deficits=[])
                for a, z in zones.items()
            )
        return user.id


async def test_mentor_suggestions_list_only_eligible_colleagues_invited_first(harness, sessionmaker):
    methodist = await make_methodist(harness, sessionmaker, 900, "г. Новочеркасск")
    async with sessionmaker() as session, session.begin():  # the methodist herself: experienced, no deficit
        await session.execute(update(User).where(User.telegram_id == 900).values(experience_years=25))
    mentee = await person(harness, sessionmaker, 901, "Молодая Анна", 1, {"3": "severe", "2": "partial"})
    async with sessionmaker() as session, session.begin():
        await session.execute(update(User).where(User.id == mentee).values(birth_year=THIS_YEAR - 24))
    await person(harness, sessionmaker, 902, "Опытная Мария", 20, {"3": "resource", "2": "norm"})
    await person(harness, sessionmaker, 903, "Начинающий Олег", 2, {"3": "resource"})  # a young specialist's years
    await person(harness, sessionmaker, 904, "Дефицитная Вера", 15, {"3": "severe"})  # a deficit in the very area
    await person(harness, sessionmaker, 905, "Приглашённый Иван", 10)
    async with sessionmaker() as session, session.begin():
        await roles.grant(session, None, Role.mentor, 905, await org_id(sessionmaker, "СОШ № 1"))

    await methodist.send("/pairs")
    await methodist.press("Молодые специалисты")
    shown = (await methodist.press("Подобрать наставника: Молодая Анна"))[-1]
    listed = shown.split("Дефициты")[1]
    assert "Опытная Мария" in listed and "Приглашённый Иван" in listed
    for ineligible in ("Начинающий Олег", "Дефицитная Вера", "Методист Ольга"):
        assert ineligible not in listed, ineligible
    assert listed.index("Приглашённый Иван") < listed.index("Опытная Мария")  # invited mentors first
    assert "приглашён(а) наставником" in listed and "ресурсная зона: Оценочная" in listed  # the reasons stay


async def test_the_relay_prompt_names_the_recipient_without_declension(harness, sessionmaker):
    mentor = await person(harness, sessionmaker, 910, "Морозова Галина Петровна", 20)
    mentee = await person(harness, sessionmaker, 911, "Молодая Анна", 1)
    async with sessionmaker() as session, session.begin():
        today = utcnow().date()
        session.add(
            MentorPair(
                mentor_id=mentor,
                mentee_id=mentee,
                type="subject",
                goal="Цель",
                starts_on=today,
                planned_end=today + timedelta(days=180),
                cadence_days=14,
                status=PairStatus.active,
                escalation_level=0,
            )
        )
    await harness.user(911).send("/mentor")
    prompt = (await harness.user(911).press("Написать"))[-1]
    assert "для <b>" not in prompt  # was «Напишите сообщение для Морозова Галина Петровна»
    assert prompt.startswith("Получатель: <b>Морозова Галина Петровна</b>\nНапишите сообщение одним текстом")
