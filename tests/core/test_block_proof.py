"""Proof of member-list changes (bot.core.block_proof), table-driven over renderings as MediaWiki
writes them: the declared lines and nothing else is proven; anything more, less or other disagrees.
(The test wiki's own renderings are the judge in tests/wiki/test_member_growth_live.py.)"""

from __future__ import annotations

import pytest

from bot.core import ZH_WIKIPEDIA
from bot.core.block_proof import prove_blocks, unfaithful
from bot.core.model import Change, Display, Rule
from bot.core.rendering import rendering_from_parse


def parsed(html: str, **lists) -> object:
    return rendering_from_parse({"text": html, **lists})


def link(title: str) -> str:
    return f'<a href="/wiki/{title}" title="{title}">{title}</a>'


LIST = f"<ul><li>{link('甲城')}-{link('甲国')}</li></ul>"
ADDED = f"<ul><li>{link('甲城')}-{link('甲国')}</li><li>{link('乙城')}-{link('乙国')}</li></ul>"
ADD = Change(Rule.MEMBER_ADD, 0, 0, "", "* [[乙城]]-[[乙国]]\n", display=Display.MEMBER)
REMOVE = Change(Rule.MEMBER_REMOVE, 0, 10, "* [[乙城]]-[[乙国]]\n", "", needs_review=True, display=Display.MEMBER)
TOTAL = Change(Rule.MEMBER_TOTAL, 0, 3, "116", "152", needs_review=True, display=Display.MEMBER)
SECTION = Change(Rule.MEMBER_NEW_SECTION, 0, 0, "", "=== 建築之都 ===\n* [[乙城]]-[[乙国]]\n", needs_review=True, display=Display.MEMBER)
TABLE = '<table class="wikitable"><tr><th>领域</th><th>城市</th></tr><tr><td rowspan="{n}">文学</td><td>{a}</td></tr>{rows}</table>'
ROW = Change(Rule.MEMBER_ADD, 0, 0, "", "|-\n| [[乙城]]\n", display=Display.MEMBER)


def table(span: int, *cities: str) -> str:
    return TABLE.format(n=span, a=link(cities[0]), rows="".join(f"<tr><td>{link(city)}</td></tr>" for city in cities[1:]))


CASES = [
    # (name, changes, html without, html with, lists with (sections), proven?)
    ("an_item_added", [ADD], LIST, ADDED, {}, True),
    ("an_item_removed", [REMOVE], ADDED, LIST, {}, True),
    ("a_total_changed", [TOTAL], "<p>该网络由116个城市</p>", "<p>该网络由152个城市</p>", {}, True),
    ("a_total_changed_otherwise", [TOTAL], "<p>该网络由116个城市</p>", "<p>该网络由150个城市</p>", {}, False),
    ("an_item_with_more_text", [ADD], LIST, ADDED.replace("乙国</a>", "乙国</a>（还有）"), {}, False),
    ("an_item_linking_elsewhere", [ADD], LIST, ADDED.replace('href="/wiki/乙城"', 'href="/wiki/丙城"'), {}, False),
    ("an_item_in_bold", [ADD], LIST, ADDED.replace(f"<li>{link('乙城')}", f"<li><b>{link('乙城')}</b>"), {}, False),
    ("nothing_shown", [ADD], LIST, LIST, {}, False),
    ("hidden_text_with_it", [ADD], LIST, ADDED.replace("乙国</a>", '乙国</a><span style="display:none">藏</span>'), {}, False),
    ("a_styled_span", [ADD], LIST, ADDED.replace("<li><a", '<li><span style="color:#fff"><a', 1).replace("乙国</a>", "乙国</a></span>"), {}, False),
    ("a_collapsed_item", [ADD], LIST, ADDED.replace("<li><a href=\"/wiki/乙城", '<li class="mw-collapsible mw-collapsed"><a href="/wiki/乙城'), {}, False),
    ("an_item_for_print_only", [ADD], LIST, ADDED.replace("<li><a href=\"/wiki/乙城", '<li class="printonly"><a href="/wiki/乙城'), {}, False),
    ("an_image_with_it", [ADD], LIST, ADDED.replace("乙国</a>", '乙国</a><img src="/x.png">'), {}, False),
    ("text_lost_elsewhere", [ADD], "<p>前言</p>" + LIST, ADDED, {}, False),
    ("a_new_section", [SECTION], LIST, LIST + f"<h3><span class=\"mw-headline\">建築之都</span></h3><ul><li>{link('乙城')}-{link('乙国')}</li></ul>",
     {"sections": [{"line": "建築之都"}]}, True),
    ("a_heading_not_declared", [ADD], LIST, ADDED + "<h3>别的</h3>", {"sections": [{"line": "别的"}]}, False),
    ("a_line_among_lines_alike_slides_into_place", [Change(Rule.MEMBER_REMOVE, 0, 9, "  - 乙城-甲国\n", "", display=Display.MEMBER)],
     "<pre>- 甲城-甲国\n- 乙城-甲国\n- 丙城-甲国</pre>", "<pre>- 甲城-甲国\n- 丙城-甲国</pre>", {}, True),
    ("a_row_with_its_span", [ROW], table(1, "甲城"), table(2, "甲城", "乙城"), {}, True),
    ("a_groups_first_row_removed_its_cell_moved",
     [Change(Rule.MEMBER_REMOVE, 0, 9, "|-\n| rowspan=2 | 文学 || [[甲城]]\n|-\n| [[乙城]]\n", "|-\n| 文学 || [[乙城]]\n", display=Display.MEMBER)],
     table(2, "甲城", "乙城"), TABLE.format(n=1, a=link("乙城"), rows=""), {}, True),
    ("a_row_without_its_span", [ROW], table(1, "甲城"), table(1, "甲城", "乙城"), {}, False),
]  # fmt: skip


@pytest.mark.parametrize("name, changes, without, with_changes, lists, proven", CASES, ids=[case[0] for case in CASES])
def test_block_proof_cases(name, changes, without, with_changes, lists, proven):
    proofs = prove_blocks(changes, parsed(without), parsed(with_changes, **lists), ZH_WIKIPEDIA, "Page")
    assert [proof.status for proof in proofs] == ["proven" if proven else "disagrees"] * len(changes), proofs[0].why


def test_a_template_the_changes_bring_disagrees():
    proofs = prove_blocks([ADD], parsed(LIST), parsed(ADDED, templates=[{"title": "Template:X"}]), ZH_WIKIPEDIA)
    assert proofs[0].status == "disagrees" and "templates differ" in proofs[0].why


def test_a_page_its_readers_get_otherwise_than_the_bots_preview_is_unfaithful():
    # {{Hide-{{REVISIONUSER}}}} over the list: hidden for the author's readers, shown in the bot's
    # preview and so after its save; previews alone would prove one new item while the save shows all.
    stored = parsed(f'<div style="display:none">{LIST}</div>', templates=[{"title": "Template:Hide-Editor"}])
    preview = parsed(LIST, templates=[{"title": "Template:Hide-LinkBot"}])
    assert "something else than the bot's save would" in unfaithful(preview, stored)
    assert "reads otherwise" in unfaithful(parsed(LIST), parsed(f'<div style="display:none">{LIST}</div>'))
    assert unfaithful(parsed(LIST), parsed(LIST)) == ""
