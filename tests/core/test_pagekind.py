"""The page's kind (bot.core.pagekind): the Markdown forms are repaired only on the mirror's pages."""

from __future__ import annotations

import dataclasses
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core import MirrorForms, Options, analyze, plan_changes
from bot.core.analyze import has_planned_change
from bot.core.pagekind import not_wikitext, shows_mirror_marks
from tests.core.test_properties import CHAOS, PROFILE, Piece, decoy_piece, link_piece


@pytest.mark.parametrize(
    "text, mirror",
    [
        ('[A](../Page/A.md "wikilink")', True),
        ('[A](https://zh.wikipedia.org/wiki/A "wikilink")', True),
        ("[A](../Page/A.md)", True),
        ('<a href="../Page/A.md">A</a>', True),
        ('[F.jpg](https://zh.wikipedia.org/wiki/File:F.jpg "fig:F")', True),
        ("> 本文内容由[A](https://zh.wikipedia.org/wiki/A)转换而来。\n\n正文", True),
        ("\n> この記事は[A](https://ja.wikipedia.org/wiki/A)から翻訳されています。", True),
        ("> This article is converted from Wikipedia", True),
        ("Retrieved 2012<http://www.example.org/>.", False),
        ("See [the list](https://en.wikipedia.org/wiki/List) and [[Paris]] (France).", False),
        ('He said "wikilink" (twice).', False),
        ("正文\n> 本文内容由某处转换而来。", False),  # the header is the page's first line, not a quotation later
    ],
)
def test_the_mirrors_marks(text, mirror):
    assert shows_mirror_marks(text) is mirror


@pytest.mark.parametrize(
    "mark",
    [
        '<!-- "wikilink") -->',
        '<nowiki>[A](../Page/A.md "wikilink")</nowiki>',
        '<pre>[A](../Page/A.md "wikilink")</pre>',
        '<syntaxhighlight lang="md">[A](../Page/A.md "wikilink")</syntaxhighlight>',
        '<code>[A](../Page/A.md "wikilink")</code>',
        'The caption reads (see "fig:2") below.',
        'a path like ../Page/A.md in prose',
    ],
)
def test_a_mark_outside_a_link_marks_nothing(mark):
    """A hostile editor's mark in a comment, a code sample or prose does not make an ordinary page's
    free links Markdown autolinks to unwrap."""
    text = f"{mark}\nCopyright Inc. <http://fsf.org/> and 2012<http://example.org/history>."
    assert analyze(text, PROFILE).changes == ()
    assert not has_planned_change(text, PROFILE)


def test_only_wikitext_pages_are_analysed():
    assert not_wikitext("wikitext") is None
    assert not_wikitext("Scribunto") == "not wikitext (content model Scribunto)"
    assert not_wikitext("") == "not wikitext (content model unknown)"


def test_a_page_the_bot_proposed_on_as_the_mirrors_stays_the_mirrors():
    """A save repaired the page's last mark; its other changes are proposed again on the saved text."""
    saved = "[[A]] <https://example.org/x>"
    assert analyze(saved, PROFILE).changes == ()
    assert analyze(saved, PROFILE, earlier='[A](../Page/A.md "wikilink") <https://example.org/x>').new_text == "[[A]] https://example.org/x"


def test_the_kind_is_decided_from_the_text_as_found():
    """The check of the rewritten text judges it as the page it was: a mirror page whose only mark
    was repaired keeps its other repairs."""
    text = '[A](../Page/A.md "wikilink") <https://example.org/x>'
    assert analyze(text, PROFILE).new_text == "[[A]] https://example.org/x"


EXTERNAL_LINK = re.compile(r"\[\[?\s*(?:[a-z]+:)?//[^\]]*\]\]?", re.S)
pages = st.lists(st.one_of(link_piece(), decoy_piece(), st.text(CHAOS, max_size=12).map(lambda s: Piece(s, None))), max_size=20)


@given(pages)
def test_markdown_forms_are_repaired_only_on_the_mirrors_pages(page_pieces):
    text = "".join(piece.markup for piece in page_pieces)
    auto = analyze(text, PROFILE)
    kind = plan_changes(text, PROFILE).options.mirror_forms  # as decided for the page
    assert kind in (MirrorForms.ALWAYS, MirrorForms.NEVER)
    assert auto == analyze(text, PROFILE, dataclasses.replace(Options(), mirror_forms=kind))
    if not shows_mirror_marks(text):
        assert kind is MirrorForms.NEVER
    if kind is MirrorForms.NEVER:  # only wikitext external links ([https://... label]) were repaired
        assert all(EXTERNAL_LINK.fullmatch(change.old) for change in auto.changes), auto.changes
