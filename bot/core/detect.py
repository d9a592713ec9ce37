"""Find link occurrences in a page: Markdown links, HTML ``<a>`` links, autolinks, wikitext external links.

The Markdown forms are not wikitext, so mwparserfromhell splits them into text and
free external links; they are found by a small linear scanner over the raw text in
the way CommonMark finds inline links (a stack of ``[`` openers, closed by ``](``).
Protected regions (from ``markup``) are opaque to the scanner; occurrences found
inside them are returned separately so they can be reported. Wikitext external
links come from the parse tree.
"""

from __future__ import annotations

import bisect
import heapq
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from operator import attrgetter

from bot.core.markup import Markup, Region
from bot.core.model import Occurrence, Syntax

_TOKEN = re.compile(r"\\.|[\[\]<]|\n[ \t]*(?=\n)", re.S)
# CommonMark's autolink: any scheme of two to 32 characters (what is a URL is decided later).
_AUTOLINK = re.compile(r"<([A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*)>")
_A_OPEN = re.compile(r"<a\s[^<>]*>", re.I)
_A_CLOSE = re.compile(r"</a\s*>", re.I)
_ATTRIBUTE = re.compile(r"""([A-Za-z_:][-\w:.]*)\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+)""")
_WRAPPED_DEST = re.compile(r"([^\s()\"<>]+(?:[ \t]*\n[ \t]*[^\s()\"<>]+)+)[ \t]*\n?[ \t]*\"([^\"\n]*)\"[ \t]*\)")
_PLAIN_DEST = re.compile(r"[^\s()\\\x00-\x1f]+")
_MAX_DEST = 4096
_MAX_TITLE = 1024
_MAX_LABEL = 2048


@dataclass(frozen=True)
class Found:
    occurrences: tuple[Occurrence, ...]  # in unprotected text, sorted, not overlapping
    protected: tuple[tuple[Occurrence, Region], ...]  # inside protected regions


def unprotected_links(text: str, markup: Markup) -> Iterator[Occurrence]:
    """The occurrences outside protected regions, lazily, in page order: a superset of
    ``find_links(...).occurrences`` (links nested in a longer one are not dropped), for a caller
    that stops at the first one it cares about."""
    scanner = _MarkdownScanner(text)
    found = heapq.merge(
        scanner.iter_scan(0, len(text), markup.protected), _ext_link_occurrences(text, markup), key=attrgetter("start")
    )
    for occurrence in found:
        if markup.blocking(occurrence.start, occurrence.end, _verbatim(occurrence)) is None:
            yield occurrence


def _verbatim(occurrence: Occurrence) -> tuple[int, int] | None:
    if occurrence.verbatim_label_at < 0:
        return None
    return occurrence.verbatim_label_at, occurrence.verbatim_label_at + len(occurrence.label)


def find_links(text: str, markup: Markup, *, look_inside: bool = True) -> Found:
    """The link occurrences of ``text``; with ``look_inside``, also those wholly inside protected
    regions (to report them; the check pass after rewriting needs only what it could change)."""
    scanner = _MarkdownScanner(text)
    found = scanner.scan(0, len(text), markup.protected)
    found.extend(_ext_link_occurrences(text, markup))
    inside: list[tuple[Occurrence, Region]] = []
    for region in markup.protected if look_inside else ():
        if not _may_hold_links(text, region):
            continue
        for occurrence in scanner.scan(region.start, region.end, ()):
            inside.append((occurrence, region))
    outside: list[Occurrence] = []
    for occurrence in _outermost(found):
        region = markup.blocking(occurrence.start, occurrence.end, _verbatim(occurrence))
        if region is None:
            outside.append(occurrence)
        else:
            inside.append((occurrence, region))
    inside.sort(key=lambda pair: pair[0].start)
    return Found(tuple(outside), tuple(inside))


_SCANNABLE = re.compile(r"\]\(|<(?:a[\s>]|https?:|ftp:)", re.IGNORECASE)


def _may_hold_links(text: str, region: Region) -> bool:
    """Whether the scanner could find anything in ``region``: every form it matches contains one of
    ``](`` (Markdown), ``<a`` (HTML) or ``<http``/``<ftp`` (autolinks). Most regions are wikilinks,
    templates and tag markup without any."""
    return _SCANNABLE.search(text, region.start, region.end) is not None


def _outermost(occurrences: list[Occurrence]) -> list[Occurrence]:
    """Drop occurrences nested in or overlapping an earlier, longer one."""
    result: list[Occurrence] = []
    for occurrence in sorted(occurrences, key=lambda o: (o.start, -o.end)):
        if result and occurrence.start < result[-1].end:
            continue
        result.append(occurrence)
    return result


