"""Exchange of experience end to end through the emulator (issue 15): a resource-zone teacher
shares a practice with a PDF, the methodist returns it once and then approves it; a teacher with a
deficit in that area sees it first in /practices, adds it to the route, marks it applied with a
reflection, and the author is told; the author offers an open lesson, two teachers book it, one
visitor's observation card reaches the host and completes the visitor's route step; /stats shows
the new figures. Diagnoses and the visitor's route are written straight to the bot's database."""

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select

from models import OpenLesson, Organization, Practice, PracticeStatus, Route, RouteStep, StepStatus
from tests.e2e.client import TgUser
from tests.e2e.database import BotDb
from tests.e2e.flows import add_diagnosis, add_route, grant_methodist, press, register, wait_text
from tests.support.factories import when

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(scope="module")
def bot_extra_env() -> dict[str, str]:
    # Moderation notices, applications and observation cards go through the outbox: no quiet hours.
    return {"QUIET_HOURS": "", "DELIVERY_INTERVAL_S": "0.5"}


async def visit_steps(db: BotDb, telegram_id: int, fragment: str) -> list[RouteStep]:
    user = await db.user(telegram_id)
    async with db.session() as session:
        return list(
            await session.scalars(
                select(RouteStep)
                .join(Route, Route.id == RouteStep.route_id)
                .where(Route.user_id == user.id, RouteStep.title.contains(fragment))
            )
        )


async def share(author: TgUser) -> None:
    await author.send("/share_practice")
    await author.wait_reply(contains="Как называется практика", timeout=30)
    await author.send("Билет на выход за 3 минуты")
    await author.wait_reply(contains="Какие области", timeout=20)
    await press(author, "3. Оценочная", "Какие области")
    await author.click("Готово")
    await author.wait_reply(contains="Какие утверждения", timeout=20)
    await press(author, "prp:item:3.2", "Какие утверждения")
    await author.click("Готово")
    await author.wait_reply(contains="Для какого предмета", timeout=20)
    await author.click("Математика")
    await author.wait_reply(contains="Для какого уровня", timeout=20)
    await author.click("Основная школа")
    await author.wait_reply(contains="Коротко опишите", timeout=20)
    await author.send("Каждый урок заканчиваю карточкой с одним вопросом и разбираю ответы.")
    await author.wait_reply(contains="Пришлите материал", timeout=20)
    await author.send_document("bilet.pdf", PDF, mime_type="application/pdf")
    preview = await author.wait_reply(contains="Проверьте практику", timeout=20)
    assert "bilet.pdf" in preview.text
    await press(author, "📨 Отправить на модерацию", "отправлена на модерацию")


async def review(methodist: TgUser) -> None:
    await methodist.send("/practices_review")
    await methodist.wait_reply(contains="Практики на модерации", timeout=30)
    await press(methodist, "1. Билет на выход за 3 минуты", "Одобрите практику")


