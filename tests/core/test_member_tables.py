"""Member lists in tables: golden cases for wikitables with a rowspan'd section column, a table per
section heading, pipe tables on converted pages, sorted tables, removals from a rowspan group, new
sections in both layouts and unreadable rows; and a property: for random registries and tables,
the proposed result holds exactly the registry's members and a second analysis proposes nothing."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core import ZH_WIKIPEDIA, Rule, analyze, edit_summary
from bot.core.members import extract_member_list, find_sections, member_changes
from bot.core.registry import Member, MemberList, Section


def section(name: str, *members: Member) -> Section:
    return Section(name, (name,), members)


def registry(*sections: Section) -> MemberList:
    return MemberList("t", (), sections)


A, B, C = Member("甲城", country_target="甲国", year=2004), Member("乙城", country_target="乙国", year=2010), Member("丙城", country_target="丙国", year=2015)
NANJING, E = Member("南京", country_target="中国", year=2019), Member("戊城", country_target="戊国", year=2017)
GROUPED = """== 成员 ==
{| class="wikitable sortable"
! 类别 !! 城市 !! 国家 !! 入选年份
|-
| rowspan="2" | 文學之都 || [[甲城]] || [[甲国]] || 2004
|-
| [[乙城]] || [[乙国]] || 2010
|-
| 音樂之都 || [[丙城]] || [[丙国]] || 2015
|}
"""
PER_SECTION = """=== 文學之都 ===
{| class="wikitable"
|+ 文学之都
! City
! Country
! Year
|-
| [[甲城]]
| [[甲国]]
| 2004
|-
| [[乙城]]
| [[乙国]]
| 2010
|}

=== 音樂之都 ===
{| class="wikitable"
! City
! Country
! Year
|-
| [[丙城]]
| [[丙国]]
| 2015
|}
"""
PIPE = """### 文學之都

| 城市 | 國家 | 年份 |
|---|---|---|
| [[甲城]] | [[甲国]] | 2004 |
| [[乙城]] | [[乙国]] | 2010 |

