"""Member lists: golden test on the seeds, and table-driven cases for styles, variants, targets,
duplicates, wrong sections, sorted sections, missing sections and stated totals."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.core import ZH_WIKIPEDIA, Rule, analyze, edit_summary
from bot.core.members import extract_member_list, member_changes
from bot.core.registry import Member, MemberList, Section
from bot.inputs.registries import load_registry

ROOT = Path(__file__).resolve().parents[2]
OLD = (ROOT / "seeds" / "000_d4b9c68d3e383551.txt").read_text(encoding="utf-8")
NEW = (ROOT / "seeds" / "001_7e93bf9fd9f8118a.txt").read_text(encoding="utf-8")
UCCN = load_registry(ROOT / "config" / "lists" / "uccn.toml")


def test_older_snapshot_gets_exactly_the_two_new_members():
    result = analyze(OLD, ZH_WIKIPEDIA, members=UCCN)
    members = [c for c in result.changes if c.rule.value.startswith("member-")]
    assert [(c.rule, c.old, c.new) for c in members] == [
        (Rule.MEMBER_TOTAL, "116", "152"),
        (Rule.MEMBER_ADD, "", "  - [[南京]]-[[中国]]\n"),
        (Rule.MEMBER_ADD, "", "  - [[扬州]]-[[中国]]\n"),
    ]
    lines = result.new_text.splitlines()
    assert lines[lines.index("  - [[南京]]-[[中国]]") - 1] == "  - [[米兰]]-[[意大利]]"  # end of 文學之都
    assert lines[lines.index("  - [[扬州]]-[[中国]]") - 1] == "  - [[巴拿马城]]-[[巴拿马]]"  # end of 美食之都
    assert [c.needs_review for c in members] == [True, False, False]  # a stated total is a person's call
    assert result.warnings == ()
    assert edit_summary(members, "zh") == "成员列表 总数 116→152、+南京（文學之都）、+扬州（美食之都）"


def test_newer_snapshot_is_complete_and_everything_is_idempotent():
    members = [c for c in analyze(NEW, ZH_WIKIPEDIA, members=UCCN).changes if c.rule.value.startswith("member-")]
    assert [(c.rule, c.old, c.new) for c in members] == [(Rule.MEMBER_TOTAL, "116", "152")]  # the list itself is complete
    once = analyze(OLD, ZH_WIKIPEDIA, members=UCCN)
    assert analyze(once.new_text, ZH_WIKIPEDIA, members=UCCN).changes == ()


def test_shipped_registry_is_the_newer_snapshot():
    extracted = extract_member_list(NEW, ZH_WIKIPEDIA, "uccn")
    assert [(s.name, [m.target for m in s.members]) for s in extracted.sections] == [
        (s.name, [m.target for m in s.members]) for s in UCCN.sections
    ]
    assert sum(len(s.members) for s in UCCN.sections) == 152
    assert UCCN.section("文學之都").members[-1] == Member("南京", country_target="中国", year=2019, source=UCCN.section("文學之都").members[-1].source)


def registry(*members: Member, section: str = "文學之都", others: tuple[Section, ...] = ()) -> MemberList:
    return MemberList("t", (), (Section(section, (section,), members), *others))


A, B, C = Member("甲城", country_target="甲国"), Member("乙城", country_target="乙国"), Member("丙城", country_target="丙国")

CASES = [
    # (name, page, registry, expected new page)
    ("markdown_style_copied", '### 文學之都\n\n  - [甲城](../Page/甲城.md "wikilink")-[甲国](../Page/甲国.md "wikilink")\n\n### 下一节\n',
     registry(A, B), '### 文學之都\n\n  - [[甲城]]-[[甲国]]\n  - [[乙城]]-[[乙国]]\n\n### 下一节\n'),
    ("wikitext_style_copied", "=== 文學之都 ===\n* [[甲城]] – [[甲国]]\n=== 下一节 ===\n",
     registry(A, B), "=== 文學之都 ===\n* [[甲城]] – [[甲国]]\n* [[乙城]] – [[乙国]]\n=== 下一节 ===\n"),
    ("heading_in_other_script", "=== 文学之都 ===\n* [[甲城]]-[[甲国]]\n",
     registry(A, B), "=== 文学之都 ===\n* [[甲城]]-[[甲国]]\n* [[乙城]]-[[乙国]]\n"),
    ("member_in_other_script", "=== 文學之都 ===\n* [[揚州]]-[[中國]]\n",
     registry(Member("扬州", country_target="中国")), "=== 文學之都 ===\n* [[揚州]]-[[中國]]\n"),
    ("renamed_target_matches_by_label", "=== 文學之都 ===\n* [[魁北克|魁北克]]-[[加拿大]]\n",
     registry(Member("魁北克城", "魁北克", "加拿大")), "=== 文學之都 ===\n* [[魁北克|魁北克]]-[[加拿大]]\n"),
    ("piped_links", "=== 文學之都 ===\n* [[甲城 (省)|甲城]]-[[甲国]]\n",
     registry(A), "=== 文學之都 ===\n* [[甲城 (省)|甲城]]-[[甲国]]\n"),
    ("template_items", "=== 文學之都 ===\n* {{link-en|甲城|Jia}}-{{flag|甲国}}\n",
     registry(A), "=== 文學之都 ===\n* {{link-en|甲城|Jia}}-{{flag|甲国}}\n"),
    ("sorted_section", "=== 文學之都 ===\n* [[A城]]\n* [[C城]]\n* [[D城]]\n",
     registry(Member("A城"), Member("B城"), Member("C城"), Member("D城")), "=== 文學之都 ===\n* [[A城]]\n* [[B城]]\n* [[C城]]\n* [[D城]]\n"),
    ("unsorted_section_appends", "=== 文學之都 ===\n* [[D城]]\n* [[A城]]\n* [[C城]]\n",
     registry(Member("A城"), Member("B城"), Member("C城"), Member("D城")), "=== 文學之都 ===\n* [[D城]]\n* [[A城]]\n* [[C城]]\n* [[B城]]\n"),
    ("other_lists_untouched", "=== 外部連結 ===\n* [https://example.org 官网]\n=== 文學之都 ===\n* [[甲城]]-[[甲国]]\n",
     registry(A), "=== 外部連結 ===\n* [https://example.org 官网]\n=== 文學之都 ===\n* [[甲城]]-[[甲国]]\n"),
    ("missing_section_proposes_nothing", "=== 别的 ===\n* [[甲城]]\n", registry(A, B), "=== 别的 ===\n* [[甲城]]\n"),
    ("unparseable_item_proposes_nothing", "=== 文學之都 ===\n* 甲城（没有链接）\n", registry(A, B), "=== 文學之都 ===\n* 甲城（没有链接）\n"),
    ("empty_section_uses_the_registry_format", "=== 文學之都 ===\n=== 下一节 ===\n",
     registry(A), "=== 文學之都 ===\n* [[甲城]]-[[甲国]]\n=== 下一节 ===\n"),
    ("last_line_without_newline", "=== 文學之都 ===\n* [[甲城]]-[[甲国]]", registry(A, B), "=== 文學之都 ===\n* [[甲城]]-[[甲国]]\n* [[乙城]]-[[乙国]]"),
]  # fmt: skip


@pytest.mark.parametrize("name, page, members, expected", CASES, ids=[case[0] for case in CASES])
def test_member_cases(name, page, members, expected):
    result = analyze(page, ZH_WIKIPEDIA, members=members)
    assert result.new_text == expected
    assert analyze(result.new_text, ZH_WIKIPEDIA, members=members).changes == ()


def test_missing_section_and_unparseable_items_are_warnings():
    assert "section 文學之都 not found" in analyze("=== 别的 ===\n", ZH_WIKIPEDIA, members=registry(A)).warnings[0]
    warning = analyze("=== 文學之都 ===\n* 甲城\n", ZH_WIKIPEDIA, members=registry(A)).warnings[0]
    assert "without a link" in warning and "nothing proposed" in warning


@pytest.mark.parametrize(
    "page, rule",
    [
        ("=== 文學之都 ===\n* [[甲城]]\n* [[戊城]]\n=== 音樂之都 ===\n* [[丙城]]\n", Rule.MEMBER_REMOVE),
        ("=== 文學之都 ===\n* [[甲城]]\n* [[甲城]]\n=== 音樂之都 ===\n* [[丙城]]\n", Rule.MEMBER_DUPLICATE),
        ("=== 文學之都 ===\n* [[甲城]]\n* [[丙城]]\n=== 音樂之都 ===\n* [[丙城]]\n", Rule.MEMBER_SECTION),
    ],
)
def test_removals_need_review(page, rule):
    members = registry(A, others=(Section("音樂之都", ("音樂之都",), (C,)),))
    report = member_changes(page, members, ZH_WIKIPEDIA)
    (change,) = [c for c in report.changes if c.rule is rule]
    assert change.needs_review and change.new == "" and change.old.endswith("\n")
    result = analyze(page, ZH_WIKIPEDIA, members=members)
    assert result.new_text.count("\n") == page.count("\n") - 1


def test_removed_line_takes_its_link_fixes_with_it():
    page = '### 文學之都\n\n  - [戊城](../Page/戊城.md "wikilink")\n  - [甲城](../Page/甲城.md "wikilink")\n'
    result = analyze(page, ZH_WIKIPEDIA, members=registry(A))
    rules = [change.rule for change in result.changes]
    assert rules == [Rule.MEMBER_REMOVE, Rule.MD_MIRROR]


def test_redirects_make_a_renamed_target_the_same_member():
    page = "=== 文學之都 ===\n* [[魁北克]]-[[加拿大]]\n"
    members = registry(Member("魁北克城", country_target="加拿大"))
    without = {c.rule for c in analyze(page, ZH_WIKIPEDIA, members=members).changes}
    assert without == {Rule.MEMBER_REMOVE, Rule.MEMBER_ADD}
    assert analyze(page, ZH_WIKIPEDIA, members=members, redirects={"魁北克": "魁北克城"}).changes == ()


def test_an_empty_registry_section_never_empties_the_pages_section():
    page = "=== 文學之都 ===\n* [[愛丁堡]]-[[英國]]\n* [[南京]]-[[中国]]\n"
    report = member_changes(page, registry(), ZH_WIKIPEDIA)
    assert report.changes == ()
    assert any("has no members; nothing proposed" in warning for warning in report.warnings)


@pytest.mark.parametrize(
    "data, message",
    [
        ({"name": "x", "sections": [{"name": "a", "memebers": []}]}, "memebers: unknown key (did you mean members?)"),
        ({"name": "x", "max_edit": 3, "sections": [{"name": "a"}]}, "max_edit: unknown key"),
        ({"name": "x", "sections": [{"name": "a", "members": [{"target": "T", "yaer": 1}]}]}, "member 1: yaer: unknown key"),
        ({"name": "x", "total_pattern": "由(\\d+", "sections": [{"name": "a"}]}, "total_pattern: not a regular expression"),
        ({"name": "x", "total_pattern": "由\\d+个", "sections": [{"name": "a"}]}, "total_pattern: needs a group"),
        ({"name": "x", "sections": [{"name": "a", "members": [{"target": "T", "year": "soon"}]}]},
         "lists/x.toml: [[sections]] 1 (a) member 1: year: 'soon' is not a year"),
        ({"name": "x", "sections": [{"name": "a", "members": [{"target": "T", "year": 2.5}]}]}, "member 1: year: 2.5"),
        ({"name": "x", "sections": [{"name": "a", "headings": "文學之都"}]},
         "lists/x.toml: [[sections]] 1 (a): headings: expected a list of texts, e.g. ['文學之都']"),
        ({"name": "x", "pages": "联合国教科文组织创意城市网络", "sections": [{"name": "a"}]}, "lists/x.toml: pages: expected a list"),
        ({"name": "x", "sections": [{"name": "a", "members": [{"target": "T", "aliases": "T2"}]}]}, "member 1: aliases: expected"),
        ({"name": "x", "sections": [{"name": "a", "memebers": []}]}, "lists/x.toml: [[sections]] 1 (a): memebers"),
        ({"name": "x", "sections": []}, "lists/x.toml: no [[sections]]"),
        # A name is written into pages: one holding markup would write that markup.
        ({"name": "x", "sections": [{"name": "a", "members": [{"target": "T]]<div>"}]}]}, "[[sections]] 1 (a) member 1: target: 'T]]<div>' holds ']'"),
        ({"name": "x", "sections": [{"name": "a", "members": [{"target": "T", "country_label": "{{X}}"}]}]}, "country_label: '{{X}}' holds '{'"),
        ({"name": "x", "sections": [{"name": "a", "members": [{"target": "T", "aliases": ["~~~~"]}]}]}, "aliases: '~~~~' holds '~~~'"),
        ({"name": "x", "sections": [{"name": "a\n== b ==", "members": []}]}, "[[sections]] 1: name: 'a\\n== b ==' holds '\\n'"),
        ({"name": "x", "sections": [{"name": "a", "headings": ["a<!--"]}]}, "[[sections]] 1 (a): headings: 'a<!--' holds '<'"),
    ],
)
def test_registry_mistakes_are_named(data, message):
    from bot.core.errors import RegistryError
    from bot.core.registry import member_list_from_dict

    with pytest.raises(RegistryError, match=re.escape(message)):
        member_list_from_dict(data, "lists/x.toml")


def test_a_year_written_as_digits_is_read():
    from bot.core.registry import member_list_from_dict

    data = {"name": "x", "sections": [{"name": "a", "members": [{"target": "T", "year": "2019"}, {"target": "U", "year": 2025}]}]}
    assert [m.year for m in member_list_from_dict(data).sections[0].members] == [2019, 2025]


@pytest.mark.parametrize(
    "second, claimed",
    [
        (Member("甲城", country_target="甲国"), "the registry lists 甲城 under 文學之都 and 音樂之都"),
        (Member("甲市", label="甲城", country_target="甲国"), "the registry lists 甲城 under 文學之都 and 音樂之都"),
        (Member("乙市", aliases=("甲城",)), "the registry lists 乙市 under 文學之都 and 音樂之都"),
    ],
)
def test_a_member_in_two_registry_sections_stops_the_list_with_one_warning(second, claimed):
    page = "=== 文學之都 ===\n* [[甲城]]-[[甲国]]\n\n=== 音樂之都 ===\n* [[丙城]]-[[丙国]]\n"
    both = MemberList("t", (), (Section("文學之都", ("文學之都",), (A, B)), Section("音樂之都", ("音樂之都",), (C, second))))
    report = member_changes(page, both, ZH_WIKIPEDIA)
    assert report.changes == () and report.listed == 2
    assert report.warnings == (f"t: {claimed}; nothing proposed for the list until each member is in one section",)
    assert analyze(page, ZH_WIKIPEDIA, members=both).changes == ()


# New sections: a registry section the page lacks, in the style and place of its siblings.
D = Member("丁城", country_target="丁国")
MUSIC, DESIGN = Section("音樂之都", ("音樂之都",), (C,)), Section("設計之都", ("設計之都", "设计之都"), (D,))


def three(*present: Section) -> MemberList:
    return MemberList("t", (), (Section("文學之都", ("文學之都",), (A,)), MUSIC, DESIGN))


NEW_SECTION_CASES = [
    # (name, page, expected new page)
    ("wikitext_middle_section_in_registry_order", "== 成员 ==\n=== 文學之都 ===\n* [[甲城]]-[[甲国]]\n\n=== 設計之都 ===\n* [[丁城]]-[[丁国]]\n\n== 参考 ==\n",
     "== 成员 ==\n=== 文學之都 ===\n* [[甲城]]-[[甲国]]\n\n=== 音樂之都 ===\n* [[丙城]]-[[丙国]]\n\n=== 設計之都 ===\n* [[丁城]]-[[丁国]]\n\n== 参考 ==\n"),
    ("markdown_style_and_blank_lines", "### 文學之都\n\n  - [[甲城]]-[[甲国]]\n\n### 音樂之都\n\n  - [[丙城]]-[[丙国]]\n\n## 外部連結\n",
     "### 文學之都\n\n  - [[甲城]]-[[甲国]]\n\n### 音樂之都\n\n  - [[丙城]]-[[丙国]]\n\n### 設計之都\n\n  - [[丁城]]-[[丁国]]\n\n## 外部連結\n"),
    ("first_section_missing_goes_before_the_next", "=== 音樂之都 ===\n* [[丙城]]-[[丙国]]\n=== 設計之都 ===\n* [[丁城]]-[[丁国]]",
     "=== 文學之都 ===\n* [[甲城]]-[[甲国]]\n=== 音樂之都 ===\n* [[丙城]]-[[丙国]]\n=== 設計之都 ===\n* [[丁城]]-[[丁国]]"),
    ("at_the_pages_end_without_a_trailing_newline", "==文學之都==\n* [[甲城]] – [[甲国]]\n==音樂之都==\n* [[丙城]] – [[丙国]]",
     "==文學之都==\n* [[甲城]] – [[甲国]]\n==音樂之都==\n* [[丙城]] – [[丙国]]\n==設計之都==\n* [[丁城]] – [[丁国]]"),
    ("heading_in_other_script_is_the_same_section", "=== 文学之都 ===\n* [[甲城]]-[[甲国]]\n=== 音乐之都 ===\n* [[丙城]]-[[丙国]]\n=== 设计之都 ===\n* [[丁城]]-[[丁国]]\n",
     "=== 文学之都 ===\n* [[甲城]]-[[甲国]]\n=== 音乐之都 ===\n* [[丙城]]-[[丙国]]\n=== 设计之都 ===\n* [[丁城]]-[[丁国]]\n"),
]  # fmt: skip


@pytest.mark.parametrize("name, page, expected", NEW_SECTION_CASES, ids=[case[0] for case in NEW_SECTION_CASES])
def test_new_section_cases(name, page, expected):
    members = three()
    result = analyze(page, ZH_WIKIPEDIA, members=members)
    assert result.new_text == expected
    assert all(c.needs_review for c in result.changes if c.rule is Rule.MEMBER_NEW_SECTION)
    assert analyze(result.new_text, ZH_WIKIPEDIA, members=members).changes == ()


def test_an_alias_heading_is_never_duplicated():
    page = "=== 文學之都 ===\n* [[甲城]]-[[甲国]]\n=== 音樂之都 ===\n* [[丙城]]-[[丙国]]\n=== 设计之都（Design） ===\n* [[丁城]]-[[丁国]]\n"
    aliased = MemberList("t", (), (*three().sections[:2], Section("設計之都", ("設計之都", "设计之都（Design）"), (D,))))
    assert analyze(page, ZH_WIKIPEDIA, members=aliased).changes == ()


def test_a_new_section_is_named_in_the_summary_with_its_count():
    page = "=== 文學之都 ===\n* [[甲城]]-[[甲国]]\n=== 音樂之都 ===\n* [[丙城]]-[[丙国]]\n"
    members = MemberList("t", (), (*three().sections[:2], Section("建築之都", ("建築之都",), (D, Member("戊城", country_target="戊国")))))
    (change,) = member_changes(page, members, ZH_WIKIPEDIA).changes
    assert change.rule is Rule.MEMBER_NEW_SECTION and change.note == "建築之都（2）"
    assert edit_summary([change], "zh") == "成员列表 +建築之都（2）"


@pytest.mark.parametrize(
    "page, members, warning",
    [
        ("=== 别的 ===\n* [[甲城]]\n", registry(A), "no section of the list shows how to write it"),
        ("=== 文學之都 ===\n* [[甲城]]\n", MemberList("t", (), (Section("文學之都", ("文學之都",), (A,)), Section("空", ("空",), ()))),
         "section 空 not found on the page and has no members"),
    ],
)  # fmt: skip
def test_a_new_section_that_cannot_be_written_is_a_warning(page, members, warning):
    report = member_changes(page, members, ZH_WIKIPEDIA)
    assert not [c for c in report.changes if c.rule is Rule.MEMBER_NEW_SECTION]
    assert any(warning in line for line in report.warnings), report.warnings


# Stated totals: the number only, in the page's digits; a number the page does not write is left alone.
TOTAL = MemberList("t", (), (Section("文學之都", ("文學之都",), (A, B)),), total_pattern=r"共(\d+)个城市")
LISTED = "=== 文學之都 ===\n* [[甲城]]-[[甲国]]\n* [[乙城]]-[[乙国]]\n"


@pytest.mark.parametrize(
    "lead, new_lead, warning",
    [
        ("共5个城市。\n", "共2个城市。\n", ""),
        ("共１６个城市。\n", "共２个城市。\n", ""),  # full-width digits stay full-width
        ("共2个城市。\n", "共2个城市。\n", ""),
        ("{{lang|zh|共5个城市}}。\n", None, "made by a template, a table or a tag"),
        ('{| class="wikitable"\n| 共5个城市\n|}\n', None, "made by a template, a table or a tag"),
        ("共1５个城市。\n", None, "digits are of more than one kind"),
        ("共5个城市。后来共7个城市。\n", None, "total_pattern matches 2 places ('共5个城市'、'共7个城市'); not changed"),
    ],
)
def test_stated_totals(lead, new_lead, warning):
    report = member_changes(lead + LISTED, TOTAL, ZH_WIKIPEDIA)
    totals = [c for c in report.changes if c.rule is Rule.MEMBER_TOTAL]
    if new_lead is None:
        assert totals == [] and any(warning in line for line in report.warnings), report.warnings
        return
    result = analyze(lead + LISTED, ZH_WIKIPEDIA, members=TOTAL)
    assert result.new_text == new_lead + LISTED and all(c.needs_review for c in totals)
    assert analyze(result.new_text, ZH_WIKIPEDIA, members=TOTAL).changes == ()


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

CITIES = [f"{a}{b}城" for a in "甲乙丙丁戊己庚辛" for b in "东西南北"]


@st.composite
def lists_that_grew(draw):
    """A registry and a page that lists some of its sections (in Markdown or wikitext) and some members."""
    names = draw(st.lists(st.sampled_from(["文學之都", "音樂之都", "設計之都", "美食之都", "建築之都"]), min_size=1, max_size=5, unique=True))
    cities = iter(draw(st.permutations(CITIES)))
    sections = tuple(Section(name, (name,), tuple(Member(next(cities), country_target="某国") for _ in range(draw(st.integers(1, 3)))))
                     for name in names)  # fmt: skip
    shown = [section for section in sections if draw(st.booleans())] or [sections[0]]
    markdown = draw(st.booleans())
    page = "开头。\n\n"
    for section in shown:
        listed = [member for member in section.members if draw(st.booleans())] or [section.members[0]]
        page += f"### {section.name}\n\n" if markdown else f"=== {section.name} ===\n"
        page += "".join(f"  - [[{m.target}]]-[[某国]]\n" if markdown else f"* [[{m.target}]]-[[某国]]\n" for m in listed)
        page += "\n" if markdown else ""
    return MemberList("t", (), sections), page + draw(st.sampled_from(["", "== 参考 ==\n"]))


@settings(max_examples=60, deadline=None)
@given(lists_that_grew())
def test_a_grown_registry_is_reached_in_one_pass(case):
    members, page = case
    result = analyze(page, ZH_WIKIPEDIA, members=members)
    extracted = extract_member_list(result.new_text, ZH_WIKIPEDIA, "t")
    assert [(s.name, {m.target for m in s.members}) for s in extracted.sections] == [
        (s.name, {m.target for m in s.members}) for s in members.sections
    ]
    assert analyze(result.new_text, ZH_WIKIPEDIA, members=members).changes == ()