def _ext_link_occurrences(text: str, markup: Markup) -> list[Occurrence]:
    return [_ext_link_occurrence(text, link) for link in markup.ext_links]


def _ext_link_occurrence(text: str, link) -> Occurrence:
    """A bracketed external link as an occurrence. Written inside a wikilink's brackets
    (``[[https://...]]``, which MediaWiki shows as ``[`` + the link + ``]``) the occurrence takes
    those brackets in: the editor meant one link. A pipe in the URL of a link without a label
    (``[https://...|label]``) separates a label the way it does in a wikilink."""
    start, end, href, label = link.start, link.end, link.url, link.title or ""
    label_at = end - 1 - len(label)
    piped = link.title is None and "|" in href
    if piped:
        href, label = href.split("|", 1)
        label_at = link.start + 1 + len(href) + 1
    doubled = (
        start > 0 and text[start - 1] == "[" and (start < 2 or text[start - 2] != "[")
        and text[end : end + 1] == "]" and text[end + 1 : end + 2] != "]"
    )  # fmt: skip
    if doubled:
        start, end = start - 1, end + 1
    return Occurrence(
        Syntax.EXTLINK, start, end, text[start:end], href, label,
        verbatim_label_at=label_at, doubled=doubled, piped=piped,
    )  # fmt: skip


@dataclass
class _Brackets:
    """The scan's open brackets: ``[`` openers, those around a closed link (they can close a figure
    only), and the links found inside them, not final until nothing can enclose them."""

    openers: list[int] = field(default_factory=list)
    dormant: set[int] = field(default_factory=set)
    pending: list[Occurrence] = field(default_factory=list)

    def settled(self) -> list[Occurrence]:
        found, self.pending, self.dormant = self.pending, [], set()
        return found


class _MarkdownScanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self._closers: list[int] | None = None

    def scan(self, lo: int, hi: int, protected: tuple[Region, ...]) -> list[Occurrence]:
        return list(self.iter_scan(lo, hi, protected))

    def iter_scan(self, lo: int, hi: int, protected: tuple[Region, ...]) -> Iterator[Occurrence]:
        """Occurrences between ``lo`` and ``hi`` in page order. As in CommonMark a link cannot hold a
        link, except that an image's caption can: pandoc's figures (``![caption](F.jpg "fig:...")``,
        and the mirror's ``[caption](…/File:F.jpg "fig:...")``) keep their caption's links. So the
        openers around a link that closed stay, dormant: one can still close a figure; the links
        found meanwhile wait in ``pending`` until it is known whether a figure encloses them."""
        brackets = _Brackets()
        region_index, position = 0, lo
        while (match := _TOKEN.search(self.text, position, hi)) is not None:
            at = match.start()
            while region_index < len(protected) and protected[region_index].end <= at:
                region_index += 1
            if region_index < len(protected) and protected[region_index].start <= at:
                # Opaque: brackets inside nowiki, comments, templates... do not pair with ours.
                position = protected[region_index].end
                continue
            token, position = match.group(), match.end()
            if token == "[":
                brackets.openers.append(at)
            elif token == "]" and brackets.openers:
                position = self._closed(brackets, at, hi) or position
            elif token == "<" and (occurrence := self._angle(at, hi)) is not None:
                brackets.pending.append(occurrence)
                position = occurrence.end
            elif token.startswith("\n"):
                brackets.openers.clear()  # a blank line ends the paragraph: no link spans it
            if not brackets.openers:  # nothing can enclose what was found: it is final
                yield from brackets.settled()
        yield from brackets.pending

    def _closed(self, brackets: _Brackets, at: int, hi: int) -> int | None:
        """A ``]`` closing the innermost opener: where scanning goes on after the link it ends, if any."""
        opener = brackets.openers.pop()
        occurrence = self._close(opener, at, hi)
        if occurrence is None or (opener in brackets.dormant and not _is_figure(occurrence)):
            return None  # not a link, or a link around a link
        inside = [found for found in brackets.pending if found.start >= occurrence.start]
        brackets.pending = [*brackets.pending[: len(brackets.pending) - len(inside)], occurrence, *inside]
        brackets.dormant.update(brackets.openers)
        return occurrence.end

    def _close(self, opener: int, close: int, hi: int) -> Occurrence | None:
        text = self.text
        if close + 1 >= hi or text[close + 1] != "(" or close - opener > _MAX_LABEL:
            return None
        parsed = _destination(text, close + 2, hi)
        if parsed is None:
            return None
        href, title, end = parsed
        is_image = opener > 0 and text[opener - 1] == "!" and (opener < 2 or text[opener - 2] != "\\")
        start = opener - 1 if is_image else opener
        label = text[opener + 1 : close]
        return Occurrence(Syntax.MARKDOWN, start, end, text[start:end], href, label, title, is_image)

    def _angle(self, at: int, hi: int) -> Occurrence | None:
        text = self.text
        if (auto := _AUTOLINK.match(text, at, hi)) is not None:
            url = auto.group(1)
            return Occurrence(Syntax.AUTOLINK, at, auto.end(), auto.group(), url, url)
        if (tag := _A_OPEN.match(text, at, hi)) is None:
            return None
        close = self._next_closer(tag.end(), hi)
        if close is None:
            return None
        close_match = _A_CLOSE.match(text, close)
        label = text[tag.end() : close]
        if _A_OPEN.search(label) or not close_match:
            return None
        attributes = {
            name.lower(): value.strip("\"'") for name, value in _ATTRIBUTE.findall(tag.group())
        }
        href = attributes.get("href")
        if href is None:
            return None
        end = close_match.end()
        return Occurrence(
            Syntax.HTML_A, at, end, text[at:end], href, label, attributes.get("title", ""),
            verbatim_label_at=tag.end(),
        )

    def _next_closer(self, position: int, hi: int) -> int | None:
        if self._closers is None:
            self._closers = [m.start() for m in _A_CLOSE.finditer(self.text)]
        index = bisect.bisect_left(self._closers, position)
        if index < len(self._closers) and self._closers[index] < hi:
            return self._closers[index]
        return None


