"""Read a page's wikitext structure with mwparserfromhell: where the bot may not touch, and its links.

The result names the protected regions (nowiki, pre, code, comments, templates, existing
wikilinks, table and list syntax, ...), the wikitext external links (for the
``[https://own.wiki/wiki/T label]`` forms) and the spans of wikilinks (used by the
structure check after rewriting).

It reads mwparserfromhell's token stream (its C tokenizer) rather than the node tree:
nodes carry no offsets anyway, and building the tree in Python cost four times the
tokenizing. Each token's source text is what mwparserfromhell's own nodes print for it
(``str(parse(text)) == text``), so offsets add up; ``tokens.py`` in this package
renders them. If they ever did not add up to the page, the page is left alone whole.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import NamedTuple

from mwparserfromhell.parser import tokens

from bot.core.profile import SiteProfile
from bot.core.tokens import TokenMap

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


class Region(NamedTuple):
    """A span the bot may not touch. (A named tuple, not a dataclass: pages have thousands.)"""

    start: int
    end: int
    reason: str


class ExtLink(NamedTuple):
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
    """Read the token stream of ``text`` once and collect offsets."""
    return MarkupReading(text, profile, protect_ref_urls=protect_ref_urls).markup_until(None)


class MarkupReading:
    """A page's markup, read only as far as a caller needs: ``markup_until(offset)`` says what the
    tokens before ``offset`` say (a preselection that stops at a page's first change rarely needs
    the rest). The page is tokenized whole first: a construct's tokens depend on what follows it.
    """

    def __init__(self, text: str, profile: SiteProfile, *, protect_ref_urls: bool = True) -> None:
        self.text = text
        self._tokens = TokenMap(text)
        self._reader = _Reader(text, profile, protect_ref_urls, self._tokens.tokens)
        self._next = 0  # the next structure token to read

    def markup_until(self, offset: int | None) -> Markup:
        """The markup of the text before ``offset`` (None: the whole page). A construct still open
        there is protected from its start to the end of the page: what it holds is not read yet,
        and only this can make the answer for text before ``offset`` the whole page's answer (a
        ``<ref>`` holding a bare URL, for one, protects its links only when it closes)."""
        token_map = self._tokens
        if not token_map.read_to(offset):  # the C tokenizer stops at a NUL character; nothing else seen
            return Markup((Region(0, len(self.text), "markup linkbot could not map to offsets"),), (), ())
        token_list, offsets, structure = token_map.tokens, token_map.offsets, token_map.structure
        stop = len(structure)
        if offset is not None:
            stop = bisect.bisect_left(structure, offset, lo=self._next, key=offsets.__getitem__)
        reader, handlers = self._reader, _HANDLERS
        for token_index in structure[self._next : stop]:
            token = token_list[token_index]
            handler = handlers.get(type(token))
            if handler is not None:
                handler(reader, token_index, token, offsets[token_index], offsets[token_index + 1])
        self._next = stop
        unread = [Region(frame.start, len(self.text), "construct not read yet") for frame in reader.frames]
        return Markup(_merge(reader.protected + unread), tuple(reader.ext_links), tuple(reader.wikilinks))


class _Frame:
    """An open construct: where it started and what its closing needs."""

    __slots__ = ("start", "opaque", "name", "inner", "closer", "separator", "wiki", "brackets", "marks")

    def __init__(self, start: int, opaque: bool = False) -> None:
        self.start = start
        self.opaque = opaque  # protected whole: nothing inside is recorded
        self.name = ""
        self.inner = -1  # end of a tag's opening markup; start of a link's caption or title
        self.closer = -1  # start of a tag's closing markup
        self.separator = -1  # a link's ``|`` or the space after an external link's URL
        self.wiki = False  # a tag written in wikitext syntax ({|, |-, *), not as HTML
        self.brackets = False  # an external link in brackets, not a bare URL
        self.marks = (0, 0)  # how many external links and wikilinks were recorded before it


_OPAQUE_OPEN = (tokens.TemplateOpen, tokens.ArgumentOpen, tokens.CommentStart)
_OPAQUE_CLOSE = {tokens.TemplateClose: "template", tokens.ArgumentClose: "template", tokens.CommentEnd: "comment"}
_TAG_TOKENS = frozenset(
    {
        tokens.TagOpenOpen, tokens.TagAttrStart, tokens.TagCloseOpen, tokens.TagCloseSelfclose,
        tokens.TagOpenClose, tokens.TagCloseClose,
    }
)  # fmt: skip


class _Reader:
    def __init__(self, text: str, profile: SiteProfile, protect_ref_urls: bool, token_list: list) -> None:
        self.text = text
        self.tokens = token_list
        self.profile = profile
        self.protect_ref_urls = protect_ref_urls
        self.protected: list[Region] = []
        self.ext_links: list[ExtLink] = []
        self.wikilinks: list[tuple[int, int]] = []
        self.frames: list[_Frame] = []
        self.opaque = 0  # open frames that are protected whole

    def open_opaque(self, index: int, token, start: int, end: int) -> None:
        self.push(_Frame(start, opaque=True))

    def close_opaque(self, index: int, token, start: int, end: int) -> None:
        frame = self.pop()
        self.protect(frame.start, end, _OPAQUE_CLOSE[type(token)])

    def open_ext_link(self, index: int, token, start: int, end: int) -> None:
        frame = _Frame(start)
        frame.brackets = bool(token.get("brackets"))
        self.push(frame)

    def ext_link_separator(self, index: int, token, start: int, end: int) -> None:
        self.frames[-1].separator, self.frames[-1].inner = start, end

    def push(self, frame: _Frame) -> None:
        frame.marks = (len(self.ext_links), len(self.wikilinks))
        self.frames.append(frame)
        if frame.opaque:
            self.opaque += 1

    def pop(self) -> _Frame:
        frame = self.frames.pop()
        if frame.opaque:
            self.opaque -= 1
        return frame

    def protect(self, start: int, end: int, reason: str) -> None:
        if end > start and not self.opaque:  # inside a protected construct it is covered already
            self.protected.append(Region(start, end, reason))

    def wikilink_separator(self, index: int, token, start: int, end: int) -> None:
        frame = self.frames[-1]
        if frame.separator >= 0:
            return
        frame.separator = start
        title = self.text[frame.start + 2 : start]
        prefix = title.strip().split(":", 1)[0] if ":" in title else ""
        namespace = self.profile.namespace(prefix) if prefix else None
        if namespace is not None and namespace.id == 6 and self.opaque == 1:
            # A file link: the caption is prose, but the name and options (link=, alt=...) are not.
            frame.opaque = False
            self.opaque -= 1
            frame.inner = end
            self.protect(frame.start, end, "file link")

    def close_wikilink(self, index: int, token, start: int, end: int) -> None:
        frame = self.pop()
        if self.opaque:
            return
        self.wikilinks.append((frame.start, end))
        if frame.opaque:
            self.protect(frame.start, end, "wikilink")
            return
        self.protect(end - 2, end, "file link")
        caption_start = frame.inner
        for match in _LINK_PARAM.finditer(self.text[caption_start : end - 2]):
            self.protect(caption_start + match.start(), caption_start + match.end(), "file link= parameter")

    def close_ext_link(self, index: int, token, start: int, end: int) -> None:
        frame = self.pop()
        if not frame.brackets or self.opaque:
            return
        has_title = frame.separator >= 0
        url = self.text[frame.start + 1 : frame.separator if has_title else start]
        title = self.text[frame.inner : start] if has_title else None
        self.ext_links.append(ExtLink(frame.start, end, url, title))

    def tag_token(self, index: int, token, start: int, end: int) -> None:
        kind = type(token)
        if kind is tokens.TagOpenOpen:
            frame = _Frame(start)
            frame.wiki = bool(token.get("wiki_markup"))
            frame.name = self.tag_name(index + 1)
            frame.opaque = frame.name in PROTECTED_TAGS
            self.push(frame)
            return
        frame = self.frames[-1]
        if kind is tokens.TagCloseOpen:
            frame.inner = end
        elif kind is tokens.TagOpenClose:
            frame.closer = start
        elif kind is tokens.TagCloseClose or kind is tokens.TagCloseSelfclose:
            self.close_tag(self.pop(), end)

    def tag_name(self, index: int) -> str:
        """The name a tag's text tokens spell from ``index`` on (a wikitext tag's is not in the page)."""
        parts = []
        while index < len(self.tokens) and type(self.tokens[index]) is tokens.Text:
            parts.append(self.tokens[index]["text"])
            index += 1
        return "".join(parts).strip().lower()

    def close_tag(self, frame: _Frame, end: int) -> None:
        name = frame.name
        if frame.opaque:
            self.protect(frame.start, end, f"<{name}>")
            return
        reason = f"<{name}> wikitext syntax" if frame.wiki else f"<{name}> markup"
        if frame.closer < 0:  # self-closing
            if name != "a":
                self.protect(frame.start, end, reason)
            return
        contents = self.text[frame.inner : frame.closer]
        if name == "ref" and self.protect_ref_urls and _BARE_URL_REF.match(contents):
            del self.ext_links[frame.marks[0] :], self.wikilinks[frame.marks[1] :]
            self.protect(frame.start, end, "<ref> citation URL")
            return
        if name != "a":
            # The tag's own markup (attributes included) is not link text.
            self.protect(frame.start, frame.inner, reason)
            self.protect(frame.closer, end, reason)


# Token type -> what the reader does with it (plain text and entities need nothing).
_HANDLERS = {
    **{kind: _Reader.open_opaque for kind in _OPAQUE_OPEN},
    **{kind: _Reader.close_opaque for kind in _OPAQUE_CLOSE},
    **{kind: _Reader.tag_token for kind in _TAG_TOKENS},
    tokens.WikilinkOpen: _Reader.open_opaque,  # until its title says it is a file link with a caption
    tokens.WikilinkSeparator: _Reader.wikilink_separator,
    tokens.WikilinkClose: _Reader.close_wikilink,
    tokens.ExternalLinkOpen: _Reader.open_ext_link,
    tokens.ExternalLinkSeparator: _Reader.ext_link_separator,
    tokens.ExternalLinkClose: _Reader.close_ext_link,
}
