"""Real pages of the public Markdown mirror (tests/data/field/mirror: zh, ja, ko; nobody on this
project wrote them), through linkbot, judged by MediaWiki's own rendering.

Every "wikilink" link is converted or reported with a reason; the page's categories are category
tags again (none shown as a link); no link markup is left as text; and the rendered page reads
exactly as linkbot declares: the rendering of the output equals the rendering of the input with
each changed link replaced by the text linkbot says it shows (plain text, so nothing but the
links can account for a difference), and its links are the declared ones.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest

from bot.core import Display, PageResult, analyze, profile_for_host
from bot.core.labels import visible_text
from tests.field.conftest import FIELD

PAGES = sorted((FIELD / "mirror").rglob("*.md"))  # hidden files too (.kr.md): pathlib does not skip them
_WIKILINK_MARK = re.compile(r'"wikilink"\)|title="wikilink"')
# A category link as pandoc and the mirror write a category tag: its label is the title
# (``[Category:X](…/Category:X "wikilink")``) or a sort key, never with a leading colon.
_CATEGORY_NAMES = r"(?:Category|分类|分類|カテゴリ|분류)"
_CATEGORY_TAG = re.compile(r"\[(?!:)[^\]\n]*\]\((?:\.\./Page/|https?://[^\s/]+/wiki/)?" + _CATEGORY_NAMES + r":(\S+?)(?:\.md)? \"wikilink\"\)")
_LEFT_AS_TEXT = re.compile(r"\]\((?:\.\./Page/|https?://[a-z-]+\.wikipedia\.org/wiki/)|\[\[|\]\]")
_SHOWN_AS_DECLARED = (Display.KEPT, Display.BRACKETS, Display.NUMBERED)


def _page_id(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


def _analysed(path: Path) -> tuple[str, PageResult]:
    language = path.parent.name
    return language, analyze(path.read_text(encoding="utf-8"), profile_for_host(f"{language}.wikipedia.org"), title=path.stem)


@pytest.mark.parametrize("path", PAGES, ids=_page_id)
def test_every_wikilink_is_converted_or_reported(path):
    language, result = _analysed(path)
    spans = [(c.start, c.end) for c in result.changes] + [(s.start, s.end) for s in result.skipped if s.detail]
    for mark in _WIKILINK_MARK.finditer(result.text):
        line = result.text.count("\n", 0, mark.start()) + 1
        assert any(start <= mark.start() < end for start, end in spans), f"line {line}: neither converted nor reported"
    assert not [s for s in result.skipped if s.reason.value == "check-failed"], "a safety check rejected a change"
    profile = profile_for_host(f"{language}.wikipedia.org")
    assert analyze(result.new_text, profile).changes == ()  # idempotent


@pytest.mark.parametrize("path", PAGES, ids=_page_id)
def test_the_wiki_renders_what_linkbot_declares(path, oracle):
    language, result = _analysed(path)
    wiki = oracle(language)
    title = path.stem.lstrip(".") or "Page"
    output = wiki.render(result.new_text, title)
    reference = wiki.render(_declared(result), title)
    assert output.text == reference.text, _first_difference(output.text, reference.text)
    declared_links = wiki.render("\n\n".join(c.new for c in result.changes if c.display in _SHOWN_AS_DECLARED), title)
    assert output.links == reference.links | declared_links.links
    assert output.iwlinks == reference.iwlinks | declared_links.iwlinks
    expected = {unquote(name).replace("\\", "").replace(" ", "_") for name in _CATEGORY_TAG.findall(result.text)}
    tracking = wiki.render("[[File:Linkbot missing file.png]]").categories  # the wiki's own, for missing images
    assert {name.replace(" ", "_") for name in output.categories} - tracking == expected
    shown = [text for href, text in output.anchors if re.search(r"/(?:Category|分类|分類|カテゴリ|분류)[:%]", unquote(href))]
    assert shown == [], "categories shown as links"
    assert _LEFT_AS_TEXT.findall(output.text) == [], "link markup left as text"


def _declared(result: PageResult) -> str:
    """The input, each changed link replaced by what linkbot declares readers will see of it: plain
    text for a link that keeps its text, the new markup itself where the display changes on purpose
    (category and interlanguage tags, images)."""
    pieces, cursor = [], 0
    for change in result.changes:
        pieces.append(result.text[cursor : change.start])
        if change.display in _SHOWN_AS_DECLARED:
            pieces.append(f"<nowiki>{visible_text(change.new)}</nowiki>")
        else:
            pieces.append(change.new)
        cursor = change.end
    pieces.append(result.text[cursor:])
    return "".join(pieces)


def _first_difference(a: str, b: str) -> str:
    index = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    return f"output …{a[max(0, index - 60) : index + 60]!r}… vs declared …{b[max(0, index - 60) : index + 60]!r}…"
