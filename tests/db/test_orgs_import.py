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


SEVEN_SCHOOLS = [
    ("Ростовская область", "г. Шахты", "МБОУ СОШ № 1", "да"),
    ("Ростовская область", "г. Шахты", "МБОУ СОШ № 2", ""),
    ("Ростовская область", "г. Шахты", "МБОУ СОШ № 3", "нет"),
    ("Ростовская область", "Аксайский район", "МБОУ Аксайская СОШ № 1", ""),
    ("Ростовская область", "Аксайский район", "МБОУ Аксайская СОШ № 2", ""),
    ("Ростовская область", "Аксайский район", "МБОУ Аксайская СОШ № 3", ""),
    ("Ростовская область", "Аксайский район", "ИМЦ Аксайского района", ""),
]


def excel_csv(path: Path, encoding: str, delimiter: str, header: str) -> Path:
    lines = [header.replace(",", delimiter)]
    for region, muni, org, approval in SEVEN_SCHOOLS:
        lines.append(delimiter.join([region, muni, org, "Europe/Moscow", "", approval]))
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def xlsx(path: Path) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Регион", "Муниципалитет", "Организация", "Часовой пояс", "Тип", "Согласование ИОМ"])
    for region, muni, org, approval in SEVEN_SCHOOLS:
        sheet.append([region, muni, org, "Europe/Moscow", None, approval or None])
    sheet.append([None] * 6)  # Excel's trailing empty row
    book.save(path)
    return path


@pytest.mark.parametrize(
    "make",
    [
        lambda d: excel_csv(
            d / "orgs.csv", "cp1251", ";", "Регион,Муниципалитет,Организация,Часовой пояс,Тип,Согласование ИОМ"
        ),
        lambda d: excel_csv(
            d / "orgs.csv", "utf-8-sig", ";", "region,municipality,organization,timezone,kind,route_approval_required"
        ),
        lambda d: excel_csv(
            d / "orgs.csv", "utf-8", ",", "region,municipality,organization,timezone,kind,route_approval_required"
        ),
        lambda d: xlsx(d / "orgs.xlsx"),
    ],
    ids=["cp1251-semicolon", "utf8-bom-semicolon", "utf8-comma", "xlsx"],
)
async def test_excel_files_import_and_count_each_organization_once(sessionmaker, tmp_path: Path, make):
    path = make(tmp_path)
    async with sessionmaker() as session, session.begin():
        first = await org_import.import_file(session, path)
    # 1 region + 2 municipalities + 7 organizations, each counted once however many rows repeat it.
    assert (first.created, first.updated, first.unchanged) == (10, 0, 0)
    async with sessionmaker() as session, session.begin():
        again = await org_import.import_file(session, path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 10)
    async with sessionmaker() as session:
        approval = dict((await session.execute(select(Organization.name, Organization.route_approval_required))).all())
    assert approval["МБОУ СОШ № 1"] is True and approval["МБОУ СОШ № 3"] is False
    assert approval["МБОУ СОШ № 2"] is False  # not said: the default


async def test_a_changed_row_counts_as_updated_and_an_empty_approval_leaves_it_alone(sessionmaker, tmp_path: Path):
    path = tmp_path / "orgs.csv"
    path.write_text(
        "region,municipality,organization,timezone,route_approval_required\nКрай,Город,Школа,Europe/Moscow,yes\n",
        encoding="utf-8",
    )
    async with sessionmaker() as session, session.begin():
        await org_import.import_file(session, path)
    path.write_text(
        "region,municipality,organization,timezone\nКрай,Город,Школа,Europe/Moscow\nКрай,Город,Лицей,Europe/Moscow\n"
    )
    async with sessionmaker() as session, session.begin():
        report = await org_import.import_file(session, path)
    assert (report.created, report.updated, report.unchanged) == (1, 0, 3)
    async with sessionmaker() as session:
        school = await session.scalar(select(Organization).where(Organization.name == "Школа"))
        assert school.route_approval_required is True
    path.write_text(
        "region,municipality,organization,timezone,route_approval_required\nКрай,Город,Школа,Asia/Omsk,no\n"
    )
    async with sessionmaker() as session, session.begin():
        report = await org_import.import_file(session, path)
    assert (report.created, report.updated, report.unchanged) == (0, 3, 0)  # all three moved to Omsk


@pytest.mark.parametrize(
    "content, error",
    [
        (
            "Красноярский край;г. Норильск;МБОУ СШ № 1;Asia/Krasnoyarsk\n",
            "строка 1: первая строка — заголовок со столбцами region",
        ),
        (
            "region;municipality;organization;timezone;route_approval_required\nA;B;C;Europe/Moscow;может быть\n",
            "строка 2: согласование ИОМ — да или нет",
        ),
        (
            "region;municipality;timezone;route_approval_required\nA;B;Europe/Moscow;да\n",
            "строка 2: согласование ИОМ задаётся для организации",
        ),
        ("region;municipality;organization;timezone\n\nA;B;C;\n", "строка 3: не указан часовой пояс"),
        ("region;municipality;timezone\n", "после заголовка нет ни одной строки"),
        ("\n\n", "файл пуст"),
    ],
)
async def test_excel_file_errors_name_the_row_and_the_problem(sessionmaker, tmp_path: Path, content, error):
    path = tmp_path / "orgs.csv"
    path.write_bytes(content.encode("cp1251"))
    async with sessionmaker() as session, session.begin():
        with pytest.raises(InvalidInput) as info:
            await org_import.import_file(session, path)
    assert error in info.value.user_message


async def test_the_example_file_in_docs_imports(sessionmaker):
    example = Path(__file__).resolve().parents[2] / "docs" / "organizations-example.csv"
    async with sessionmaker() as session, session.begin():
        report = await org_import.import_file(session, example)
    assert report.created > 3 and report.updated == 0


async def test_a_damaged_xlsx_is_named(sessionmaker, tmp_path: Path):
    path = tmp_path / "orgs.xlsx"
    path.write_bytes(b"not a workbook")
    async with sessionmaker() as session, session.begin():
        with pytest.raises(InvalidInput, match="не открыть как XLSX"):
            await org_import.import_file(session, path)
