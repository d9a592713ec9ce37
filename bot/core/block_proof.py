"""Proof of member-list changes by the wiki's parser: the page rendered without them and with them
reads the same but for the declared lines — a new item, row or section and its links, a removed
one, a stated total's new number — and nothing else.

A member-list change adds or removes whole lines (an item, a table row, a heading with its list):
markers around it would stand at a line's start, where they change what the line is (a list item, a
row, a heading). So these changes are not marked (bot.core.markers). The wiki renders the text with
every other change applied, and the text to be saved (both previews of the bot's own save); their
readings (bot.core.markers.reading_of, white space left out) are aligned, and what one has that the
other lacks must be exactly:

- as text, what each change's new lines read as that its old lines do not, in order, and the reverse
  (lines read as the wiki reads them: list marks, heading marks, table cell marks and attributes and
  the first space of a preformatted line taken off, links shown by their label; so a table row group
  whose section cell moves to its next row differs by the removed row's text alone);
- as elements, only the structure of lists, tables, headings and paragraphs, and links to exactly
  the targets one side has more of than the other;
- the parse's lists the same (templates, categories, interlanguage links, images, external links,
  footnotes, behaviour switches), and the section headings the same but for declared new headings;
- every table as regular as it was: each row as wide, counting the cells that span rows down into
  it, as before (a row added to a group whose first cell spans its rows needs that span one longer).

The changes of a page are proven together or not at all: a difference cannot be told apart between
two changes of one list, and a reviewer decides them with the page's diff in view.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Sequence

import mwparserfromhell

from bot.core.labels import visible_text
from bot.core.markers import SPACE, Atom, excerpt, reading_of
from bot.core.model import Change
from bot.core.profile import SiteProfile
from bot.core.proof import DISAGREES, PROVEN, ChangeProof
from bot.core.rendering import CLOSE, HIDDEN, OPEN, TEXT, VOID, Rendering, href_title
from bot.core.titles import comparable

# Elements a list, table, heading or paragraph is made of; links are checked against the declared ones.
_STRUCTURE = frozenset({"li", "ul", "ol", "dl", "dd", "dt", "pre", "p", "br", "tr", "td", "th", "table", "tbody", "thead",
                        "h1", "h2", "h3", "h4", "h5", "h6", "div", "span", "a"})  # fmt: skip
# Classes that keep an element's text from some or all readers (collapsed, hidden, printed or mobile only).
_HIDING = re.compile(r" class=[^=]*(?:collaps|hidden|\bhide|noprint|nomobile|mobileonly|printonly|sortbottom)", re.IGNORECASE)
_HEADING = re.compile(r"^(={1,6})[ \t]*(.+?)[ \t]*\1[ \t]*$")
_LISTS = ("templates", "categories", "langlinks", "images", "externallinks", "switches", "references", "iwlinks")


def prove_blocks(changes: Sequence[Change], without: Rendering, with_changes: Rendering, profile: SiteProfile,
                 title: str = "") -> list[ChangeProof]:  # fmt: skip
    """Each of ``changes``' proof (all the same), from the wiki's renderings of the page ``title``
    without them (``without``: every other change applied) and with them (the text to be saved)."""
    why = (_listed(without, with_changes) or _sections(changes, without, with_changes)
           or _read(changes, without, with_changes, profile, title) or _tables(without, with_changes))  # fmt: skip
    return [ChangeProof(DISAGREES, why) if why else ChangeProof(PROVEN)] * len(changes)


def unfaithful(preview: Rendering, stored: Rendering) -> str:
    """Why the wiki's preview of a page's current text (what the bot's save renders) cannot stand for
    its stored revision (what its readers get), or "": a page that shows its readers otherwise by who
    saved it or when (``{{REVISIONUSER}}``, ``{{REVISIONID}}``, the time) would be changed by the bot's
    save beyond the changes the previews prove, e.g. hidden text shown."""
    why = _listed(stored, preview)
    if not why and _tokens(reading_of(stored).atoms) != _tokens(reading_of(preview).atoms):
        old, new = _tokens(reading_of(stored).atoms), _tokens(reading_of(preview).atoms)
        at = next((index for index, (one, other) in enumerate(zip(old, new)) if one != other), min(len(old), len(new)))
        why = f"the page reads otherwise (near: {excerpt(new, at)!r})"
    return f"the page shows its readers something else than the bot's save would (it depends on who saved it or when): {why}" if why else ""


def _listed(without: Rendering, with_changes: Rendering) -> str:
    for name in _LISTS:
        old, new = getattr(without, name), getattr(with_changes, name)
        if old != new:
            shown = ", ".join(sorted(map(str, set(new) ^ set(old)))) if isinstance(old, frozenset) else f"{old} -> {new}"
            return f"the {name} differ: {shown}"
    return ""


def _sections(changes: Sequence[Change], without: Rendering, with_changes: Rendering) -> str:
    declared = Counter(_folded(heading) for change in changes for heading in _headings(change.new))
    gained = Counter(map(_folded, with_changes.sections)) - Counter(map(_folded, without.sections))
    lost = Counter(map(_folded, without.sections)) - Counter(map(_folded, with_changes.sections))
    if lost or gained - declared:
        return f"the section headings differ: {', '.join(sorted((gained - declared) + lost))}"
    return ""


def _headings(text: str) -> list[str]:
    return [visible_text(match.group(2)) for line in text.splitlines() if (match := _HEADING.match(line))]


def _read(changes: Sequence[Change], without: Rendering, with_changes: Rendering, profile: SiteProfile, title: str) -> str:
    """Why the readings differ otherwise than by the declared lines ("" when they do not)."""
    old, new = _tokens(reading_of(without).atoms), _tokens(reading_of(with_changes).atoms)
    hunks = [code for code in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes() if code[0] != "equal"]
    if not hunks:
        return "the rendering is the same with and without the changes"
    where = f" (near: {excerpt(new, hunks[0][3])!r})"
    declared = [_difference(change) for change in changes]
    for side, atoms, index in (("shows", new, 1), ("loses", old, 0)):
        expected = "".join(difference[index][0] for difference in declared)
        # A span is (start, end, whether it may slide: only when the other side has nothing there).
        spans = [(j1, j2, i1 == i2) if side == "shows" else (i1, i2, j1 == j2) for _, i1, i2, j1, j2 in hunks]
        found = _placed(atoms, spans, expected)
        if isinstance(found, str):
            return f"the page {side} {found[:80]!r} where the changes declare {expected[:80]!r}{where}"
        why = _elements(found, [target for difference in declared for target in difference[index][1]], profile, title)
        if why:
            return f"the page {side} {why}{where}"
    return ""


def _placed(atoms: Sequence[Atom], spans: Sequence[tuple[int, int, bool]], expected: str) -> list[Atom] | str:
    """The atoms of ``spans`` (what one side has that the other lacks), each slid where its text reads
    as the next part of ``expected``, or the text they read as when no sliding does. (A line added
    between lines alike aligns in several places: ``-a\n-b`` plus ``-c`` may read as ``\n-c-`` or
    ``c\n-``; any of them is the same difference.)"""
    chosen: list[Atom] = []
    done = 0
    for start, end, slides in spans:
        for low, high in _slides(atoms, start, end, spans) if slides else [(start, end)]:
            text = _bare("".join(what for kind, what in atoms[low:high] if kind == TEXT))
            if expected.startswith(text, done):
                break
        else:
            return _bare("".join(what for start, end, _ in spans for kind, what in atoms[start:end] if kind == TEXT))
        chosen += atoms[low:high]
        done += len(text)
    return chosen if done == len(expected) else expected[:done] + "…"


def _slides(atoms: Sequence[Atom], start: int, end: int, spans: Sequence[tuple[int, int, bool]]) -> list[tuple[int, int]]:
    """Where the span ``start:end`` may stand as well: shifted over atoms equal to those it shifts past,
    never into another span."""
    found = [(start, end)]
    if start == end:
        return found
    floor = max([e for s, e, _ in spans if e <= start and (s, e) != (start, end)], default=0)
    ceiling = min([s for s, e, _ in spans if s >= end and (s, e) != (start, end)], default=len(atoms))
    low, high = start, end
    while low > floor and atoms[low - 1] == atoms[high - 1]:
        low, high = low - 1, high - 1
        found.append((low, high))
    low, high = start, end
    while high < ceiling and atoms[low] == atoms[high]:
        low, high = low + 1, high + 1
        found.append((low, high))
    return found


Declared = tuple[str, list[str]]  # the text readers get (no white space) and the link targets


def _difference(change: Change) -> tuple[Declared, Declared]:
    """What ``change`` removes and adds as readers get it: the text that differs between its old and
    new lines as the wiki shows them (a table's section cell whose ``rowspan`` changes, the rows of a
    group a row joins or leaves, read the same on both sides and are neither), and the links one side
    has more of than the other."""
    old, new = _text_tokens(_bare(_shown(change.old))), _text_tokens(_bare(_shown(change.new)))
    removed, added = [], []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag != "equal":
            removed += old[i1:i2]
            added += new[j1:j2]
    old_links, new_links = Counter(_targets(change.old)), Counter(_targets(change.new))
    return ("".join(removed), list((old_links - new_links).elements())), ("".join(added), list((new_links - old_links).elements()))


def _text_tokens(text: str) -> list[str]:
    """``text`` as the readings' tokens: each run of digits or Latin letters one, every other character one."""
    tokens: list[str] = []
    for character in text:
        if tokens and _word(character) and _word(tokens[-1][-1]):
            tokens[-1] += character
        else:
            tokens.append(character)
    return tokens


def _tokens(atoms: Sequence[Atom]) -> list[Atom]:
    """The atoms without white space, each run of digits or of Latin letters one token: a number
    changed (116 -> 155) is one token replaced, never a digit kept and two changed."""
    tokens: list[Atom] = []
    for atom in atoms:
        if atom == SPACE:
            continue
        if atom[0] == TEXT and tokens and tokens[-1][0] == TEXT and _word(atom[1]) and _word(tokens[-1][1][-1]):
            tokens[-1] = (TEXT, tokens[-1][1] + atom[1])
        else:
            tokens.append(atom)
    return tokens


def _word(character: str) -> bool:
    return character.isalnum() and ord(character) < 0x2E80  # CJK characters are words each


def _elements(atoms: Sequence[Atom], targets: Sequence[str], profile: SiteProfile, title: str) -> str:
    links = [_key(href_title(what.split(" ")[1], profile.article_path) if " " in what else title, profile)
             for kind, what in atoms if kind == OPEN and what.split(" ")[0] == "a"]  # fmt: skip
    for kind, what in atoms:
        name = what.split(" ")[0]
        if kind == HIDDEN or (kind == VOID and name != "br") or (kind != TEXT and (name not in _STRUCTURE or " style=" in what or _HIDING.search(what))):
            return f"an element the changes do not declare: <{what}>"
    expected = [_key(target, profile) for target in targets]
    if Counter(links) != Counter(expected):
        return f"links to {sorted(links)} where the changes declare {sorted(expected)}"
    return ""


def _targets(text: str) -> list[str]:
    return [str(link.title).strip().lstrip(":").partition("#")[0] for link in mwparserfromhell.parse(text).ifilter_wikilinks()]


def _key(title: str, profile: SiteProfile) -> str:
    return comparable(title, profile) if title else ""


def _shown(lines: str) -> str:
    """What readers get of whole wikitext lines: each line without the marks the wiki reads off it."""
    shown = []
    for line in lines.splitlines():
        heading = _HEADING.match(line)
        if heading:
            shown.append(heading.group(2))
        elif line.startswith(("{|", "|}", "|-")):
            continue
        elif line.startswith(("|+", "|", "!")):
            shown += _cells(line[2:] if line.startswith("|+") else line[1:])
        elif line.startswith(" "):
            shown.append(line[1:])  # a preformatted line shows all but its first space
        else:
            shown.append(line.lstrip("*#:;"))
    return "".join(visible_text(part) for part in shown)


def _cells(row: str) -> list[str]:
    """A table row's cells' contents (``a || b`` or ``!! ``), each without its attributes (``rowspan=2 |``)."""
    cells = re.split(r"\|\||!!", row)
    return [_cell_content(cell) for cell in cells]


def _cell_content(cell: str) -> str:
    depth, index = 0, 0
    while index < len(cell):
        pair = cell[index : index + 2]
        if pair in ("[[", "{{"):
            depth, index = depth + 1, index + 2
            continue
        if pair in ("]]", "}}"):
            depth, index = max(0, depth - 1), index + 2
            continue
        if cell[index] == "|" and depth == 0:
            return cell[index + 1 :]
        index += 1
    return cell


def _bare(text: str) -> str:
    return "".join(text.split())


def _folded(text: str) -> str:
    return " ".join(re.sub(r"<[^>]*>", "", text).split())


def _tables(without: Rendering, with_changes: Rendering) -> str:
    """Why a table reads less regular with the changes ("" when none does): each table's shape is the
    set of its rows' widths, and a shape the page did not have must be one width (a new table)."""
    old, new = Counter(_shapes(reading_of(without).atoms)), Counter(_shapes(reading_of(with_changes).atoms))
    broken = [shape for shape in new - old if len(shape) > 1]
    return f"a table's rows are no longer as wide as each other (widths {sorted(broken[0])})" if broken else ""


def _shapes(atoms: Sequence[Atom]) -> list[frozenset[int]]:
    """The set of row widths of every table, counting cells that span down into a row."""
    shapes: list[set[int]] = []
    stack: list[tuple[int, list[tuple[int, int]]]] = []  # open tables: (number, cells spanning into the next rows: rows left, width)
    row: list[tuple[int, int]] = []
    for kind, what in atoms:
        name = what.split(" ")[0]
        if kind == OPEN and name == "table":
            stack.append((len(shapes), []))
            shapes.append(set())
        elif kind == CLOSE and name == "table" and stack:
            stack.pop()
        elif stack and kind == OPEN and name == "tr":
            row = []
        elif stack and kind == OPEN and name in ("td", "th"):
            row.append((_span("rowspan", what), _span("colspan", what)))
        elif stack and kind == CLOSE and name == "tr":
            number, pending = stack[-1]
            shapes[number].add(sum(wide for _, wide in row) + sum(wide for _, wide in pending))
            pending[:] = [(left - 1, wide) for left, wide in pending if left > 1] + [(down - 1, wide) for down, wide in row if down > 1]
    return [frozenset(shape) for shape in shapes]


def _span(name: str, element: str) -> int:
    found = re.search(rf"\b{name}=(\d+)", element)
    return max(1, int(found.group(1))) if found else 1