@pytest.mark.timeout(900)
async def test_practice_and_open_lesson_story(make_user, bot_process, db):
    methodist, author, teacher, second = [await make_user(first_name=n) for n in ("Ольга", "Анна", "Мария", "Вера")]
    await asyncio.gather(
        register(methodist, "Методистова Ольга"),
        register(author, "Ресурсная Анна"),
        register(teacher, "Дефицитная Мария"),
        register(second, "Вторая Вера"),
    )
    async with db.session() as session:
        municipality = await session.scalar(select(Organization.id).where(Organization.name == "г. Новочеркасск"))
    assert "granted" in await grant_methodist(bot_process, methodist.user_id, municipality)
    await add_diagnosis(db, author.user_id, {"1": "norm", "2": "norm", "3": "resource"})
    await add_diagnosis(db, teacher.user_id, {"1": "norm", "2": "partial", "3": "severe"})
    await add_route(db, teacher.user_id)

    # --- share, return once, fix, approve ------------------------------------------------------
    await share(author)
    await methodist.wait_reply(contains="На модерации новая практика", timeout=30)
    await review(methodist)
    await methodist.click("↩️ Вернуть с комментарием")
    await methodist.wait_reply(contains="Что автору исправить", timeout=20)
    await methodist.send("Добавьте пример карточки")
    await methodist.wait_reply(contains="возвращена автору", timeout=20)
    returned = await author.wait_reply(contains="вернули на доработку", timeout=30)
    assert "Добавьте пример карточки" in returned.text
    await press(author, "Открыть практику", "Комментарий методиста")
    await author.click("✏️ Исправить и отправить снова")
    for expect in ("Как называется практика", "Какие области", "Какие утверждения"):
        await author.wait_reply(contains=expect, timeout=20)
        await author.click("Оставить как было" if expect == "Как называется практика" else "Готово")
    await author.wait_reply(contains="Для какого предмета", timeout=20)
    await author.click("Оставить как было")
    await author.wait_reply(contains="Для какого уровня", timeout=20)
    await author.click("Основная школа")
    await author.wait_reply(contains="Коротко опишите", timeout=20)
    await author.send("Карточка с одним вопросом; пример карточки — в файле.")
    await author.wait_reply(contains="Пришлите материал", timeout=20)
    await author.click("Оставить как было")
    await author.wait_reply(contains="Проверьте практику", timeout=20)
    await press(author, "📨 Отправить на модерацию", "отправлена на модерацию")
    await review(methodist)
    await press(methodist, "✅ Одобрить: муниципалитет", "одобрена")
    await author.wait_reply(contains="одобрена и видна коллегам", timeout=30)
    async with db.session() as session:
        practice = await session.scalar(select(Practice))
        assert (practice.status, practice.revision, practice.material_kind) == (PracticeStatus.approved, 2, "document")

    # --- the teacher with a deficit: first in /practices, into the route, applied -------------
    await teacher.send("/practices")
    listing = await teacher.wait_reply(contains="Банк практик", timeout=30)
    assert "1. 🎯 Билет на выход за 3 минуты" in listing.text
    await press(teacher, "1. Билет на выход за 3 минуты", "Автор: учитель")
    await press(teacher, "➕ В мой ИОМ", "За какой срок")
    await press(teacher, "30 дней", "добавлен шаг")
    await teacher.send("/practices")
    await teacher.wait_reply(contains="Банк практик", timeout=30)
    await press(teacher, "1. Билет на выход за 3 минуты", "Практика в вашем ИОМ")
    await teacher.click("✅ Применил(а)")
    await teacher.wait_reply(contains="Как прошло", timeout=20)
    await teacher.send("Ввела билет на выход в 7Б: за неделю поняла, кому нужна помощь.")
    await teacher.wait_reply(contains="Отмечено", timeout=20)
    told = await author.wait_reply(contains="применил(а) коллега", timeout=30)
    assert "Ввела билет на выход" in told.text
    [step] = await visit_steps(db, teacher.user_id, "Изучить и применить практику")
    assert step.status == StepStatus.done

    # --- an open lesson: two bookings, held, one observation card ------------------------------
    await author.send("/offer_lesson")
    await author.wait_reply(contains="Когда урок", timeout=30)
    await author.send(when(timedelta(days=3)))
    await author.wait_reply(contains="В каком классе", timeout=20)
    await author.send("7Б")
    await author.wait_reply(contains="Предмет?", timeout=20)
    await author.click("Математика")
    await wait_text(author, "Тема урока")
    await author.send("Критерии успеха на уроке")
    await author.wait_reply(contains="в фокусе", timeout=20)
    await press(author, "3. Оценочная", "в фокусе")
    await author.click("Готово")
    await wait_text(author, "Сколько мест")
    await author.send("2")
    await author.wait_reply(contains="Проверьте открытый урок", timeout=20)
    await press(author, "📢 Опубликовать", "опубликован")
    for visitor in (teacher, second):
        await visitor.send("/lessons")
        await visitor.wait_reply(contains="Открытые уроки коллег", timeout=30)
        await press(visitor, "1. Критерии успеха на уроке", "Мест для гостей")
        await press(visitor, "✍️ Записаться", "Вы записаны")
        await author.wait_reply(contains="записался коллега", timeout=30)
    async with db.session() as session, session.begin():
        lesson = await session.scalar(select(OpenLesson))
        lesson.starts_at -= timedelta(days=4)  # the lesson has taken place
    await author.send("/lessons")
    await author.wait_reply(contains="Открытые уроки коллег", timeout=30)
    await press(author, "🗂 Мои уроки и записи", "Мои открытые уроки")
    await press(author, "1. Критерии успеха на уроке", "записались: 2")
    await press(author, "✅ Урок проведён", "отмечен проведённым")
    await teacher.wait_reply(contains="Заполните карточку", timeout=30)
    await teacher.click("Заполнить карточку")
    card = await teacher.wait_reply(contains="пункт 1 из 5", timeout=20)
    for number in range(2, 6):
        await teacher.click("2")
        card = await teacher.wait_edit(card, contains=f"пункт {number} из 5", timeout=20)
    await teacher.click("3")
    await wait_text(teacher, "возьмёте в свою практику")
    await teacher.send("Карточки с критериями перед самостоятельной работой")
    await teacher.wait_reply(contains="вопрос автору урока", timeout=20)
    await teacher.send("Сколько времени уходит на разбор?")
    await teacher.wait_reply(contains="Карточка наблюдения отправлена", timeout=20)
    observation = await author.wait_reply(contains="Карточка наблюдения по вашему уроку", timeout=30)
    assert "3.5 — 3" in observation.text and "Сколько времени уходит" in observation.text
    [visit_step] = await visit_steps(db, teacher.user_id, "Посетить открытый урок")
    assert visit_step.status == StepStatus.done

    # --- /stats shows the exchange --------------------------------------------------------------
    await methodist.send("/stats")
    await methodist.wait_reply(contains="За какой период", timeout=30)
    await methodist.send("01.09.2026–31.05.2027")
    stats = await methodist.wait_reply(contains="Обмен опытом", timeout=30)
    for fragment in (
        "Практик одобрено за период: 1 (по областям: 3 — 1).",
        "Применений практик коллегами: 1 (по областям: 3 — 1).",
        "Открытых уроков проведено: 1; посещений — 2.",
        "Поделились опытом (практика или открытый урок): 1 из 3",
    ):
        assert fragment in stats.text, (fragment, stats.text)
