"""A page cannot forge its own proof: the markers carry a nonce the page cannot know, a rendering
that holds them more or fewer times than sent is unproven, and text hidden from readers is not
what readers see. A hypothesis property: whatever HTML a page adds around a change whose rendering
disagrees with its declaration, the change is never proven."""

from __future__ import annotations

import secrets

from hypothesis import given
from hypothesis import strategies as st

from bot.core import ZH_WIKIPEDIA
from bot.core.model import Change, Rule
from bot.core.proof import PROVEN, UNPROVEN, Renderings, prove
from bot.core.rendering import rendering_from_parse

OPEN, SEP, CLOSE, END = "\ue000", "\ue001", "\ue002", "\ue003"
# The change declares a link to B showing "xy"; MediaWiki shows "x y" (a line break in the label).
CHANGE = Change(Rule.MD_MIRROR, 0, 10, "[x<br>y](../Page/B.md \"wikilink\")", "[[B|x<br>y]]")
HONEST_OLD = '[x<br>y](../Page/B.md "wikilink")'
HONEST_NEW = '<a href="/wiki/B" title="B">x y</a>'


def rendering(html: str):
    return rendering_from_parse({"text": html})


def page(before: str, inside: str, after: str, nonce: str | None) -> str:
    """The rendered page, with the proof's markers around the change (without, for ``nonce`` None)."""
    if nonce is None:
        return f"<p>{before}{inside}{after}</p>"
    return f"<p>{before}{OPEN}{nonce}.0{SEP}{inside}{CLOSE}{nonce}.0{END}{after}</p>"


def proof(before_html: str, after_html: str, nonce: str, current_html: str = "", proposed_html: str = "") -> str:
    """The change's proof, from the marked renderings and those without markers (by default: the
    marked ones with this proof's markers taken out, as the wiki would render them)."""
    plain = [html or _unmarked(marked, nonce) for html, marked in ((current_html, before_html), (proposed_html, after_html))]
    renderings = Renderings(rendering(before_html), rendering(after_html), rendering(plain[0]), rendering(plain[1]))
    return prove([CHANGE], renderings, ZH_WIKIPEDIA, "P", nonce)[0].status


def _unmarked(html: str, nonce: str) -> str:
    return html.replace(f"{OPEN}{nonce}.0{SEP}", "").replace(f"{CLOSE}{nonce}.0{END}", "")


def forged(nonce_guess: str) -> str:
    """What a page can write: the markers (character references render them), around the declared text, hidden."""
    return f'<div style="display:none">{OPEN}{nonce_guess}.0{SEP}<a href="/wiki/B">xy</a>{CLOSE}{nonce_guess}.0{END}</div>'


def test_a_forged_region_is_never_a_proof():
    nonce = secrets.token_hex(6)
    honest = proof(page("", HONEST_OLD, "", nonce), page("", HONEST_NEW, "", nonce), nonce)
    assert honest == "disagrees"  # readers see "x y", not "xy"
    for guess in ("", "0", nonce[:-1], "abcdef012345"):  # the page does not know this proof's nonce
        assert proof(page(forged(guess), HONEST_OLD, "", nonce), page(forged(guess), HONEST_NEW, "", nonce), nonce) != PROVEN
    # The markers twice (the page repeats the change's text somehow): unreadable, never proven.
    twice = page("", HONEST_NEW, f"{OPEN}{nonce}.0{SEP}xy{CLOSE}{nonce}.0{END}", nonce)
    assert proof(page("", HONEST_OLD, "", nonce), twice, nonce) == UNPROVEN
    # The honest change hidden from readers: not what readers see.
    hidden = page('<span style="display: none">', HONEST_NEW, "</span>", nonce)
    assert proof(page("", HONEST_OLD, "", nonce), hidden, nonce) == UNPROVEN


PIECES = st.sampled_from([
    OPEN, SEP, CLOSE, END, "0", "1", ".", "a", "f", "xy", "x y", "B", "<br>", " ", "\n",
    '<a href="/wiki/B">', "</a>", '<span style="display:none">', '<span hidden>', '<div style="visibility:hidden">',
    "</span>", "</div>", "<!--", "-->", "<script>", "</script>", "<p>", "</p>", "&#xE000;",
])  # fmt: skip
FRAGMENT = st.lists(PIECES, max_size=24).map("".join)


@given(FRAGMENT, FRAGMENT, FRAGMENT, FRAGMENT)
def test_no_page_text_turns_a_disagreeing_change_into_a_proven_one(before_a, before_b, after_a, after_b):
    nonce = secrets.token_hex(6)  # drawn after the page: as in a run, the page cannot know it
    status = proof(page(before_a, HONEST_OLD, before_b, nonce), page(after_a, HONEST_NEW, after_b, nonce), nonce)
    assert status != PROVEN