### 其他
"""
HEADER_CELLS = """{| class="wikitable"
! 領域 !! 城市
|-
! rowspan="3" | 文學之都
| [[A城]]
|-
| [[C城]]
|-
| [[D城]]
|-
! rowspan="2" | 音樂之都
| [[X城]]
|-
| [[Y城]]
|}
"""
M = Member
LITERATURE = ("文學之都", "音樂之都")

CASES = [
    # (name, page, registry, expected new page)
    ("rowspan_group_gains_a_member", GROUPED, registry(section("文學之都", A, B, NANJING), section("音樂之都", C)),
     GROUPED.replace('rowspan="2" | 文學之都', 'rowspan="3" | 文學之都').replace(
         "| [[乙城]] || [[乙国]] || 2010\n", "| [[乙城]] || [[乙国]] || 2010\n|-\n| [[南京]] || [[中国]] || 2019\n")),
    ("single_row_group_gets_a_rowspan", GROUPED, registry(section("文學之都", A, B), section("音樂之都", C, E)),
     GROUPED.replace("| 音樂之都 || [[丙城]]", '| rowspan="2" | 音樂之都 || [[丙城]]').replace(
         "| [[丙国]] || 2015\n", "| [[丙国]] || 2015\n|-\n| [[戊城]] || [[戊国]] || 2017\n")),
    ("table_per_section_gains_a_row", PER_SECTION, registry(section("文學之都", A, B, NANJING), section("音樂之都", C)),
     PER_SECTION.replace("| 2010\n|}", "| 2010\n|-\n| [[南京]]\n| [[中国]]\n| 2019\n|}")),
    ("pipe_table_gains_a_row", PIPE, registry(section("文學之都", A, B, NANJING)),
     PIPE.replace("| 2010 |\n", "| 2010 |\n| [[南京]] | [[中国]] | 2019 |\n")),
    ("sorted_table_sorted_place", HEADER_CELLS, registry(section("文學之都", M("A城"), M("B城"), M("C城"), M("D城")), section("音樂之都", M("X城"), M("Y城"))),
     HEADER_CELLS.replace('rowspan="3"', 'rowspan="4"').replace("| [[A城]]\n", "| [[A城]]\n|-\n| [[B城]]\n")),
    ("sorted_table_first_place_moves_the_section_cell", HEADER_CELLS,
     registry(section("文學之都", M("0城"), M("A城"), M("C城"), M("D城")), section("音樂之都", M("X城"), M("Y城"))),
     HEADER_CELLS.replace('! rowspan="3" | 文學之都\n| [[A城]]\n', '! rowspan="4" | 文學之都\n| [[0城]]\n|-\n| [[A城]]\n')),
    ("removal_of_a_groups_first_row", HEADER_CELLS, registry(section("文學之都", M("C城"), M("D城")), section("音樂之都", M("X城"), M("Y城"))),
     HEADER_CELLS.replace('|-\n! rowspan="3" | 文學之都\n| [[A城]]\n|-\n| [[C城]]\n', '|-\n! rowspan="2" | 文學之都\n| [[C城]]\n')),
    ("removal_of_a_groups_middle_row", HEADER_CELLS, registry(section("文學之都", M("A城"), M("D城")), section("音樂之都", M("X城"), M("Y城"))),
     HEADER_CELLS.replace('rowspan="3"', 'rowspan="2"').replace("|-\n| [[C城]]\n", "")),
    ("new_section_as_a_row_group", HEADER_CELLS,
     registry(section("文學之都", M("A城"), M("C城"), M("D城")), section("建築之都", M("P城"), M("Q城")), section("音樂之都", M("X城"), M("Y城"))),
     HEADER_CELLS.replace("| [[D城]]\n", '| [[D城]]\n|-\n! rowspan="2" | 建築之都\n| [[P城]]\n|-\n| [[Q城]]\n')),
    ("new_section_as_a_table", PER_SECTION, registry(section("文學之都", A, B), section("音樂之都", C), section("建築之都", E)),
     PER_SECTION + '=== 建築之都 ===\n{| class="wikitable"\n! City\n! Country\n! Year\n|-\n| [[戊城]]\n| [[戊国]]\n| 2017\n|}\n'),
    ("converted_page_pipe_table", PIPE.replace("[[甲城]]", '[甲城](../Page/甲城.md "wikilink")'), registry(section("文學之都", A, B, NANJING)),
     PIPE.replace("| 2010 |\n", "| 2010 |\n| [[南京]] | [[中国]] | 2019 |\n")),
    ("flag_template_before_the_member", GROUPED.replace("| [[乙城]]", "| {{flagicon|乙国}} [[乙城]]"),
     registry(section("文學之都", A, B), section("音樂之都", C)), GROUPED.replace("| [[乙城]]", "| {{flagicon|乙国}} [[乙城]]")),
    ("table_per_section_with_a_spanning_section_cell", "=== 文學之都 ===\n" + HEADER_CELLS.split("|-\n! rowspan=\"2\"")[0] + "|}\n",
     registry(section("文學之都", M("A城"), M("C城"), M("D城"), M("E城"))),
     "=== 文學之都 ===\n" + HEADER_CELLS.split("|-\n! rowspan=\"2\"")[0].replace('rowspan="3"', 'rowspan="4"') + "|-\n| [[E城]]\n|}\n"),
    ("in_step_table_untouched", GROUPED, registry(section("文學之都", A, B), section("音樂之都", C)), GROUPED),
]  # fmt: skip


@pytest.mark.parametrize("name, page, members, expected", CASES, ids=[case[0] for case in CASES])
def test_table_cases(name, page, members, expected):
    result = analyze(page, ZH_WIKIPEDIA, members=members)
    assert result.new_text == expected
    assert result.warnings == ()
    assert analyze(result.new_text, ZH_WIKIPEDIA, members=members).changes == ()


def test_a_rowspan_group_change_is_one_change_with_the_count_in_its_note():
    report = member_changes(GROUPED, registry(section("文學之都", A, B, NANJING), section("音樂之都", C)), ZH_WIKIPEDIA)
    (change,) = report.changes
    assert change.rule is Rule.MEMBER_ADD and not change.needs_review
    assert 'rowspan="3"' in change.new and "[[南京]]" in change.new
    assert change.note == "南京（文學之都）; rowspan 2→3"
    assert edit_summary([change], "zh").startswith("成员列表 +南京（文學之都）")


def test_removals_from_tables_need_review():
    for page, members in [
        (HEADER_CELLS, registry(section("文學之都", M("C城"), M("D城")), section("音樂之都", M("X城"), M("Y城")))),
        (PER_SECTION, registry(section("文學之都", A), section("音樂之都", C))),
    ]:
        (change,) = member_changes(page, members, ZH_WIKIPEDIA).changes
        assert change.rule is Rule.MEMBER_REMOVE and change.needs_review


def test_new_sections_need_review():
    members = registry(section("文學之都", A, B), section("音樂之都", C), section("建築之都", E))
    for page in (PER_SECTION, GROUPED):
        (change,) = member_changes(page, members, ZH_WIKIPEDIA).changes
        assert change.rule is Rule.MEMBER_NEW_SECTION and change.needs_review and change.note == "建築之都（1）"


@pytest.mark.parametrize(
    "body, problem",
    [
        ("|-\n| 甲城 || [[甲国]]\n", "no member link in the member column"),
        ("|-\n| colspan=\"2\" | [[甲城]]\n", "a colspan in a member row"),
        ("|-\n| [[甲城]] || [[甲国]]\n|-\n| [[乙城]] ||\n{|\n| x\n|}\n", "a nested table"),
        ("|-\n| [[甲城]] || rowspan=\"2\" | [[甲国]]\n|-\n| [[乙城]]\n", "a rowspan outside the section column"),
    ],
)
def test_unreadable_rows_make_their_section_a_warning(body, problem):
    page = '=== 文學之都 ===\n{| class="wikitable"\n! 城市 !! 国家\n' + body + "|}\n"
    result = analyze(page, ZH_WIKIPEDIA, members=registry(section("文學之都", C)))
    assert result.new_text == page
    (warning,) = result.warnings
    assert "cannot read it" in warning and problem in warning and "nothing proposed" in warning


def test_extract_reads_both_layouts():
    grouped = extract_member_list(GROUPED, ZH_WIKIPEDIA, "g")
    assert [(s.name, [(m.target, m.country_target, m.year) for m in s.members]) for s in grouped.sections] == [
        ("文學之都", [("甲城", "甲国", 2004), ("乙城", "乙国", 2010)]), ("音樂之都", [("丙城", "丙国", 2015)])]  # fmt: skip
    per_section = extract_member_list(PER_SECTION, ZH_WIKIPEDIA, "p")
    assert [(s.name, [m.target for m in s.members]) for s in per_section.sections] == [("文學之都", ["甲城", "乙城"]), ("音樂之都", ["丙城"])]


NAMES = [f"{character}城" for character in "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳"]


def _table_page(layout: str, groups: list[tuple[str, list[str]]], inline: bool) -> str:
    def cells(*values: str) -> str:
        return "| " + " || ".join(values) + "\n" if inline else "".join(f"| {value}\n" for value in values)

    if layout == "pipe":
        return "\n".join(f"### {name}\n\n| 城市 | 年份 |\n|---|---|\n" + "".join(f"| [[{m}]] | 2000 |\n" for m in members)
                         for name, members in groups).rstrip("\n")  # fmt: skip
    if layout == "a":
        return "".join(f"=== {name} ===\n{{| class=\"wikitable\"\n! 城市 !! 年份\n" + "".join(f"|-\n{cells(f'[[{m}]]', '2000')}" for m in members)
                       + "|}\n\n" for name, members in groups)  # fmt: skip
    rows = []
    for name, members in groups:
        for index, member in enumerate(members):
            field = [f'rowspan="{len(members)}" | {name}'] if index == 0 and layout == "b" else [name] if layout == "repeated" else []
            rows.append("|-\n" + cells(*field, f"[[{member}]]"))
    return '== 成员 ==\n{| class="wikitable"\n! 领域 !! 城市\n' + "".join(rows) + "|}\n"


@st.composite
def table_cases(draw):
    names = draw(st.permutations(NAMES))
    count = draw(st.integers(1, 3))
    layout = draw(st.sampled_from(["a", "b", "repeated", "pipe"]))
    pool = iter(names)
    specs, groups = [], []
    for number in range(count):
        members = [next(pool) for _ in range(draw(st.integers(1, 3)))]
        extra = [next(pool) for _ in range(draw(st.integers(0, 2)))]
        shown = draw(st.lists(st.sampled_from(members + extra), min_size=1, max_size=4, unique=True))
        if draw(st.booleans()):
            shown.sort()
        specs.append(section(LITERATURE[0] if number == 0 else f"第{number}之都", *(Member(m) for m in members)))
        groups.append((specs[-1].name, shown))
    kept = [group for group in groups if draw(st.booleans())] or groups[:1]
    return _table_page(layout, kept, draw(st.booleans())), registry(*specs)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(table_cases())
def test_proposed_tables_hold_the_registry_and_settle(case):
    page, members = case
    result = analyze(page, ZH_WIKIPEDIA, members=members)
    assert result.warnings == ()
    sections, missing = find_sections(result.new_text, members, ZH_WIKIPEDIA)
    assert missing == []
    assert {s.spec.name: sorted(item.city.target for item in s.items) for s in sections} == {
        spec.name: sorted(member.target for member in spec.members) for spec in members.sections
    }
    assert analyze(result.new_text, ZH_WIKIPEDIA, members=members).changes == ()


def test_a_section_split_over_two_rowspan_groups_is_a_warning():
    page = HEADER_CELLS.replace("|}\n", '|-\n! rowspan="1" | 文學之都\n| [[E城]]\n|}\n')
    members = registry(section("文學之都", M("A城"), M("C城"), M("D城"), M("E城"), M("F城")), section("音樂之都", M("X城"), M("Y城")))
    result = analyze(page, ZH_WIKIPEDIA, members=members)
    assert result.new_text == page
    assert any("not one group under one section cell" in warning for warning in result.warnings)


def test_members_in_two_places_under_one_heading_are_a_warning():
    table = '{| class="wikitable"\n! 城市\n|-\n| [[甲城]]\n|}\n'
    for page in ("=== 文學之都 ===\n" + table + table, "=== 文學之都 ===\n* [[乙城]]\n" + table):
        result = analyze(page, ZH_WIKIPEDIA, members=registry(section("文學之都", A, B, C)))
        assert result.new_text == page and "not one table" in result.warnings[0]


def test_a_table_without_a_member_column_is_a_warning():
    page = '=== 文學之都 ===\n{| class="wikitable"\n! 地方 !! 国家\n|-\n| [[甲城]] || [[甲国]]\n|}\n'
    result = analyze(page, ZH_WIKIPEDIA, members=registry(section("文學之都", A, B)))
    assert result.new_text == page and "names no member column" in result.warnings[0]


def test_a_header_row_with_a_members_link_is_a_members_row():
    page = '=== 文學之都 ===\n{| class="wikitable"\n! 城市 !! 国家\n|-\n! [[甲城]] !! [[甲国]]\n|}\n'
    result = analyze(page, ZH_WIKIPEDIA, members=registry(section("文學之都", A)))
    assert result.changes == () and result.warnings == ()


def test_an_unclosed_table_is_a_warning():
    page = '=== 文學之都 ===\n{| class="wikitable"\n! 城市\n|-\n| [[甲城]]\n'
    result = analyze(page, ZH_WIKIPEDIA, members=registry(section("文學之都", A, B)))
    assert result.new_text == page and "is not closed" in result.warnings[0]
