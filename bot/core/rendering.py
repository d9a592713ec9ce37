"""What readers get from a page, read from MediaWiki's own rendering (``action=parse``).

The wiki adapter asks the wiki to render; this module only reads the answer: the visible text
(white space folded, scripts and styles left out, blocks parting words), every anchor of the body
with the title it points at, the body's reading (its visible text and elements in order: what a
proof compares between a rendering with its markers and one without), and the parse's lists
(links, external links, images, categories, interlanguage and interwiki links, templates,
sections, behaviour switches, references).
"""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass
from html.parser import HTMLParser

_HIDDEN = frozenset({"script", "style"})
_BLOCKS = frozenset({"br", "p", "div", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "dd", "dt", "figcaption"})
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})
_SPACE = re.compile(r"\s+")
_MARK = re.compile("([\ue000\ue002])([0-9a-z]+\\.\\d+)[\ue001\ue003]")  # bot.core.proof's markers: open N, close N
# An inline style (or attribute) that keeps an element's text from readers.
_INVISIBLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*(?:hidden|collapse)|font-size\s*:\s*0(?![.\d]*[1-9])|opacity\s*:\s*0(?![.\d]*[1-9])", re.I)
HIDDEN_TEXT = "\ue010"  # stands in the text for what readers do not see (bot.core.proof looks for it)
TEXT, OPEN, CLOSE, VOID, HIDDEN = "text", "open", "close", "void", "hidden"  # the kinds of a reading's items


@dataclass(frozen=True)
class Rendering:
    text: str  # what a reader sees, white space folded
    anchors: tuple[tuple[str, str], ...]  # (href, shown text) of every link in the page body
    links: frozenset[tuple[int, str]] = frozenset()  # internal links: (namespace, title)
    categories: frozenset[str] = frozenset()  # category names (underscores for spaces, as the API gives them)
    langlinks: frozenset[tuple[str, str]] = frozenset()  # interlanguage links: (language, title)
    iwlinks: frozenset[tuple[str, str]] = frozenset()  # interwiki links shown in the text: (prefix, title)
    templates: frozenset[str] = frozenset()  # templates and modules the page uses
    sections: tuple[str, ...] = ()  # section headings, in order
    switches: frozenset[str] = frozenset()  # page properties set by behaviour switches (__NOTOC__, ...)
    references: int = 0  # footnotes shown
    # Anchors inside a change's proof markers (bot.core.proof): ("nonce.number", href, shown text).
    marked_anchors: tuple[tuple[str, str, str], ...] = ()
    externallinks: frozenset[str] = frozenset()  # every external link the parser made (free URLs too)
    images: frozenset[str] = frozenset()  # files the page shows
    # The body in order as readers get it, outside hidden elements: (TEXT, data), (OPEN, "a HREF class=…"
    # or another element, bot.core.rendering._element), (CLOSE, tag name), (VOID, "img SRC …" or another),
    # (HIDDEN, tag name): compared between renderings with and without the proof's markers (bot.core.faithful).
    reading: tuple[tuple[str, str], ...] = ()


def rendering_from_parse(parse: dict) -> Rendering:
    """A ``formatversion=2`` parse answer with prop text|links|externallinks|images|categories|langlinks|iwlinks|templates|sections|properties."""
    reader = _read(parse.get("text", ""))
    text, anchors = reader.text_and_anchors()
    return Rendering(
        text=text,
        anchors=anchors,
        links=frozenset((link["ns"], link["title"]) for link in parse.get("links", [])),
        categories=frozenset(category["category"] for category in parse.get("categories", [])),
        langlinks=frozenset((link["lang"], link["title"]) for link in parse.get("langlinks", [])),
        iwlinks=frozenset((link["prefix"], link["title"]) for link in parse.get("iwlinks", [])),
        templates=frozenset(template["title"] for template in parse.get("templates", [])),
        sections=tuple(section.get("line", "") for section in parse.get("sections", [])),
        switches=frozenset(parse.get("properties", {}) if isinstance(parse.get("properties"), dict) else
                           (prop.get("name", "") for prop in parse.get("properties", []))),  # fmt: skip
        references=parse.get("text", "").count('class="reference"'),
        marked_anchors=tuple((mark, anchors[index][0], anchors[index][1]) for index, mark in reader.anchor_marks.items()),
        externallinks=frozenset(parse.get("externallinks", [])),
        images=frozenset(parse.get("images", [])),
        reading=tuple(reader.reading),
    )


