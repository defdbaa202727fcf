"""Communities in /stats and /report over the indicators data set (tests/support/indicators_data):
membership of a young teachers' community counts for indicator 7, the share of teachers in at
least one community, communities by kind with their members in the period."""

from datetime import datetime, timezone
from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import select

from bot.services.monitoring import indicators
from models import (
    Community,
    CommunityKind,
    CommunityMeeting,
    CommunityMember,
    Event,
    EventFormat,
    EventStatus,
    MemberStatus,
    Organization,
)
from tests.support.factories import make_methodist
from tests.support.indicators_data import PERIOD, TODAY, seed_dataset

TYPED = "01.09.2025–31.05.2026"


def at(y: int, m: int, d: int) -> datetime:
    return datetime(y, m, d, 12, tzinfo=timezone.utc)


async def seed_communities(sessionmaker) -> dict[str, int]:
    """T5 (young, otherwise unsupported) in the young teachers' community of Новочеркасск; T1 in a
    region-wide network community; T6 left the municipal МО before the period, T7 joined it after."""
    ids = await seed_dataset(sessionmaker)
    async with sessionmaker() as session, session.begin():
        org = {o.name: o.id for o in await session.scalars(select(Organization))}
        made = {}
        for key, kind, scope in (
            ("young", CommunityKind.young, "г. Новочеркасск"),
            ("mo", CommunityKind.municipal_mo, "г. Новочеркасск"),
            ("net", CommunityKind.network, "Ростовская область"),
        ):
            community = Community(
                kind=kind, title=f"Сообщество {key}", scope_org_id=org[scope], created_at=at(2025, 1, 1)
            )
            session.add(community)
            await session.flush()
            made[key] = community.id
        for key, user, joined, left in (
            ("young", "T5", at(2025, 10, 1), None),
            ("net", "T1", at(2025, 9, 15), None),
            ("mo", "T6", at(2025, 1, 10), at(2025, 8, 20)),
            ("mo", "T7", at(2026, 6, 15), None),
        ):
            session.add(
                CommunityMember(
                    community_id=made[key],
                    user_id=ids[user],
                    status=MemberStatus.left if left else MemberStatus.active,
                    joined_at=joined,
                    left_at=left,
                )
            )
        for starts, status in ((at(2026, 2, 10), EventStatus.closed), (at(2026, 3, 10), EventStatus.published)):
            event = Event(
                title="Заседание МО",
                format=EventFormat.mo_meeting,
                scope_org_id=org["г. Новочеркасск"],
                timezone="Europe/Moscow",
                starts_at=starts,
                duration_min=90,
                registration_deadline=starts,
                status=status,
            )
            session.add(event)
            await session.flush()
            session.add(CommunityMeeting(community_id=made["mo"], event_id=event.id))
    return made


async def stats_for(sessionmaker, name: str):
    async with sessionmaker() as session:
        org = await session.scalar(select(Organization).where(Organization.name == name))
        return await indicators.compute(session, org, PERIOD, "Europe/Moscow", TODAY)


async def test_young_community_counts_for_indicator_7_and_the_community_share(sessionmaker):
    await seed_communities(sessionmaker)
    town = await stats_for(sessionmaker, "г. Новочеркасск")
    seven = town.indicator("7").total
    assert (seven.num, seven.den) == (2, 2)  # was 1 of 2: T5 is supported by the community alone
    assert (town.indicator("8").total.num, town.indicator("8").total.den) == (1, 2)  # mentoring is unchanged
    c = town.communities
    assert (c.members, c.teachers) == (2, 7)  # T5 and T1; T6 left before, T7 joined after the period
    assert [(k.kind, k.communities, k.members, k.meetings) for k in c.kinds] == [
        (CommunityKind.municipal_mo, 1, 0, 1),  # one meeting held; the one not closed does not count
        (CommunityKind.young, 1, 1, 0),
    ]
    region = await stats_for(sessionmaker, "Ростовская область")
    assert (region.indicator("7").total.num, region.indicator("7").total.den) == (3, 3)
    assert [(k.kind, k.communities) for k in region.communities.kinds] == [
        (CommunityKind.municipal_mo, 1),
        (CommunityKind.network, 1),
        (CommunityKind.young, 1),
    ]


async def test_stats_and_report_show_the_communities(routed, sessionmaker):
    await seed_communities(sessionmaker)
    methodist = await make_methodist(routed, sessionmaker, 7301, "г. Новочеркасск")
    await methodist.send("/stats")
    text = (await methodist.send(TYPED))[-1]
    assert "<b>7. Поддержка молодых педагогов</b> — 2 из 2" in text
    assert "в сообществе молодых педагогов" in text
    assert "педагогов хотя бы в одном — 2 из 7 (29%)" in text
    assert "• Муниципальное МО: 1, в них 0 участников; встреч проведено — 1" in text
    assert "• Сообщество молодых педагогов: 1, в них 1 участник" in text

    await methodist.send("/report")
    await methodist.send(TYPED)
    [sent] = routed.api.sent("SendDocument", 7301)
    sheet = load_workbook(BytesIO(sent.document.data))["Сообщества"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[1], r[3], r[4]) for r in rows[:-1]] == [
        ("Сообщество mo", "Муниципальное МО", 0, 1),
        ("Сообщество young", "Сообщество молодых педагогов", 1, 0),
    ]
    assert rows[-1][0] == "Педагогов хотя бы в одном сообществе" and rows[-1][3] == 2
