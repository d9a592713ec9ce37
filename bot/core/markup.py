"""Read a page's wikitext structure with mwparserfromhell: where the bot may not touch, and its links.

mwparserfromhell nodes carry no offsets, so the walk adds them up: a node's text is
exactly its slice of the page (``str(parse(text)) == text``). The result names the
protected regions (nowiki, pre, code, comments, templates, existing wikilinks, ...),
the wikitext external links (for the ``[https://own.wiki/wiki/T label]`` forms) and
the spans of wikilinks (used by the structure check after rewriting).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

import mwparserfromhell
from mwparserfromhell.nodes import (
    Argument,
    Comment,
    ExternalLink,
    Heading,
    Node,
    Tag,
    Template,
    Wikilink,
)
from mwparserfromhell.wikicode import Wikicode

from bot.core.profile import SiteProfile

# Tags whose content is not wikitext, or is code shown as written.
PROTECTED_TAGS = frozenset(
    {
        "nowiki", "pre", "code", "syntaxhighlight", "source", "math", "chem", "ce",
        "score", "timeline", "graph", "templatedata", "hiero", "mapframe", "maplink",
        "tt", "kbd", "samp", "var", "inputbox", "categorytree", "imagemap", "gallery",
    }
)  # fmt: skip

_BARE_URL_REF = re.compile(r"^\s*\[?\s*(?:https?:)?//[^\s\]]+\s*\]?\s*$", re.I)
_LINK_PARAM = re.compile(r"(?:^|\|)\s*link\s*=[^|]*")


@dataclass(frozen=True)
class Region:
    start: int
    end: int
    reason: str


@dataclass(frozen=True)
class ExtLink:
    """A bracketed wikitext external link: ``[url title]`` or ``[url]``."""

    start: int
    end: int
    url: str
    title: str | None


@dataclass(frozen=True)
class Markup:
    protected: tuple[Region, ...]  # disjoint, sorted; nested regions merged into the outer one
    ext_links: tuple[ExtLink, ...]
    wikilinks: tuple[tuple[int, int], ...]

    def blocking(self, start: int, end: int, verbatim: tuple[int, int] | None = None) -> Region | None:
        """The protected region that forbids touching ``start:end``, if any.

        A link may contain the markup of an HTML tag (``<b>`` in its label), and
        anything at all inside ``verbatim``, the part of it that is carried over
        byte for byte (a wikitext label). Anything else protected blocks it.
        """
        index = bisect.bisect_left(self.protected, end, key=lambda region: region.start) - 1
        while index >= 0 and self.protected[index].end > start:
            region = self.protected[index]
            contained = start <= region.start and region.end <= end
            kept = verbatim is not None and verbatim[0] <= region.start and region.end <= verbatim[1]
            if not (kept or (contained and region.reason.endswith(" markup"))):
                return region
            index -= 1
        return None


def _merge(regions: list[Region]) -> tuple[Region, ...]:
    merged: list[Region] = []
    for region in sorted(regions, key=lambda r: (r.start, -r.end)):
        if merged and region.start < merged[-1].end:
            last = merged[-1]
            if region.end > last.end:
                merged[-1] = Region(last.start, region.end, last.reason)
            continue
        merged.append(region)
    return tuple(merged)


def read_markup(text: str, profile: SiteProfile, *, protect_ref_urls: bool = True) -> Markup:
    """Walk the parse tree of ``text`` once and collect offsets."""
    walker = _Walker(profile, protect_ref_urls)
    walker.walk(mwparserfromhell.parse(text, skip_style_tags=True), 0)
    return Markup(_merge(walker.protected), tuple(walker.ext_links), tuple(walker.wikilinks))


class _Walker:
    def __init__(self, profile: SiteProfile, protect_ref_urls: bool) -> None:
        self.profile = profile
        self.protect_ref_urls = protect_ref_urls
        self.protected: list[Region] = []
        self.ext_links: list[ExtLink] = []
        self.wikilinks: list[tuple[int, int]] = []

    def walk(self, code: Wikicode, base: int) -> None:
        position = base
        for node in code.nodes:
            text = str(node)
            self.visit(node, text, position)
            position += len(text)

    def visit(self, node: Node, text: str, start: int) -> None:
        end = start + len(text)
        if isinstance(node, Comment):
            self.protect(start, end, "comment")
        elif isinstance(node, (Template, Argument)):
            self.protect(start, end, "template")
        elif isinstance(node, Tag):
            self.visit_tag(node, text, start)
        elif isinstance(node, Wikilink):
            self.visit_wikilink(node, text, start)
        elif isinstance(node, ExternalLink):
            self.visit_ext_link(node, text, start)
        elif isinstance(node, Heading):
            self.walk(node.title, start + node.level)

    def protect(self, start: int, end: int, reason: str) -> None:
        if end > start:
            self.protected.append(Region(start, end, reason))

    def visit_tag(self, node: Tag, text: str, start: int) -> None:
        end = start + len(text)
        name = str(node.tag).strip().lower()
        if name in PROTECTED_TAGS:
            self.protect(start, end, f"<{name}>")
            return
        contents = str(node.contents) if node.contents is not None else ""
        if name == "ref" and self.protect_ref_urls and _BARE_URL_REF.match(contents):
            self.protect(start, end, "<ref> citation URL")
            return
        closing = text.rfind("</")
        inner_start = start + closing - len(contents)
        if node.self_closing or closing < 0 or text[closing - len(contents) : closing] != contents:
            if name != "a":
                self.protect(start, end, f"<{name}> markup")
            return
        if name != "a":
            # The tag's own markup (attributes included) is not link text.
            self.protect(start, inner_start, f"<{name}> markup")
            self.protect(start + closing, end, f"<{name}> markup")
        self.walk(node.contents, inner_start)

    def visit_wikilink(self, node: Wikilink, text: str, start: int) -> None:
        end = start + len(text)
        self.wikilinks.append((start, end))
        title = str(node.title)
        prefix = title.strip().split(":", 1)[0] if ":" in title else ""
        namespace = self.profile.namespace(prefix) if prefix else None
        if node.text is None or namespace is None or namespace.id != 6:
            self.protect(start, end, "wikilink")
            return
        # A file link: the caption is prose, but the name and options (link=, alt=...) are not.
        text_start = start + 2 + len(title) + 1
        caption = str(node.text)
        self.protect(start, text_start, "file link")
        self.protect(end - 2, end, "file link")
        for match in _LINK_PARAM.finditer(caption):
            self.protect(text_start + match.start(), text_start + match.end(), "file link= parameter")
        self.walk(node.text, text_start)

    def visit_ext_link(self, node: ExternalLink, text: str, start: int) -> None:
        if not node.brackets:
            return
        end = start + len(text)
        title = None if node.title is None else str(node.title)
        self.ext_links.append(ExtLink(start, end, str(node.url), title))
        if node.title is not None:
            self.walk(node.title, end - 1 - len(title))
