"""Do the proof's markers change what they measure? The renderings with markers, their markers taken
out, compared with renderings without them.

A proof (bot.core.proof) reads each change in the wiki's rendering of the page with the change put
between markers (bot.core.markers). The markers are text, and text can change how the wiki reads what
is around it: a marker before a URL gives it the word boundary it lacks (``2012http://…`` is no link,
with a marker between it is one), a marker after a link cuts its trail (``[[a]]bc``), the ``<nowiki/>``
before a closing marker ends a URL early or splits a run of apostrophes, a marker on a line's start
ends a list. A rendering with markers then shows what the text to be saved does not, and a proof read
from it would vouch for damage.

So the wiki renders the texts without markers too, and a marked rendering is read only where it
*reads* as its text does: the same visible text and the same elements around it in the same order
(every link with its address and the extent of its text, images, formatting, paragraphs, lists,
tables, hidden blocks), white space folded as a browser folds it.

- The proposed text (``reading_difference``): the marked rendering must read exactly as the text to be
  saved, and the parse's lists agree (internal, external, interwiki and interlanguage links,
  categories, images, templates, behaviour switches, section headings, footnotes). Any difference
  makes every change unproven, the change nearest to it named.
- The current text (``misaligned``): the marked rendering around each change must stand, in order, in
  the stored revision as its readers get it (which also holds a page that depends on who saved it or
  when); a change a difference reaches is unproven, not the others. One difference is allowed
  (``_released``): a link of the change's own that, for readers, runs on past it over plain text, its
  address lengthened by it (a Markdown link's URL into the CJK text after it, ``[a](http://x)以及``
  showing a link ``http://x)以及``; a link's trail). The marker after the change ends it, and the save
  releases that text, as it is, from the link the change replaces: nothing else reads otherwise.

This is design (a) of issue 23: the changes are still found by markers, never by aligning an unmarked
rendering with the wikitext, which would need a model of MediaWiki's tokenizer, the very thing a
proof must not trust. An extra parse (four a proposal) is its cost.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.core.markers import SPACE, Atom, Reading, excerpt, own_marks, reading_of, spans
from bot.core.rendering import CLOSE, OPEN, TEXT, Rendering


@dataclass(frozen=True)
class Difference:
    """How a rendering with markers reads otherwise than the one without: the nearest change (its
    index, None when the difference is nowhere in the text) and what differs."""

    near: int | None
    what: str


def reading_difference(marked_rendering: Rendering, plain: Rendering, nonce: str) -> Difference | None:
    """How ``marked_rendering`` (the wiki's rendering of a text with this proof's markers), its markers
    taken out, reads otherwise than ``plain`` (the same text without them); None when it reads the same."""
    marked_reading, plain_reading = reading_of(marked_rendering, nonce), reading_of(plain)
    if marked_reading.atoms != plain_reading.atoms:
        at = _first_difference(marked_reading.atoms, plain_reading.atoms)
        near = min(marked_reading.marks, key=lambda mark: abs(mark[0] - at))[1] if marked_reading.marks else None
        return Difference(near, _compared(marked_reading.atoms, at, plain_reading.atoms, at))
    listed = _listed_difference(marked_rendering, plain, nonce)
    return Difference(None, listed) if listed else None


_LISTS = (("internal links", "links"), ("external links", "externallinks"), ("interwiki links", "iwlinks"),
          ("interlanguage links", "langlinks"), ("categories", "categories"), ("images", "images"),
          ("templates", "templates"), ("behaviour switches", "switches"))  # fmt: skip


def _listed_difference(marked_rendering: Rendering, plain: Rendering, nonce: str) -> str:
    """What the parse's lists say differently of the two renderings ("" when nothing)."""
    for name, field in _LISTS:
        old, new = getattr(marked_rendering, field), getattr(plain, field)
        if old != new:
            items = sorted(":".join(map(str, item)) if isinstance(item, tuple) else str(item) for item in old ^ new)
            return f"the {name} differ: {', '.join(items)}"
    if [own_marks(nonce).sub("", line) for line in marked_rendering.sections] != list(plain.sections):
        return "the section headings differ"
    if marked_rendering.references != plain.references:
        return f"the footnotes differ ({marked_rendering.references} with markers, {plain.references} without)"
    return ""


