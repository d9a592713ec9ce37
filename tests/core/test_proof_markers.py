"""The proof's markers cannot change what it measures (bot.core.faithful), on renderings written by
hand as MediaWiki writes them (the test wiki's own, tests/wiki/test_proof_markers.py).

A hypothesis property: whatever HTML a page adds around a change whose markers changed how the page
reads (a URL that is a link only with the marker before it), the change is never proven.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.core import ZH_WIKIPEDIA
from bot.core.faithful import misaligned, reading_difference
from bot.core.markers import MARK_CLOSE, MARK_END, MARK_OPEN, MARK_SEP, reading_of
from bot.core.model import Change, Rule
from bot.core.proof import PROVEN, UNPROVEN, Renderings, prove
from bot.core.rendering import rendering_from_parse

NONCE = "abc123"
GLUED = Change(Rule.MD_EXTERNAL, 4, 24, "<http://example.org>", "http://example.org")
LINK = '<a rel="nofollow" class="external free" href="http://example.org">http://example.org</a>'


def html(body: str) -> str:
    return f'<div class="mw-parser-output">{body}</div>'


def rendering(body: str):
    return rendering_from_parse({"text": html(body)})


def marks(number: int, inside: str) -> str:
    """``inside`` between change ``number``'s markers (the ``<nowiki/>`` before the closing one renders nothing)."""
    return f"{MARK_OPEN}{NONCE}.{number}{MARK_SEP}{inside}{MARK_CLOSE}{NONCE}.{number}{MARK_END}"


def glued_proof(before: str = "", after: str = "") -> str:
    """``2012<http://example.org>`` unwrapped, as the wiki renders it: a link with the markers (one
    before the URL gives it a word boundary), none without."""
    renderings = Renderings(
        rendering(f"<p>{before}2012{marks(0, f'&lt;{LINK}&gt;')}{after}</p>"),
        rendering(f"<p>{before}2012{marks(0, LINK)}{after}</p>"),
        rendering(f"<p>{before}2012&lt;{LINK}&gt;{after}</p>"),
        rendering(f"<p>{before}2012http://example.org{after}</p>"),
    )
    return prove([GLUED], renderings, ZH_WIKIPEDIA, "P", NONCE)[0]


def test_a_marker_that_makes_a_link_is_caught_and_named():
    proof = glued_proof(" 见 ", " 年")
    assert proof.status == UNPROVEN and proof.why.startswith("the markers changed how the page reads near change 1: with markers")
    assert "2012<a http://example.org class=external free>http" in proof.why and "without '<div class=mw-parser-output><p>见 2012http" in proof.why


PIECES = st.sampled_from([
    MARK_OPEN, MARK_SEP, MARK_CLOSE, MARK_END, NONCE, ".0", "0", " ", "\n", "x", "2012", "http://example.org",
    LINK, "<a href=\"http://example.org\">", "</a>", "<p>", "</p>", "<br>", "<span style=\"display:none\">", "</span>",
    "<i>", "</i>", "<pre>", "</pre>", "&#xE000;", "<div>", "</div>",
])  # fmt: skip
FRAGMENT = st.lists(PIECES, max_size=16).map("".join)


@given(FRAGMENT, FRAGMENT)
def test_no_page_text_makes_a_change_the_markers_misread_proven(before, after):
    assert glued_proof(before, after).status != PROVEN


def test_white_space_beside_blocks_and_empty_paragraphs_read_as_nothing():
    """A line that only a category tag holds: with its markers, a paragraph of nothing; without, none."""
    with_markers = rendering(f"<p>a\n</p><p>{marks(0, '')}\n</p><pre>b\n</pre> ")
    without = rendering("<p>a\n</p><pre>b\n</pre>")
    assert reading_difference(with_markers, without, NONCE) is None
    assert reading_of(with_markers, NONCE).marks == ((4, 0, True), (4, 0, False))  # after <div>, <p>, a, </p>


def test_an_element_or_its_extent_is_a_difference():
    """A link trail the closing marker cuts: the same text, the link's extent is not."""
    cut = rendering("<p>See " + marks(0, '<a href="/wiki/Foo">Foo</a>') + "bar.</p>")
    whole = rendering('<p>See <a href="/wiki/Foo">Foobar</a>.</p>')
    difference = reading_difference(cut, whole, NONCE)
    assert difference is not None and difference.near == 0
    assert "<a /wiki/Foo>Foo</a>bar" in difference.what and "<a /wiki/Foo>Foobar</a>" in difference.what


def test_the_current_text_holds_only_the_changes_a_difference_reaches():
    """The stored revision against the marked current text: a difference holds the changes it reaches,
    but for text a change's own link runs on over for readers (a URL into the CJK text after a Markdown
    link): the save releases that text from the link it replaces, and nothing else."""
    first = marks(0, '[a](<a href="http://x">http://x</a>)')
    marked = reading_of(rendering(f"<p>{first}以及{marks(1, '[b]')}丙。</p><p>丁{marks(2, '[c]')}。</p>"), NONCE)

    def held(stored: str) -> list[int]:
        return sorted(misaligned(marked, reading_of(rendering(f"<p>{stored}</p><p>丁[c]。</p>")), 3))

    assert held('[a](<a href="http://x">http://x</a>)以及[b]丙。') == []
    assert held('[a](<a href="http://x)以及">http://x)以及</a>[b]丙。') == []  # released: all the text up to the next change
    assert held('[a](<a href="http://x)以">http://x)以</a>及[b]丙。') == []  # released: some
    assert held('[a](<a href="http://y)以及">http://x)以及</a>[b]丙。') == [0, 1]  # another address: no run-on
    assert held('[a](<a href="http://x)以及">http://x)以及<b>[b]</b></a>丙。') == [0, 1]  # an element taken
    # Text the page shows only for the bot ({{REVISIONUSER}}), after the last change: that change.
    assert sorted(misaligned(marked, reading_of(rendering('<p>[a](<a href="http://x">http://x</a>)以及[b]丙。</p><p>丁[c]。BUY</p>')), 3)) == [2]


TEXTS = st.lists(st.sampled_from(["a", "b", "以", " ", "<b>", "</b>", "<br>", "</p><p>", "x"]), max_size=6).map("".join)


@given(st.lists(TEXTS, min_size=3, max_size=9).filter(lambda parts: len(parts) % 2), st.integers(0, 200),
       st.sampled_from(["", "y", "<i>y</i>", "</p><p>"]), st.integers(0, 2))  # fmt: skip
def test_every_difference_in_the_current_text_holds_a_change(parts, where, inserted, cut):
    """Whatever the stored revision shows otherwise than the marked current text, at any one place (some
    text or elements put in, taken out or both), some change is held: no difference is left to nobody."""
    count = len(parts) // 2
    body = "".join(part if index % 2 == 0 else marks(index // 2, part) for index, part in enumerate(parts))
    marked_reading = reading_of(rendering(f"<p>{body}</p>"), NONCE)
    plain_text = "".join(parts)
    at = where % (len(plain_text) + 1)
    changed = rendering(f"<p>{plain_text[:at]}{inserted}{plain_text[at + cut:]}</p>")
    differs = reading_of(changed).atoms != reading_of(rendering(f"<p>{plain_text}</p>")).atoms
    assert bool(misaligned(marked_reading, reading_of(changed), count)) == differs
