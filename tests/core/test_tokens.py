"""Token offsets: mwparserfromhell's tokens, printed as its nodes print them, give back the page exactly.

``bot.core.markup`` takes every offset from ``bot.core.tokens``; if a token printed
differently from its source, every later offset would be off. These tests hold the
printing to ``"".join(printed(tokenize(text))) == text`` on the case inputs, the seeds,
hand-picked constructs (tables, attributes in every quoting, entities, headings,
bracketless links, stray closing tags) and generated wikitext.
"""

from __future__ import annotations

import os
from pathlib import Path

import mwparserfromhell
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core import ZH_WIKIPEDIA, analyze
from bot.core.analyze import has_planned_change
from bot.core.markup import read_markup
from bot.core.tokens import TokenMap, printed, token_offsets, tokenize
from tests.core.casefile import load_cases

ROOT = Path(__file__).resolve().parents[2]
CONSTRUCTS = (
    '{| class="wikitable" style=\'x\'\n|+ caption\n|-\n! a !! b\n|- valign=top\n| style="x" | [A](b) || y\n|}\n',
    "{|\n|\n{|\n| nested\n|}\n|}",
    "* a\n** b\n# c\n#: d\n; term : def\n----\n",
    '<ref name="a b" group=c>x</ref><ref name=d />',
    "<br><br/><br /><hr  /></div><p  >a</p >",
    '<span title = "x" data-x=\'y\' hidden>t</span>',
    '<div\nclass="a"\n>t</div>',
    "== h ==\n=== [[a]] ===\n= x =\n",
    "&amp;&#x41;&#X41;&#65;&nbsp;&bogus;",
    "[http://x y][http://z] http://bare.example/a_(b) [//proto.relative c] [mailto:a@b.c]",
    "[[a|b]] [[File:x.png|thumb|link=y|[[c]] d]] [[:Category:x]] [[a]]b",
    "{{a|b=c|{{d}}|e}} {{{1|x}}} <!-- c --> <!-- unclosed",
    "<nowiki>[[x]]</nowiki> <pre>{{x}}</pre> <math>a<b</math> <gallery>\nA.png|x\n</gallery>",
    "'''b''' ''i'' '''''bi'''''",
    "<a href=\"../Page/A.md\" title=\"wikilink\">A</a> <A HREF=x>y</A>",
    "[[a|b|c]] [[ a ]] [[a]]] [[[a]]] [ [x] ]",
    "<ref>{{cite web|url=https://zh.wikipedia.org/wiki/A|title=A}}</ref>",
)
FRAGMENTS = (
    "{{", "}}", "{{{", "}}}", "[[", "]]", "[", "]", "|", "||", "!!", "=", "==", "\n", "\n{|", "\n|}", "\n|-", "\n|",
    "\n!", "\n*", "\n#", "\n;", ":", "<!--", "-->", "<ref>", "</ref>", "<ref name=x/>", "<br>", "<div class='a'>",
    "</div>", "<nowiki>", "</nowiki>", "&amp;", "&#x41;", "http://a.b/c", "[http://a.b c]", "''", "'''", "----",
    '<span a="b" c=d>', "</span>", "[[File:x.png|", " ", "文字",
)  # fmt: skip


def _round_trip(text: str) -> str:
    return "".join(printed(tokenize(text)))


@pytest.mark.parametrize("text", CONSTRUCTS)
def test_constructs_print_back(text):
    assert _round_trip(text) == text
    # The same text mwparserfromhell's tree prints, so the printing follows its nodes.
    assert str(mwparserfromhell.parse(text, skip_style_tags=True)) == text


def test_case_inputs_and_seeds_print_back():
    texts = [case.input for case in load_cases()]
    texts += [path.read_text(encoding="utf-8") for path in sorted((ROOT / "seeds").glob("*.txt"))]
    for text in texts:
        assert _round_trip(text) == text


@settings(max_examples=400) if "HYPOTHESIS_PROFILE" not in os.environ else (lambda f: f)
@given(st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=6), max_size=40).map("".join).filter(lambda s: "\0" not in s))
def test_generated_wikitext_prints_back(text):
    assert _round_trip(text) == text
    offsets = token_offsets(text)
    assert offsets is not None
    tokens, starts, structure = offsets
    assert len(starts) == len(tokens) + 1 and starts[-1] == len(text)
    assert all(type(tokens[index]).__name__ != "Text" for index in structure)


@settings(max_examples=200) if "HYPOTHESIS_PROFILE" not in os.environ else (lambda f: f)
@given(st.lists(st.sampled_from(FRAGMENTS + CONSTRUCTS), max_size=25).map("".join), st.integers(1, 40))
def test_tokens_read_a_piece_at_a_time_are_the_tokens_read_at_once(text, step):
    whole = token_offsets(text)
    token_map = TokenMap(text)
    for length in range(step, len(text) + step, step):
        token_map.read_to(length)
        assert token_map.offsets[-1] >= min(length, len(text)) or len(token_map.offsets) > len(token_map.tokens)
    assert token_map.read_to(None) == (whole is not None)
    if whole is not None:
        assert (token_map.tokens, token_map.offsets, token_map.structure) == whole


@settings(max_examples=200) if "HYPOTHESIS_PROFILE" not in os.environ else (lambda f: f)
@given(st.lists(st.sampled_from(FRAGMENTS + CONSTRUCTS), max_size=25).map("".join))
def test_markup_spans_are_what_they_say(text):
    markup = read_markup(text, ZH_WIKIPEDIA)
    assert all(0 <= region.start < region.end <= len(text) for region in markup.protected)
    assert all(a.end <= b.start for a, b in zip(markup.protected, markup.protected[1:]))
    for start, end in markup.wikilinks:
        assert text.startswith("[[", start) and text.endswith("]]", 0, end)
    for link in markup.ext_links:
        assert text[link.start] == "[" and text[link.end - 1] == "]"
        assert text[link.start + 1 :].startswith(link.url)
        if link.title is not None:
            assert text[: link.end - 1].endswith(link.title)


def test_text_the_tokenizer_cannot_read_is_left_alone_whole():
    # The C tokenizer stops at a NUL character (XML dumps cannot hold one; a local file can):
    # the offsets would not add up, so nothing on the page may be touched.
    text = '[A](../Page/A.md "wikilink")\0[B](../Page/B.md "wikilink")'
    assert token_offsets(text) is None
    result = analyze(text, ZH_WIKIPEDIA)
    assert result.new_text == text and not result.changes
    assert {skip.detail for skip in result.skipped} == {"inside markup linkbot could not map to offsets"}
    # The preselection finds that out before its first window answers, however far the NUL is.
    far = '[A](../Page/A.md "wikilink")' + "{{x}}" * 200 + "\0"
    assert not has_planned_change(far, ZH_WIKIPEDIA, first_window=1)