class _Reader(HTMLParser):
    """Text and anchors of rendered HTML: what readers see. Scripts, styles, the table of contents
    (the headings again) and elements hidden from readers (``display:none``, ``visibility:hidden``,
    the ``hidden`` attribute, no size) give no text; a hidden element leaves ``HIDDEN_TEXT`` in its place."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.anchors: list[tuple[str, list[str]]] = []
        self.open_anchors: list[int] = []
        self.open: list[tuple[str, bool]] = []  # the open elements, and whether each hides its text
        self.hidden = 0
        self.mark: str | None = None  # the proof marker the text is inside
        self.anchor_marks: dict[int, str] = {}  # anchor index -> the marker it opened inside
        self.reading: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        if tag in _BLOCKS:
            self.parts.append(" ")
        attributes = dict(attrs)
        if tag in _VOID:
            if not self.hidden:  # an image by its address: the same file shows the same picture
                self.reading.append((VOID, _element(tag, attributes)))
            return
        # The table of contents repeats the headings' text: it is not page text of its own.
        quiet = tag in _HIDDEN or attributes.get("id") == "toc"
        hides = quiet or "hidden" in attributes or bool(_INVISIBLE.search(attributes.get("style") or ""))
        if hides and not self.hidden and not quiet:
            self.parts.append(HIDDEN_TEXT)
            self.reading.append((HIDDEN, tag))
        elif not hides and not self.hidden:
            self.reading.append((OPEN, _element(tag, attributes)))
        self.open.append((tag, hides))
        self.hidden += hides
        if tag == "a":
            self.anchors.append((attributes.get("href") or "", []))
            self.open_anchors.append(len(self.anchors) - 1)
            if self.mark is not None:
                self.anchor_marks[len(self.anchors) - 1] = self.mark

    def handle_endtag(self, tag):
        if tag in _BLOCKS:
            self.parts.append(" ")
        if not any(name == tag for name, _ in self.open):
            return  # a stray end tag
        while self.open:  # close what is still open inside it too
            name, hides = self.open.pop()
            self.hidden -= hides
            if not hides and not self.hidden:
                self.reading.append((CLOSE, name))
            if name == "a" and self.open_anchors:
                self.open_anchors.pop()
            if name == tag:
                break

    def text_and_anchors(self) -> tuple[str, tuple[tuple[str, str], ...]]:
        return folded("".join(self.parts)), tuple((href, folded("".join(parts))) for href, parts in self.anchors)

    def handle_data(self, data):
        if self.hidden:
            return
        for match in _MARK.finditer(data):
            self.mark = match.group(2) if match.group(1) == "\ue000" else None
        self.parts.append(data)
        self.reading.append((TEXT, data))
        for index in self.open_anchors:
            self.anchors[index][1].append(data)


def _element(tag: str, attributes: dict) -> str:
    """An element as a reading holds it: its name, where it leads (a link's address, an image's file),
    and what styles it (its classes and inline style: a class may hide it, or show a link as another kind)."""
    where = attributes.get({"a": "href", "img": "src"}.get(tag, ""))
    # A cell's span is the table's shape (bot.core.block_proof reads rows' widths from it).
    spans = [f"{name}={attributes[name]}" for name in ("rowspan", "colspan") if tag in ("td", "th") and (attributes.get(name) or "").isdigit()]
    return " ".join(part for part in (tag, where, _styled("class", attributes), _styled("style", attributes), *spans) if part)


def _styled(name: str, attributes: dict) -> str:
    return f"{name}={attributes[name]}" if attributes.get(name) else ""


def folded(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def read_html(html: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    return _read(html).text_and_anchors()


def _read(html: str) -> _Reader:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader


def href_title(href: str, article_path: str = "/wiki/") -> str:
    """The page an internal anchor points at (spaces for underscores, no fragment), or "" for others."""
    parts = urllib.parse.urlsplit(href)
    if parts.scheme and parts.scheme not in ("http", "https"):
        return ""
    query = urllib.parse.parse_qs(parts.query)
    if "title" in query:
        title = query["title"][0]
    else:
        prefix = article_path.split("$1")[0] or "/wiki/"
        if not parts.path.startswith(prefix):
            return ""
        title = urllib.parse.unquote(parts.path[len(prefix) :])
    return title.replace("_", " ")
