"""MediaWiki as the oracle of what readers see: ``action=parse`` on a local wiki in the page's language.

One throwaway wiki per content language (Debian's MediaWiki, SQLite, ``php -S`` on loopback),
made on first use, with the Wikimedia family's interwiki table so that ``[[en:X]]`` is an
interlanguage link and ``[[wikt:X]]`` an interwiki link, as on a Wikipedia. A rendering is read
back into what a reader gets: the visible text, the links (with their targets), the categories,
the interlanguage links.
"""

from __future__ import annotations

import json
import re
import urllib.parse
import urllib.request
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from bot.core.sites import wikimedia_interwikis
from bot.sandbox.mediawiki import Sandbox

# Markup a reader never sees as text.
_HIDDEN = frozenset({"script", "style"})
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Rendering:
    text: str  # what a reader sees, white space folded
    anchors: tuple[tuple[str, str], ...]  # (href, shown text) of every link in the page body
    links: frozenset[tuple[int, str]]  # internal links: (namespace, title)
    categories: frozenset[str]  # category names (underscores for spaces, as the API gives them)
    langlinks: frozenset[tuple[str, str]]  # interlanguage links: (language, title)
    iwlinks: frozenset[tuple[str, str]]  # interwiki links shown in the text: (prefix, title)


class _Reader(HTMLParser):
    """Text and anchors of rendered HTML (scripts and styles are not text; blocks part words)."""

    _BLOCKS = frozenset({"br", "p", "div", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "dd", "dt", "figcaption"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.anchors: list[tuple[str, list[str]]] = []
        self.open_anchors: list[int] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in _HIDDEN:
            self.hidden += 1
        elif tag == "a":
            self.anchors.append((dict(attrs).get("href") or "", []))
            self.open_anchors.append(len(self.anchors) - 1)
        if tag in self._BLOCKS:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in _HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag == "a" and self.open_anchors:
            self.open_anchors.pop()
        if tag in self._BLOCKS:
            self.parts.append(" ")

    def handle_data(self, data):
        if self.hidden:
            return
        self.parts.append(data)
        for index in self.open_anchors:
            self.anchors[index][1].append(data)


def _fold(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def read_html(html: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    anchors = tuple((href, _fold("".join(parts))) for href, parts in reader.anchors)
    return _fold("".join(reader.parts)), anchors


class Oracle:
    """One local wiki in one content language, asked to render wikitext."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox

    @classmethod
    def start(cls, root: Path, language: str) -> Oracle:
        sandbox = Sandbox.create(root, language=language)
        sandbox.set_interwikis(
            [(target.prefix, f"https://{target.host}{target.article_path}$1") for target in wikimedia_interwikis(language)]
        )
        sandbox.start()
        return cls(sandbox)

    def stop(self) -> None:
        self.sandbox.stop()

    def render(self, text: str, title: str = "Linkbot field test") -> Rendering:
        answer = self._post(
            action="parse", title=title, text=text, contentmodel="wikitext", prop="text|links|categories|langlinks|iwlinks",
            disableeditsection=1, disabletoc=1, disablelimitreport=1,
        )  # fmt: skip
        parse = answer["parse"]
        visible, anchors = read_html(parse["text"])
        return Rendering(
            text=visible,
            anchors=anchors,
            links=frozenset((link["ns"], link["title"]) for link in parse["links"]),
            categories=frozenset(category["category"] for category in parse["categories"]),
            langlinks=frozenset((link["lang"], link["title"]) for link in parse["langlinks"]),
            iwlinks=frozenset((link["prefix"], link["title"]) for link in parse["iwlinks"]),
        )

    def _post(self, **params) -> dict:
        body = urllib.parse.urlencode({**params, "format": "json", "formatversion": 2}).encode()
        with urllib.request.urlopen(self.sandbox.api_url, data=body, timeout=120) as answer:
            result = json.load(answer)
        if "error" in result:
            raise RuntimeError(f"action=parse failed: {result['error']}")
        return result
