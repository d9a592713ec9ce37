"""Reading a member list off a page: its headings, the registry's sections among them, and each
section's entries (list items) with the page links they hold.

Works on Markdown-converted pages (``### 文學之都`` headings, ``  - [A](…)-[B](…)`` items) and on
wikitext (``=== 文學之都 ===``, ``* [[A]]-[[B]]``). Headings match a registry section across
simplified/traditional script and by any of the section's headings (its aliases).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import mwparserfromhell
from mwparserfromhell.nodes import Template, Wikilink

from bot.core.detect import find_links
from bot.core.labels import visible_text
from bot.core.markup import read_markup
from bot.core.profile import SiteProfile
from bot.core.titles import comparable
from bot.core.urls import Kind, resolve
from bot.core.variants import fold

_HEADING = re.compile(r"^(?:(#{1,6})[ \t]*(.+?)[ \t]*#*|(={1,6})[ \t]*(.+?)[ \t]*\3)[ \t]*$")
_ITEM = re.compile(r"^([ \t]*[-*+][ \t]+|[*#]+[ \t]*)\S")


@dataclass(frozen=True)
class Link:
    target: str
    label: str
    start: int  # within the line
    end: int


@dataclass(frozen=True)
class Item:
    start: int  # offsets of the whole line in the page, newline included
    end: int
    line: str
    links: tuple[Link, ...]

    @property
    def city(self) -> Link | None:
        return self.links[0] if self.links else None


@dataclass(frozen=True)
class Heading:
    """A heading line: where it is, its level, its text, and the line itself (its style)."""

    start: int
    end: int  # newline included
    level: int
    text: str
    line: str
    index: int  # its line number (0-based)

    def retitled(self, text: str) -> str:
        """This heading's line with ``text`` in place of its own (same marks, same spacing)."""
        match = _HEADING.match(self.line.rstrip("\r\n"))
        group = 2 if match.group(2) is not None else 4
        return self.line[: match.start(group)] + text + self.line[match.end(group) :]


def page_lines(text: str) -> list[tuple[int, int, str]]:
    """(start, end, line) of every line as readers' lists and headings see lines, newline included: a
    comment, a tag whose content is no list (``<nowiki>``, ``<pre>``, ``<ref>`` …) or a template that
    runs on past its line's end takes the lines it covers into its own (what it covers is no heading
    and no item of the page; an item that opens one keeps it whole, so it is never cut in two)."""
    spans = iter(opaque_spans(text))
    span = next(spans, None)
    result, offset, ahead = [], 0, 0
    for line in text.splitlines(keepends=True):
        end = offset + len(line)
        if offset < ahead:  # covered by the line before
            result[-1] = (result[-1][0], end, result[-1][2] + line)
        else:
            result.append((offset, end, line))
        while span is not None and span[0] < end:
            ahead, span = max(ahead, span[1]), next(spans, None)
        offset = end
    return result


# What shows no list item and no heading of the page in its lines (or shows them elsewhere: a footnote).
_OPAQUE = re.compile(
    r"<!--.*?(?:-->|\Z)|<(nowiki|pre|ref|syntaxhighlight|source|math|chem|gallery|poem|score|timeline|templatedata|"
    r"graph|imagemap|inputbox|includeonly|noinclude|onlyinclude)\b(?:[^<>]*?/>|[^<>]*>.*?(?:</\1\s*>|\Z))",
    re.DOTALL | re.IGNORECASE,
)


def opaque_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every comment, opaque tag and outermost template (an unclosed one runs to the end)."""
    spans: list[tuple[int, int]] = []
    depth, opened, position = 0, 0, 0
    for found in _OPENERS.finditer(text):
        if found.start() < position:
            continue
        position = found.end()
        match = _OPAQUE.match(text, found.start()) if found.group() == "<" else None
        if match:
            position = match.end()
            if depth == 0:
                spans.append((match.start(), match.end()))
        elif found.group() == "{{":
            opened, depth = opened if depth else found.start(), depth + 1
        elif found.group() == "}}" and depth:
            depth -= 1
            if depth == 0:
                spans.append((opened, found.end()))
    if depth:
        spans.append((opened, len(text)))
    return spans


_OPENERS = re.compile(r"<|\{\{|\}\}")


def page_headings(lines: list[tuple[int, int, str]]) -> list[Heading]:
    headings = []
    for index, (start, end, line) in enumerate(lines):
        match = _HEADING.match(line.rstrip("\r\n"))
        if match:
            marks = match.group(1) or match.group(3)
            headings.append(Heading(start, end, len(marks), (match.group(2) or match.group(4)).strip(), line, index))
    return headings


def read_items(lines, profile: SiteProfile) -> tuple[list[Item], list[str]]:
    """The list items among ``lines`` with links (the member entries), and those without one."""
    items, unparsed = [], []
    for start, end, line in lines:
        if not _ITEM.match(line):
            if line.startswith("{{") and any(_ITEM.match(part) for part in line.splitlines()[1:]):
                unparsed.append(line)  # items in a template's lines: what the template makes of them is unknown
            continue
        links = item_links(line, profile)
        if links:
            items.append(Item(start, end, line, links))
        else:
            unparsed.append(line)
    return items, unparsed


def item_links(line: str, profile: SiteProfile) -> tuple[Link, ...]:
    """The page links of a list item, in order: wikilinks, Markdown/URL links, link templates."""
    links: list[Link] = []
    markup = read_markup(line, profile)
    for occurrence in find_links(line, markup).occurrences:
        resolved = resolve(occurrence.destination, profile, wikilink_hint=occurrence.title_attr == "wikilink")
        if resolved.kind is Kind.LOCAL and resolved.title is not None:
            label = visible_text(occurrence.label) if occurrence.label else resolved.title.text
            links.append(Link(resolved.title.text, label.replace("\\", ""), occurrence.start, occurrence.end))
    position = 0
    # Bold and italics around a link are no nodes of their own: the link is the item's link all the same.
    for node in mwparserfromhell.parse(line, skip_style_tags=True).nodes:
        text = str(node)
        if isinstance(node, Wikilink) and ":" not in str(node.title).strip()[:1]:
            target = str(node.title).strip()
            label = visible_text(text)
            links.append(Link(target, label, position, position + len(text)))
        elif isinstance(node, Template) and node.params and not node.params[0].showkey:
            value = node.params[0].value.strip_code().strip()
            if value:
                links.append(Link(value, value, position, position + len(text)))
        position += len(text)
    return tuple(sorted(links, key=lambda link: link.start))


def key(text: str, profile: SiteProfile) -> str:
    """How two names are compared: as the wiki compares titles, across simplified/traditional script."""
    return fold(comparable(text, profile), profile.variant_fold)