def outside_differences(before: Reading, after: Reading, count: int) -> dict[int, str]:
    """The changes next to atoms outside them that read differently in ``after`` than in ``before``
    (both marked; what stands at a change's edge is the change's, ``_LEADING`` and ``_TRAILING``): number -> why."""
    old, new = spans(before, count), spans(after, count)
    if old is None or new is None:
        return dict.fromkeys(range(count), "the rendering does not keep the changes in their places")
    why = {}
    for index in range(0, 2 * count + 1, 2):
        (old_start, old_end), (new_start, new_end) = _trimmed(before.atoms, *old[index]), _trimmed(after.atoms, *new[index])
        if before.atoms[old_start:old_end] != after.atoms[new_start:new_end]:
            at = _first_difference(before.atoms[old_start:old_end], after.atoms[new_start:new_end])
            difference = f"the text around it renders differently: {excerpt(before.atoms, old_start + at)!r} -> {excerpt(after.atoms, new_start + at)!r}"
            for number in (index // 2 - 1, index // 2):
                if 0 <= number < count:
                    why.setdefault(number, difference)
    return why


# At a change's edges, the change's own: white space, and the end of a paragraph or preformatted block
# that holds it (its old text ended the paragraph, or began a <pre> line) after it, or the start of one
# before it (an image's box ends the paragraph it stands in). Blocks that begin after it, or end before
# it, are the outside's: a line the change joins to the next one joins their paragraphs, a difference.
_LEADING = frozenset({SPACE, (CLOSE, "p"), (CLOSE, "pre")})
_TRAILING = frozenset({SPACE, (OPEN, "p"), (OPEN, "pre")})


def _trimmed(atoms: Sequence[Atom], start: int, end: int) -> tuple[int, int]:
    while start < end and atoms[start] in _LEADING:
        start += 1
    while end > start and atoms[end - 1] in _TRAILING:
        end -= 1
    return start, end


def misaligned(marked_reading: Reading, plain: Reading, count: int) -> dict[int, str]:
    """The changes whose surroundings in ``marked_reading`` (a text's rendering with markers: their
    region and the atoms on either side) do not stand in ``plain`` (the text's rendering without them)
    as they are, in order: number -> why. Every atom of ``plain`` is matched, in order, to the marked
    one's pieces, or lies in a stretch that pieces not found must account for: the changes whose
    region or edge the difference in that stretch reaches are named."""
    where = spans(marked_reading, count)
    if where is None:
        return dict.fromkeys(range(count), "the rendering does not keep the changes in their places")
    codes: dict[Atom, str] = {}
    marked_text, plain_text = _encoded(marked_reading.atoms, codes), _encoded(plain.atoms, codes)
    if len(codes) > _CODES:
        return dict.fromkeys(range(count), "the page shows too many different characters and elements to be compared")
    why: dict[int, str] = {}
    def release(index: int, position: int) -> tuple[int, int] | None:
        return _released(marked_reading.atoms, where[index], where[index + 1][1], plain.atoms, position) if index % 2 else None

    for first, end, window_start, window_end in _unmatched([marked_text[start:stop] for start, stop in where], plain_text, release):
        start, stop = where[first][0], where[end - 1][1]
        # The stretch differs from its pieces only between their common beginning and their common end.
        shorter = min(stop - start, window_end - window_start)
        same_start = min(_first_difference(marked_reading.atoms, plain.atoms, start, window_start) - start, shorter)
        room = shorter - same_start
        same_end = next((n for n in range(room) if marked_text[stop - 1 - n] != plain_text[window_end - 1 - n]), room)
        low, high = start + same_start, stop - same_end
        difference = _compared(marked_reading.atoms, low, plain.atoms, window_start + same_start)
        for number in _reached(where[first:end], first, low, high):
            if 0 <= number < count:
                why.setdefault(number, difference)
    return why


def _released(marked: Sequence[Atom], region: tuple[int, int], outside_end: int, plain: Sequence[Atom],
              position: int) -> tuple[int, int] | None:  # fmt: skip
    """Where ``plain`` goes on (and how many atoms of the text after the region it took) when, from
    ``position``, it holds the marked ``region`` but for a link of the region's own that, for readers,
    runs on past it over plain text (a URL into the text after a Markdown link, a link's trail): its
    address lengthened, its text taking that text. None when it does not."""
    start, stop = region
    anchor = next((index for index in range(stop - 1, start - 1, -1) if marked[index][0] == OPEN and marked[index][1].startswith("a")), None)
    closed = next((index for index in range(anchor + 1, stop) if marked[index] == (CLOSE, "a")), None) if anchor is not None else None
    if closed is None or any(kind != TEXT for kind, _ in marked[closed + 1 : stop]):
        return None  # no link of the region's, or not ending it but for its text
    head, inside = position + anchor - start, [*marked[anchor + 1 : closed], *marked[closed + 1 : stop]]
    if list(plain[position:head]) != list(marked[start:anchor]) or head >= len(plain) or not _lengthened(marked[anchor], plain[head]):
        return None
    if list(plain[head + 1 : head + 1 + len(inside)]) != inside:
        return None
    end = next((index for index in range(head + 1 + len(inside), len(plain)) if plain[index] == (CLOSE, "a")), None)
    taken = list(plain[head + 1 + len(inside) : end]) if end is not None else []
    if end is None or not taken or list(marked[stop : stop + len(taken)]) != taken or stop + len(taken) > outside_end:
        return None
    return (end + 1, len(taken)) if all(kind == TEXT for kind, _ in taken) else None


def _lengthened(marked_anchor: Atom, plain_anchor: Atom | None) -> bool:
    """Whether ``plain_anchor`` is ``marked_anchor`` with its address run on (the same kind of link)."""
    if plain_anchor is None or plain_anchor[0] != OPEN:
        return False
    (tag, address, rest), (other_tag, other_address, other_rest) = _parts(marked_anchor[1]), _parts(plain_anchor[1])
    return tag == other_tag == "a" and other_address.startswith(address) and rest == other_rest


def _parts(element: str) -> tuple[str, str, str]:
    """An element of a reading (bot.core.rendering._element): its name, its address, its styling."""
    tag, _, rest = element.partition(" ")
    if not rest or rest.startswith(("class=", "style=")):
        return tag, "", rest
    address, _, rest = rest.partition(" ")
    return tag, address, rest


def _reached(pieces: Sequence[tuple[int, int]], first: int, low: int, high: int) -> list[int]:
    """The changes a difference between atoms ``low`` and ``high`` reaches, among ``pieces`` (spans of
    outside and change pieces, the first ``first``): a change's own piece; an outside piece's
    neighbours, the one on each side the difference touches (both when it touches neither)."""
    reached = []
    for index, (start, stop) in enumerate(pieces, first):
        if not (start < high and stop > low) and not (low == high and start <= low <= stop):
            continue
        if index % 2:
            reached.append(index // 2)
            continue
        left, right = low <= start, high >= stop
        reached += [number for number, touched in ((index // 2 - 1, left), (index // 2, right)) if touched or not (left or right)]
    return reached


# Atoms are compared as strings, one character of a private-use plane each (so a page's own characters
# never stand for an element): at most this many different atoms.
_CODE_BASE, _CODES = 0xF0000, 0x110000 - 0xF0000


def _encoded(atoms: Sequence[Atom], codes: dict[Atom, str]) -> str:
    for atom in set(atoms) - codes.keys():
        codes[atom] = chr(_CODE_BASE + min(len(codes), _CODES - 1))
    return "".join(map(codes.__getitem__, atoms))


def _unmatched(pieces: Sequence[str], plain: str, release: Callable[[int, int], tuple[int, int] | None]) -> list[tuple[int, int, int, int]]:
    """The runs of pieces that do not follow each other in ``plain`` (the first at its start, the last at
    its end), each with the stretch of ``plain`` they must account for: (first piece, last piece + 1,
    start, end). A piece ``release`` accepts where it stands (a link run on) is followed: matching goes on
    from where it says, with as many atoms of the next piece taken. After a piece not found, the next one
    found (its first place after the last match) resumes the matching."""
    runs: list[tuple[int, int, int, int]] = []
    position, last, lost, taken = 0, len(pieces) - 1, None, 0  # lost: (the first piece not found, where it was looked for)
    for index, whole in enumerate(pieces):
        piece, taken = whole[taken:], 0
        if lost is None:
            found = position if plain.startswith(piece, position) else -1
            if found < 0 and (released := release(index, position)) is not None:
                position, taken = released
                continue
        elif not piece:
            found = -1  # an empty piece is anywhere: it cannot resume the matching
        elif index == last:
            found = len(plain) - len(piece) if plain.endswith(piece) else -1
        else:
            found = plain.find(piece, position)
        if found >= position and (index < last or found + len(piece) == len(plain)):
            if lost is not None:
                runs.append((lost[0], index, lost[1], found))
            position, lost = found + len(piece), None
        elif lost is None:
            lost = (index, position)
    if lost is not None:
        runs.append((lost[0], len(pieces), lost[1], len(plain)))
    return runs


def _first_difference(one: Sequence[Atom], other: Sequence[Atom], start: int = 0, other_start: int = 0) -> int:
    """How many atoms from ``start`` and ``other_start`` on are the same, plus ``start``."""
    length = min(len(one) - start, len(other) - other_start)
    return start + next((offset for offset in range(length) if one[start + offset] != other[other_start + offset]), length)


def _compared(one: Sequence[Atom], at: int, other: Sequence[Atom], other_at: int) -> str:
    return f"with markers {excerpt(one, at)!r}, without {excerpt(other, other_at)!r}"
