"""The proof's markers: each change put between them in the text the wiki renders, and a rendering
read back as atoms (its visible text and elements in order), with the markers taken out and where
they stood kept.

Each change is rendered between markers (private-use characters, which no wikitext syntax reads,
around the proof's nonce and the change's number): the text between them is what readers get of the
change. The nonce is new for every proof and unknown to the page: a page that writes marker
characters (as character references, say) cannot make a region of its own pass for a change's. The
markers are text all the same, and may change how the wiki reads what is around them:
bot.core.faithful checks, against renderings without them, that they did not.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.model import Change
from bot.core.rendering import CLOSE, HIDDEN, OPEN, TEXT, VOID, Rendering

MARK_OPEN, MARK_SEP, MARK_CLOSE, MARK_END = "\ue000", "\ue001", "\ue002", "\ue003"
MARKS = re.compile("[\ue000-\ue003][0-9a-z.]*[\ue000-\ue003]?")  # any marker-like text, this proof's or not
CONTEXT = 30  # atoms shown on each side of a difference


def marked(text: str, changes: Sequence[Change], proposed: bool, nonce: str) -> str | None:
    """``text`` with each change (its old text, or with ``proposed`` its new one) between markers
    carrying ``nonce``; None when the text holds a marker character already."""
    if any(mark in text for mark in (MARK_OPEN, MARK_SEP, MARK_CLOSE, MARK_END)):
        return None
    pieces, position = [], 0
    for number, change in enumerate(changes):
        # <nowiki/> shows nothing and ends a bare URL, which would swallow the marker after it (and the
        # opening one, after a bare URL the change follows: ``http://x)[[a]]`` ends at the "[").
        before = "<nowiki/>" if _FREE_URL_END.search(text, max(position, change.start - 2000), change.start) else ""
        pieces += [text[position : change.start], before, opening(nonce, number), change.new if proposed else change.old,
                   f"<nowiki/>{closing(nonce, number)}"]  # fmt: skip
        position = change.end
    pieces.append(text[position:])
    return "".join(pieces)


# A bare URL running up to a change: MediaWiki would read a marker after it as part of it.
_FREE_URL_END = re.compile(r"(?i)(?:\b[a-z][a-z0-9+.-]*:)?//[^\s\[\]<>\"{}|]*\Z")


def opening(nonce: str, number: int) -> str:
    return f"{MARK_OPEN}{nonce}.{number}{MARK_SEP}"


def closing(nonce: str, number: int) -> str:
    return f"{MARK_CLOSE}{nonce}.{number}{MARK_END}"


def region_pattern(nonce: str) -> re.Pattern:
    """A change's marked region, with this proof's nonce: (number, the text between)."""
    tag = re.escape(nonce)
    return re.compile(f"{MARK_OPEN}{tag}\\.(\\d+){MARK_SEP}(.*?){MARK_CLOSE}{tag}\\.\\1{MARK_END}", re.S)


Atom = tuple[str, str]  # one character of text (white space folded), or one element: (kind, what)
# Elements that begin or end a block: white space next to them shows nothing (but inside <pre>).
_BLOCKS = frozenset({"address", "article", "aside", "blockquote", "br", "caption", "center", "dd", "div", "dl", "dt",
                     "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main",
                     "nav", "ol", "p", "pre", "section", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul"})  # fmt: skip
SPACE: Atom = (TEXT, " ")


@dataclass(frozen=True)
class Reading:
    """A rendering as readers read it, in atoms; with this proof's markers taken out, where they stood."""

    atoms: tuple[Atom, ...]
    marks: tuple[tuple[int, int, bool], ...] = ()  # (atom index, change number, whether it opens), in order


def reading_of(rendering: Rendering, nonce: str | None = None) -> Reading:
    """``rendering``'s reading: its text folded (white space next to a block's edge, and paragraphs of
    white space, show nothing), its elements; with ``nonce``, this proof's markers taken out."""
    atoms: list[Atom] = []
    marks: list[tuple[int, int, bool]] = []
    own = own_marks(nonce) if nonce is not None else None
    for kind, what in rendering.reading:
        if kind == TEXT:
            pieces = own.split(what) if own is not None else [what]
            for index, piece in enumerate(pieces):  # split() gives: text, open?, number, text, ..., text
                if index % 3 == 1:
                    marks.append((len(atoms), int(pieces[index + 1]), piece == MARK_OPEN))
                elif index % 3 == 0:
                    _add_text(atoms, piece)
            continue
        length = len(atoms)
        if what.partition(" ")[0] in _BLOCKS and (kind, what) != (CLOSE, "pre") and atoms and atoms[-1] == SPACE:
            atoms.pop()
        atoms.append((kind, what))
        # A line that only a category tag or an interlanguage link holds is no paragraph at all; with the
        # tag's markers it is one, of nothing readers see: not a difference.
        if (kind, what) == (CLOSE, "p") and atoms[-2:-1] == [(OPEN, "p")]:
            del atoms[-2:]
        back = len(marks)
        while len(atoms) <= length and back and marks[back - 1][0] > len(atoms):  # where atoms were taken back
            back -= 1
            marks[back] = (len(atoms), *marks[back][1:])
    return Reading(tuple(atoms), tuple(marks))


def _add_text(atoms: list[Atom], text: str) -> None:
    last = atoms[-1] if atoms else (OPEN, "div")
    after_edge = (last[0] in (OPEN, CLOSE, VOID) and last[1].partition(" ")[0] in _BLOCKS and last != (OPEN, "pre")) or last == SPACE
    for character in text:
        if not character.isspace():
            atoms.append((TEXT, character))
            after_edge = False
        elif not after_edge:
            atoms.append(SPACE)
            after_edge = True


def own_marks(nonce: str) -> re.Pattern:
    """This proof's markers, and only them (marker characters the page writes are page text): the
    marker's first character and the change's number."""
    return re.compile(f"([{MARK_OPEN}{MARK_CLOSE}]){re.escape(nonce)}\\.(\\d+)[{MARK_SEP}{MARK_END}]")


def spans(reading: Reading, count: int) -> list[tuple[int, int]] | None:
    """Where the atoms outside and inside the changes are, in order: (start, end) of outside 0, change 0,
    outside 1, ..., outside ``count``; None unless each change's markers stand once and in order."""
    if [(number, opens) for _, number, opens in reading.marks] != [(number, opens) for number in range(count) for opens in (True, False)]:
        return None
    bounds = [0, *(index for index, _, _ in reading.marks), len(reading.atoms)]
    return list(zip(bounds, bounds[1:], strict=False))


def excerpt(atoms: Sequence[Atom], at: int) -> str:
    """The atoms around ``at`` as a reader of HTML would write them."""
    parts = []
    for kind, what in atoms[max(0, at - CONTEXT) : at + CONTEXT]:
        parts.append(what if kind == TEXT else {OPEN: f"<{what}>", CLOSE: f"</{what}>", VOID: f"<{what}/>", HIDDEN: f"<{what} hidden>"}[kind])
    return "".join(parts)