def _is_figure(occurrence: Occurrence) -> bool:
    return occurrence.is_image or occurrence.title_attr.startswith("fig:")


def _destination(text: str, at: int, hi: int) -> tuple[str, str, int] | None:
    """Parse ``dest "title")`` starting at ``at`` (just after ``](``): (dest, title, end)."""
    i = _skip_space(text, at, hi)
    if i < hi and text[i] == "<":
        close = text.find(">", i + 1, min(hi, i + _MAX_DEST))
        if close < 0 or "\n" in text[i + 1 : close]:
            return None
        dest, i = text[i + 1 : close], close + 1
    else:
        dest, i = _bare_destination(text, i, hi)
        if not dest:
            return None
    j = _skip_space(text, i, hi)
    title = ""
    if j < hi and text[j] in "\"'(" and j > i:
        closer = ")" if text[j] == "(" else text[j]
        limit = min(hi, j + _MAX_TITLE)
        k = text.find(closer, j + 1, limit)
        if k < 0 or "\\" in text[j + 1 : k]:  # escapes: walk them one by one
            k = j + 1
            while k < limit and text[k] != closer:
                k += 2 if text[k] == "\\" else 1
        if k >= limit:
            return None
        title, j = text[j + 1 : k], _skip_space(text, k + 1, hi)
    if j < hi and text[j] == ")":
        return dest, title, j + 1
    return _wrapped_destination(text, at, hi)


def _bare_destination(text: str, i: int, hi: int) -> tuple[str, int]:
    """A destination without angle brackets: up to white space or an unbalanced ``)``."""
    plain = _PLAIN_DEST.match(text, i, min(hi, i + _MAX_DEST))
    if plain is not None and (plain.end() >= hi or text[plain.end()] not in "(\\"):
        return plain.group(), plain.end()  # no escapes, no parentheses: what mirrors write
    start, depth = i, 0
    while i < hi and i - start < _MAX_DEST:
        char = text[i]
        if char == "\\" and i + 1 < hi:
            i += 2
            continue
        if char.isspace() or ord(char) < 0x20:
            break
        if char == "(":
            depth += 1
        elif char == ")":
            if depth == 0:
                break
            depth -= 1
        i += 1
    return text[start:i], i


def _wrapped_destination(text: str, at: int, hi: int) -> tuple[str, str, int] | None:
    """A destination a mirror wrapped across lines: ``../Page/Long\\nTitle.md "wikilink")``."""
    match = _WRAPPED_DEST.match(text, at, min(hi, at + _MAX_DEST))
    if match is None:
        return None
    dest = "".join(match.group(1).split())
    return dest, match.group(2), match.end()


def _skip_space(text: str, i: int, hi: int) -> int:
    """Skip spaces and at most one line break."""
    newline = False
    while i < hi and text[i] in " \t\n":
        if text[i] == "\n":
            if newline:
                break
            newline = True
        i += 1
    return i
