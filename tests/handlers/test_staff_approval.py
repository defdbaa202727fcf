"""Issue 13: route approval can be switched on (a methodist's screen for organizations in scope,
and the console), and a methodist approves a teacher's ИОМ with a button."""

from sqlalchemy import select

from bot.__main__ import _parser
from bot.cli import dispatch
from handlers.route.approval import ApprovalCb
from models import AuditEntry, Organization, OutboxMessage, Route, RouteStatus
from tests.support.factories import built, make_methodist, org_id


async def required(sessionmaker, name: str) -> bool:
    async with sessionmaker() as session:
        return await session.scalar(
            select(Organization.route_approval_required).where(Organization.name.contains(name))
        )


async def the_route(sessionmaker) -> Route:
    async with sessionmaker() as session:
        return await session.scalar(select(Route).order_by(Route.id.desc()))


async def test_the_console_switches_approval_on_and_a_methodist_approves_with_a_button(harness, sessionmaker):
    school = await org_id(sessionmaker, "СОШ № 1")
    args = _parser().parse_args(["orgs", "approval", str(school), "on"])
    assert "1 organization(s) changed" in await dispatch(harness.settings, args)
    assert await required(sessionmaker, "СОШ № 1")

    methodist = await make_methodist(harness, sessionmaker, 960, "г. Новочеркасск")
    await built(harness, sessionmaker, 961)
    route = await the_route(sessionmaker)
    assert route.status == RouteStatus.draft

    await methodist.send("/approval")
    listing = (await methodist.press("ждущие согласования"))[-1]
    assert "Иванова Мария Петровна" in listing
    shown = (await methodist.press("Открыть: Иванова"))[-1]
    assert "Педагог: <b>Иванова Мария Петровна</b>" in shown and "Шагов:" in shown
    replies = await methodist.press("✅ Согласовать ИОМ")
    assert "ИОМ согласован: Иванова Мария Петровна" in replies[-1]
    route = await the_route(sessionmaker)
    assert route.status == RouteStatus.approved and route.approved_by == 960
    async with sessionmaker() as session:
        told = await session.scalar(
            select(OutboxMessage).where(OutboxMessage.idempotency_key == f"route-approved:{route.id}")
        )
    assert told.chat_id == 961
    assert "не ждёт согласования" in (await methodist.press("К списку"))[-1]

    teacher = harness.user(961)
    assert "только методистам" in (await teacher.send("/approval"))[-1]
    assert "только методистам" in (await teacher.click(ApprovalCb(action="ok", id=route.id)))[-1]


async def test_a_methodist_switches_approval_for_organizations_in_scope(harness, sessionmaker):
    methodist = await make_methodist(harness, sessionmaker, 970, "г. Новочеркасск")
    await methodist.send("/approval")
    shown = (await methodist.press("Где требовать"))[-1]
    assert "Где требовать согласование ИОМ — г. Новочеркасск" in shown
    await methodist.press("▫️ МБОУ СОШ № 3")
    assert await required(sessionmaker, "СОШ № 3") and not await required(sessionmaker, "СОШ № 1")
    assert "☑️ МБОУ СОШ № 3" in [text for text, _ in methodist.buttons()]
    await methodist.press("Включить во всех")
    assert await required(sessionmaker, "СОШ № 1") and await required(sessionmaker, "лицей № 7")
    assert not await required(sessionmaker, "СОШ № 24")  # another municipality
    await methodist.press("Выключить во всех")
    assert not await required(sessionmaker, "СОШ № 3")

    foreign = await org_id(sessionmaker, "СОШ № 24")
    assert "вне вашей зоны" in (await methodist.click(ApprovalCb(action="org", id=foreign)))[-1]
    assert not await required(sessionmaker, "СОШ № 24")
    async with sessionmaker() as session:
        audit = list(await session.scalars(select(AuditEntry.action).where(AuditEntry.action == "org.route_approval")))
    assert len(audit) == 3
