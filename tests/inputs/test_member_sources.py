"""Published member lists read from files (bot.inputs.member_sources), and an import written into a
registry with its comments and order kept (bot.inputs.registry_edit)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.core import ZH_WIKIPEDIA
from bot.core.members.registry_diff import SourceMember, registry_diff
from bot.errors import ConfigError, InputError
from bot.inputs.member_sources import read_member_source
from bot.inputs.registries import load_registry
from bot.inputs.registry_edit import write_diff

ROOT = Path(__file__).resolve().parents[2]
COLUMNS = {"member": "城市", "section": "领域", "country": "国家", "year": "年份", "source": "来源"}


def column(field: str) -> str:
    return COLUMNS.get(field, field)


def test_csv_rows_with_their_lines_and_bad_rows_one_line_each(tmp_path):
    path = tmp_path / "members.csv"
    path.write_text(
        "\ufeff城市,领域,国家,年份,来源\n南京,文學之都,中国,2019,\n\n,文學之都,,,\n"
        '"新城",建筑之都,某国,2025,"新华社,\n2025-10-31"\n另城,音樂之都,,二〇二五,\n',
        encoding="utf-8",
    )
    rows, problems = read_member_source(str(path), column)
    assert rows == [
        SourceMember("南京", "文學之都", "中国", 2019, "", 2),
        SourceMember("新城", "建筑之都", "某国", 2025, "新华社,\n2025-10-31", 6),
    ]
    assert problems == [f"{path}:4: no member (column '城市')", f"{path}:7: year '二〇二五' is not a year (column '年份')"]


def test_json_rows_with_their_lines(tmp_path):
    path = tmp_path / "members.json"
    path.write_text('[\n  {"member": "南京", "section": "文學之都", "year": 2019},\n  {"member": "扬州"},\n  "x"\n]\n', encoding="utf-8")
    rows, problems = read_member_source(str(path), lambda field: field)
    assert rows == [SourceMember("南京", "文學之都", "", 2019, "", 2)]
    assert problems == [f"{path}:3: no section (column 'section')", f"{path}:4: expected an object with 'member' and 'section', not str"]


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("none.csv", None, "no such file"),
        ("empty.csv", "", "empty"),
        ("header.csv", "\n\n", "empty"),
        ("object.json", '{"member": "南京"}', "expected a JSON array"),
        ("cut.json", '[{"member": "南京",\n', "line 1: not JSON"),
        ("binary.csv", "a\x00b", "binary data"),
        # A wrong [columns] mapping is one line naming the source's columns, not a problem per row.
        ("english.csv", "city,field\nX,Y\nZ,Y\n",
         r"no column '城市' for the member \(the registry's \[columns\] member\); the source's columns: city, field$"),
        ("traditional.csv", "城市,领域,國家,年份,来源\nX,Y,Z,,\n", "no column '国家' for the country"),
        ("english.json", '[{"city": "X", "field": "Y"}]', "no column '城市' for the member"),
        ("deep.json", "[" * 100_000 + "]" * 100_000, "line 1: not JSON: nested too deep"),  # no RecursionError
        ("tail.json", '[{"城市": "南京", "领域": "文學之都"}]\n{"城市": "扬州"}', "line 2: not JSON: more after the array's end"),
    ],
)
def test_a_file_that_cannot_be_read_is_one_error(tmp_path, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        read_member_source(str(path), column)


def test_csv_header_names_are_read_without_their_spaces(tmp_path):
    path = tmp_path / "members.csv"
    path.write_bytes("城市 , 领域 ,国家,年份,来源\r\n南京,文學之都,中国,2019,\r\n".encode("utf-8-sig"))
    assert read_member_source(str(path), column) == ([SourceMember("南京", "文學之都", "中国", 2019, "", 2)], [])


def test_a_year_of_thousands_of_digits_is_a_bad_row_not_a_crash(tmp_path):
    path = tmp_path / "members.csv"
    path.write_text("城市,领域,国家,年份,来源\n南京,文學之都,中国," + "9" * 5000 + ",\n扬州,美食之都,中国,2019,\n", encoding="utf-8")
    members, problems = read_member_source(str(path), column)
    assert [member.name for member in members] == ["扬州"]
    assert problems == [f"{path}:2: year '999999999999…' is not a year (column '年份')"]


@pytest.fixture
def registry(tmp_path) -> Path:
    path = tmp_path / "uccn.toml"
    shutil.copy(ROOT / "config" / "lists" / "uccn.toml", path)
    return path


def rows() -> list[SourceMember]:
    return [
        SourceMember("爱丁堡", "文學之都", "英國", 2004),  # a year for an old member (the first section: [[sections.members]])
        SourceMember("墨爾本", "音樂之都", "澳大利亞"),  # moved into an inline members = [...] array
        SourceMember("米蘭", "設計之都", "意大利"),  # moved into another inline array
        SourceMember("南京", "文學之都", "中國"),  # the same, in the other script
        SourceMember("新城", "建築之都", "某国", 2025, "新华社"),
        SourceMember("維也納", "音樂之都", "Österreich"),
    ]


def test_an_import_keeps_the_registrys_comments_order_and_layout(registry):
    before = registry.read_text(encoding="utf-8")
    diff = registry_diff(load_registry(registry), rows(), ZH_WIKIPEDIA)
    write_diff(registry, diff)
    after = registry.read_text(encoding="utf-8")
    assert after.startswith(before.split("[[sections]]")[0])  # the comments and top-level keys as they were
    assert '    { target = "墨爾本", country_target = "澳大利亞" },\n' in after  # an inline array keeps its style
    assert '    { target = "米兰", country_target = "意大利" },\n' in after
    assert "year = 2004" in after and 'country_target = "Österreich"' in after
    assert after.index('name = "建築之都"') > after.index('name = "美食之都"')  # a new section last
    removed = [line for line in before.splitlines() if line and line not in after.splitlines()]
    assert removed == ['target = "墨爾本"', 'country_target = "澳大利亞"', 'target = "米兰"', '    { target = "維也納", country_target = "奧地利" },']
    loaded = load_registry(registry)
    assert [m.target for m in loaded.section("建築之都").members] == ["新城"]
    assert sum(len(s.members) for s in loaded.sections) == 153


def test_a_second_import_changes_nothing(registry):
    write_diff(registry, registry_diff(load_registry(registry), rows(), ZH_WIKIPEDIA))
    once = registry.read_text(encoding="utf-8")
    again = registry_diff(load_registry(registry), rows(), ZH_WIKIPEDIA)
    assert not again.changes_registry and again.warnings == ()
    assert registry.read_text(encoding="utf-8") == once


def test_an_unreadable_registry_is_never_overwritten(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("name = \n", encoding="utf-8")
    with pytest.raises(ConfigError, match="cannot read the registry"):
        write_diff(path, registry_diff(load_registry(ROOT / "config" / "lists" / "uccn.toml"), [], ZH_WIKIPEDIA))
    assert path.read_text(encoding="utf-8") == "name = \n"
