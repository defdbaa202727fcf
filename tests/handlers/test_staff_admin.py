"""Issue 13, the admin's side: /grant for someone who has not registered, /help of a methodist
appointed before registering, and names on /methodists and the grant confirmation."""

from bot.services.shared import roles
from models import Role
from tests.support.factories import org_id, register
from tests.support.harness import ADMIN_ID


async def grant(admin, telegram_id: int, scope: str) -> list[str]:
    await admin.send(f"/grant {telegram_id}")
    await admin.press(scope)
    return await admin.press(f"Выбрать: {scope}")


async def test_grant_to_someone_not_registered_says_nobody_was_told_and_their_help_lists_their_commands(
    harness, sessionmaker
):
    admin = harness.user(ADMIN_ID)
    replies = await grant(admin, 779, "Ростовская")
    assert "Пользователь с ID 779 назначен методистом: Ростовская область." in replies[-1]
    assert "Уведомление не отправлено: этот человек ещё не зарегистрирован в боте" in replies[-1]

    help_text = (await harness.user(779).send("/help"))[-1]  # was «Вы ещё не зарегистрированы»
    assert "Вы назначены методистом, но ещё не зарегистрированы" in help_text
    assert "/stats — Показатели мониторинга" in help_text and "/broadcast — Рассылка" in help_text
    assert "/diagnostics" not in help_text and "/grant" not in help_text
    assert "зарегистрируйтесь: /start" in help_text
    assert "Вы ещё не зарегистрированы" in (await harness.user(780).send("/help"))[-1]  # a stranger


async def test_methodists_and_the_grant_confirmation_show_names_where_known(harness, sessionmaker):
    await register(harness.user(781), name="Морозова Галина Петровна")
    admin = harness.user(ADMIN_ID)
    replies = await grant(admin, 781, "Ростовская")
    assert "Морозова Галина Петровна (ID 781) назначен методистом: Ростовская область." in replies[-1]
    async with sessionmaker() as session, session.begin():
        await roles.grant(session, None, Role.methodist, 782, await org_id(sessionmaker, "г. Новочеркасск"))
    listing = (await admin.send("/methodists"))[-1]
    assert "• Морозова Галина Петровна (ID 781) — Ростовская область" in listing
    assert "• Пользователь с ID 782 — Ростовская область, г. Новочеркасск" in listing
    replies = await admin.press("Снять роль: 781")
    assert "Роль методиста снята: Морозова Галина Петровна (ID 781) — Ростовская область." in replies[-1]
