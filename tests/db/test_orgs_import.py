from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.services.shared import org_import, orgs
from bot.services.shared.errors import InvalidInput
from models import Organization, OrgKind


async def test_csv_import_is_idempotent_and_builds_the_tree(sessionmaker, tmp_path: Path):
    csv_file = tmp_path / "orgs.csv"
    csv_file.write_text(
        "region,municipality,organization,timezone,kind\n"
        "Красноярский край,г. Норильск,МБОУ СШ № 1,Asia/Krasnoyarsk,school\n"
        "Красноярский край,г. Норильск,ММС Норильска,Asia/Krasnoyarsk,other\n"
        "Красноярский край,г. Ачинск,,Asia/Krasnoyarsk,\n",
        encoding="utf-8",
    )
    for _ in range(2):
        async with sessionmaker() as session, session.begin():
            await org_import.import_file(session, csv_file)
    async with sessionmaker() as session:
        region = await session.scalar(select(Organization).where(Organization.name == "Красноярский край"))
        school = await session.scalar(select(Organization).where(Organization.name == "МБОУ СШ № 1"))
        total = await session.scalar(
            select(func.count()).select_from(Organization).where(Organization.timezone == "Asia/Krasnoyarsk")
        )
        assert total == 5
        assert school.timezone == "Asia/Krasnoyarsk" and region.kind == OrgKind.region
        assert await orgs.is_within(session, school.id, region.id)
        assert not await orgs.is_within(session, region.id, school.id)


@pytest.mark.parametrize(
    "content, error",
    [
        ("region,municipality\nA,B\n", "нет столбцов timezone"),
        ("region,municipality,timezone\nA,B,Nowhere/City\n", "строка 2: неизвестный часовой пояс"),
        ("region,municipality,timezone,kind\nA,B,Europe/Moscow,castle\n", "тип должен быть"),
    ],
)
async def test_bad_csv_names_the_line(sessionmaker, tmp_path: Path, content, error):
    csv_file = tmp_path / "bad.csv"
    csv_file.write_text(content, encoding="utf-8")
    async with sessionmaker() as session, session.begin():
        with pytest.raises(InvalidInput) as info:
            await org_import.import_file(session, csv_file)
    assert error in info.value.user_message


async def test_yaml_errors_name_the_entry(sessionmaker, tmp_path: Path):
    yaml_file = tmp_path / "orgs.yaml"
    yaml_file.write_text(
        "name: Регион\nmunicipalities:\n  - name: Город\n    organizations:\n      - kind: school\n", encoding="utf-8"
    )
    async with sessionmaker() as session, session.begin():
        with pytest.raises(InvalidInput) as info:
            await org_import.import_file(session, yaml_file)
    assert "муниципалитет №1, организация №1: нужно поле name" in info.value.user_message
