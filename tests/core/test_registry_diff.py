"""A registry against a published list (bot.core.members.registry_diff), table-driven; the removal
guard (bot.core.members.guard) and the check summary (bot.core.members.check)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core import ZH_WIKIPEDIA, Rule, analyze
from bot.core.members import member_changes
from bot.core.members.check import check_page
from bot.core.members.guard import guarded, removal_share
from bot.core.members.registry_diff import MemberDifference, SourceMember, registry_diff
from bot.core.options import Options
from bot.core.registry import Member, MemberList, Section

EDINBURGH = Member("愛丁堡", country_target="英國", year=2004)
MELBOURNE = Member("墨爾本", country_target="澳大利亞", aliases=("Melbourne",))
VIENNA = Member("維也納", country_target="奧地利")
REGISTRY = MemberList(
    "t", ("P",), (Section("文學之都", ("文學之都",), (EDINBURGH, MELBOURNE)), Section("音樂之都", ("音樂之都", "音乐城市"), (VIENNA,)))
)


def row(name: str, section: str = "文學之都", country: str = "", year: int | None = None, line: int = 2) -> SourceMember:
    return SourceMember(name, section, country, year, "", line)


CASES = [
    # (source rows, redirects, added, new sections, differences)
    ([row("爱丁堡", country="英国", year=2004)], {}, [], [], []),  # variants: the same title, the same country
    ([row("Melbourne")], {}, [], [], []),  # an alias is the member
    ([row("南京", country="中国")], {}, [("文學之都", Member("南京", country_target="中国"))], [], []),
    ([row("米蘭", "建築之都")], {}, [("建築之都", Member("米蘭"))], ["建築之都"], []),
    ([row("米蘭", "建築之都"), row("都靈", "建筑之都", line=3)], {}, [("建築之都", Member("米蘭")), ("建築之都", Member("都靈"))], ["建築之都"], []),
    ([row("維也納", "音乐城市")], {}, [], [], []),  # a section by one of its headings, in the other script
    ([row("愛丁堡", "音樂之都")], {}, [], [], [MemberDifference("文學之都", "愛丁堡", "section", "文學之都", "音樂之都")]),
    ([row("愛丁堡", country="蘇格蘭")], {}, [], [], [MemberDifference("文學之都", "愛丁堡", "country", "英國", "蘇格蘭")]),
    ([row("愛丁堡", year=2005)], {}, [], [], [MemberDifference("文學之都", "愛丁堡", "year", "2004", "2005")]),
    ([row("Edinburgh")], {"Edinburgh": "愛丁堡"}, [], [], [MemberDifference("文學之都", "愛丁堡", "spelling", "愛丁堡", "Edinburgh")]),
    ([row("愛丁堡", country="UK")], {"UK": "英國"}, [], [], []),  # a country through its redirect
    ([row("Nanking")], {"Nanking": "南京"}, [("文學之都", Member("南京", aliases=("Nanking",)))], [], []),
]


@pytest.mark.parametrize("rows, redirects, added, sections, differences", CASES)
def test_registry_diff(rows, redirects, added, sections, differences):
    diff = registry_diff(REGISTRY, rows, ZH_WIKIPEDIA, redirects)
    assert list(diff.added) == added
    assert list(diff.new_sections) == sections
    assert list(diff.differences) == differences


def test_members_the_source_lacks_are_reported_never_removed():
    diff = registry_diff(REGISTRY, [row("愛丁堡")], ZH_WIKIPEDIA)
    assert [(section, member.target) for section, member in diff.missing] == [("文學之都", "墨爾本"), ("音樂之都", "維也納")]
    assert not diff.changes_registry


def test_a_member_twice_in_the_source_is_a_warning_and_the_first_row_counts():
    diff = registry_diff(REGISTRY, [row("南京", line=2), row("南京", "音樂之都", line=5)], ZH_WIKIPEDIA)
    assert [section for section, _ in diff.added] == ["文學之都"]
    assert diff.warnings == ("line 5: 南京 is in the source more than once; the first row counts",)


def applied(registry: MemberList, diff) -> MemberList:
    """What registry_edit writes, as values: to check that a second import changes nothing."""
    sections = {s.name: list(s.members) for s in registry.sections} | {name: [] for name in diff.new_sections}
    for d in diff.differences:
        members = sections[d.section]
        at = next(i for i, m in enumerate(members) if m.target == d.target)
        member = members[at]
        if d.field == "country":
            member = Member(**{**member.__dict__, "country_target": d.new, "country_label": ""})
        elif d.field == "year":
            member = Member(**{**member.__dict__, "year": int(d.new)})
        elif d.field == "spelling":
            member = Member(**{**member.__dict__, "aliases": (*member.aliases, d.new)})
        members[at] = member
    for d in diff.differences:
        if d.field == "section":
            member = next(m for m in sections[d.section] if m.target == d.target)
            sections[d.section].remove(member)
            sections[d.new].append(member)
    for section, member in diff.added:
        sections[section].append(member)
    headings = {s.name: s.headings for s in registry.sections}
    return MemberList(registry.name, registry.pages, tuple(Section(n, headings.get(n, (n,)), tuple(m)) for n, m in sections.items()))


NAMES = st.sampled_from(["愛丁堡", "爱丁堡", "墨爾本", "Melbourne", "維也納", "南京", "Nanking", "米蘭", "Edinburgh"])
SECTIONS = st.sampled_from(["文學之都", "文学之都", "音樂之都", "音乐城市", "建築之都", "建筑之都"])
ROWS = st.lists(st.builds(row, NAMES, SECTIONS, st.sampled_from(["", "英國", "中国", "UK"]), st.sampled_from([None, 2004, 2019])), max_size=8)


@given(ROWS)
def test_a_second_import_of_the_same_source_changes_nothing(rows):
    redirects = {"Edinburgh": "愛丁堡", "Nanking": "南京", "UK": "英國"}
    once = applied(REGISTRY, registry_diff(REGISTRY, rows, ZH_WIKIPEDIA, redirects))
    again = registry_diff(once, rows, ZH_WIKIPEDIA, redirects)
    assert not again.changes_registry, again
    assert sum(len(s.members) for s in once.sections) >= sum(len(s.members) for s in REGISTRY.sections)


PAGE = "=== 文學之都 ===\n* [[愛丁堡]]\n* [[墨爾本]]\n* [[甲城]]\n* [[乙城]]\n* [[丙城]]\n=== 音樂之都 ===\n* [[維也納]]\n"


def test_the_guard_holds_every_member_change_of_a_page_losing_too_many():
    report = member_changes(PAGE, REGISTRY, ZH_WIKIPEDIA)
    assert removal_share(report) == (3, 0.5)
    held = guarded(report, "t", 0.2)
    assert held.changes == ()
    assert held.warnings[-1].startswith("t: 3 of 6 listed member(s) (50%) would be removed, more than [members] max_removal_share (20%)")
    assert guarded(report, "t", 0.5) is report  # "more than" the share: exactly the share passes


SPANNED = (
    '{| class="wikitable"\n! 类别 !! 城市 !! 国家\n'
    '|-\n| rowspan="4" | 文學之都 || [[愛丁堡]] || [[英國]]\n|-\n| [[甲城]] || [[甲国]]\n|-\n| [[乙城]] || [[乙国]]\n'
    "|-\n| [[丙城]] || [[丙国]]\n"
    '|-\n| rowspan="2" | 音樂之都 || [[維也納]] || [[奧地利]]\n|-\n| [[丁城]] || [[丁国]]\n|}\n'
)
LIST_PAGE = "=== 文學之都 ===\n* [[愛丁堡]]\n* [[墨爾本]]\n* [[愛丁堡]]\n* [[維也納]]\n=== 音樂之都 ===\n"


@pytest.mark.parametrize(
    "page, removed, listed, changes",
    [
        (PAGE, 3, 6, 3),
        # A rowspan group's removals are one change: the guard counts the members it takes, not changes.
        (SPANNED, 4, 6, 2),
        # A duplicate's removal (愛丁堡) loses no member; a move (維也納, of 音樂之都) takes one off its section.
        (LIST_PAGE, 1, 4, 3),
    ],
)
def test_the_guard_counts_members_removed_not_changes(page, removed, listed, changes):
    report = member_changes(page, REGISTRY, ZH_WIKIPEDIA)
    assert (removal_share(report)[0], report.listed, len(report.changes)) == (removed, listed, changes), report.changes
    assert check_page("P", report, 0.5).held == (removed / listed > 0.5)


def test_the_guard_in_analyze_keeps_the_link_fixes():
    page = PAGE + '[X](../Page/X.md "wikilink")\n'
    result = analyze(page, ZH_WIKIPEDIA, Options(max_member_removal_share=0.2), members=REGISTRY)
    assert [change.rule for change in result.changes] == [Rule.MD_MIRROR]
    assert any("max_removal_share" in warning for warning in result.warnings)
    unguarded = analyze(page, ZH_WIKIPEDIA, members=REGISTRY)  # the core's default: no limit
    assert [change.rule for change in unguarded.changes].count(Rule.MEMBER_REMOVE) == 3


def test_check_summarises_a_page():
    check = check_page("P", member_changes(PAGE, REGISTRY, ZH_WIKIPEDIA), 0.2)
    assert not check.agrees and check.held and check.listed == 6
    assert [item.split("：")[0] if "：" in item else item.split("（")[0] for item in check.to_remove] == ["甲城", "乙城", "丙城"]
    agreeing = check_page("P", member_changes("=== 文學之都 ===\n* [[愛丁堡]]\n* [[墨爾本]]\n=== 音樂之都 ===\n* [[維也納]]\n", REGISTRY, ZH_WIKIPEDIA), 0.2)
    assert agreeing.agrees and not agreeing.held


@pytest.mark.parametrize("name, section, country, redirect, problem", [
    ("X]]<div style=display:none>", "文學之都", "", "", "holds ']'"),
    ("南京", "新\n== X ==", "", "", "holds '\\n'"),
    ("南京", "文學之都", "{{flag|中国}}", "", "holds '{'"),
    ("~~~~", "文學之都", "", "", "holds '~~~'"),
    ("Category:坏", "文學之都", "", "", "no article's title"),
    ("en:Nanjing", "文學之都", "", "", "no article's title"),
    ("南京", "文學之都", "", "File:x.png", "no article's title"),  # resolved through a hostile redirect
])  # fmt: skip
def test_a_source_name_that_would_write_markup_is_left_out(name, section, country, redirect, problem):
    diff = registry_diff(REGISTRY, [row(name, section, country, line=7), row("南京", line=8)] if name != "南京" else
                         [row(name, section, country, line=7)], ZH_WIKIPEDIA, {"南京": redirect} if redirect else {})  # fmt: skip
    assert diff.new_sections == () and diff.differences == ()
    assert [member.target for _, member in diff.added] == ([] if name == "南京" else ["南京"])
    assert diff.warnings[0].startswith("line 7: ") and problem in diff.warnings[0] and diff.warnings[0].endswith("left out")
