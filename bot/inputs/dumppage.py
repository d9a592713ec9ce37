"""One page of a MediaWiki export, read from its XML bytes: which revision is the latest, what it
holds, and (for the pages the prefilter keeps) the page parsed.

A dump worker looks at every page, so what can be told without parsing is told from the bytes,
in a few searches a revision: where each revision's text is (the only long part of a page,
skipped at ``memchr`` speed, as escaped text holds no ``<``), which revision is the latest (the
highest id, by timestamp where ids are missing: ``Special:Export`` lists a history newest first
when asked), whether it has text (a stub dump's revisions have none; a hidden revision's is
withheld), and its content model (written since schema 0.8; before, MediaWiki's defaults by
title). A page whose ``</page>`` is missing ends where the next ``<page>`` begins: it is reported
by its title, and the next page is read.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from bot.core.pagekind import not_wikitext
from bot.errors import DumpFormatError

PAGE_OPEN, PAGE_CLOSE = b"<page>", b"</page>"
WIKITEXT = "wikitext"
TEXT, NO_TEXT, HIDDEN = "text", "no text", "hidden"
# What bounds the parts of a page: a page's start and end, a revision's start, a text's start.
_MARK = re.compile(rb"<(?:/?page>|revision[\s>]|text[\s/>])")
_SLASH, _P, _R = ord("/"), ord("p"), ord("r")
_TEXT_CLOSE, _REVISION_CLOSE = b"</text>", b"</revision>"
_BYTES = re.compile(rb'\sbytes="(\d+)"')
_STUB_ATTRIBUTE = re.compile(rb'\s(?:id|location)="')
_REVISION_ID = re.compile(rb"<id>\s*(\d+)\s*</id>")
_TIMESTAMP = re.compile(rb"<timestamp>\s*([^<\s]*)\s*</timestamp>")
_CONTRIBUTOR = re.compile(rb"<contributor[\s>].*?</contributor>|<contributor\s*/>", re.S)
_TITLE = re.compile(rb"<title>([^<]{1,1024})<")
_NS = re.compile(rb"<ns>([^<]*)</ns>")
_MODEL = re.compile(rb"<model>\s*([^<\s]*)\s*</model>")


@dataclass(frozen=True)
class DumpPage:
    """A page as its latest revision has it."""

    title: str
    namespace: int
    revision_id: int
    text: str
    model: str = WIKITEXT
    format: str = "text/x-wiki"


@dataclass(frozen=True)
class DumpProblem:
    """Part of a dump that could not be read (one page, or a range of compressed bytes): it is
    skipped and reported, and the rest of the dump is still scanned. ``pages``: how many of the
    dump's pages it counts for in a summary (a damaged stream's are unknown: one)."""

    message: str
    pages: int = 1


@dataclass(frozen=True)
class NotAnalysed:
    """A page read but not analysed, for what it is: not wikitext, or its text hidden. Said, and
    counted; not an error."""

    title: str
    reason: str


@dataclass(frozen=True)
class DumpWarning:
    """Something about the dump as a whole worth a line, not an error (another wiki's header)."""

    message: str


@dataclass(frozen=True)
class PageXml:
    """A page's XML with its latest revision only (the whole element when it has one), and what
    its bytes tell: whether that revision has text (``TEXT``, ``NO_TEXT``, ``HIDDEN``), its model."""

    xml: bytes
    text: str
    model: str

    @property
    def title(self) -> str:
        return _title_text(self.xml)

    def why_not_analysed(self) -> NotAnalysed | None:
        """Why the page is not analysed for what it is (no text, hidden text, not wikitext), or None."""
        if self.text != TEXT:
            return NotAnalysed(self.title, _WITHOUT_TEXT[self.text])
        reason = not_wikitext(self.model)
        return None if reason is None else NotAnalysed(self.title, reason)


_WITHOUT_TEXT = {NO_TEXT: "no text in the dump", HIDDEN: "the text of its latest revision is hidden (deleted)"}


# A revision's spans, as a tuple (made for every page: a tuple costs a fraction of a dataclass):
# where its "<revision" and its "<text" are, where the text's content begins and ends (equal for
# "<text .../>").
_Revision = tuple[int, int, int, int]


def page_items(chunk: bytes, namespaces: Mapping[str, int] | None = None) -> Iterator[PageXml | DumpProblem]:
    """The pages of a chunk of a dump, in order: each reduced to its latest revision, or a
    ``DumpProblem`` for a page cut off (no ``</page>`` before the next page or the chunk's end)."""
    start = chunk.find(PAGE_OPEN)
    while start >= 0:
        end, revisions, closed = _walk(chunk, start)
        if not closed:
            yield DumpProblem(f"{title_of(chunk[start:end])}: cut off: no </page> before the next page; not read")
        elif len(revisions) == 1:
            latest = revisions[0]
            yield PageXml(chunk[start:end], _text_state(chunk, latest), _model(chunk, start, latest, namespaces))
        elif revisions:
            latest = revisions[_latest(chunk, revisions)]
            xml = _reduced(chunk, start, revisions[0], latest)
            yield PageXml(xml, _text_state(chunk, latest), _model(chunk, start, latest, namespaces, revisions[0][0]))
        else:
            yield PageXml(chunk[start:end], NO_TEXT, WIKITEXT)
        start = chunk.find(PAGE_OPEN, end)


def _walk(chunk: bytes, start: int) -> tuple[int, list[_Revision], bool]:
    """(where the page ends, its revisions, whether it was closed): a page not closed ends where
    the next ``<page>`` begins (or at the end of the chunk)."""
    revisions: list[_Revision] = []
    revision, position, search, find = -1, start + len(PAGE_OPEN), _MARK.search, chunk.find
    while (mark := search(chunk, position)) is not None:
        at = mark.start()
        kind = chunk[at + 1]
        if kind == _SLASH:
            return mark.end(), revisions, True
        if kind == _P:
            return at, revisions, False
        if kind == _R:
            revision, position = at, mark.end()
            continue
        tag_end = find(b">", mark.end() - 1)
        if tag_end < 0:
            break
        content = content_end = position = tag_end + 1
        if chunk[tag_end - 1] != _SLASH:  # (not "<text ... />")
            content_end = _text_end(chunk, content)
            if content_end < 0:
                break
            if not chunk.startswith(_TEXT_CLOSE, content_end):
                return content_end, revisions, False  # the text runs into the next page
            position = content_end + len(_TEXT_CLOSE)
        if revision >= 0:  # (a revision's first text is its main slot's: the others are in <content>)
            revisions.append((revision, at, content, content_end))
            revision = -1
    return len(chunk), revisions, False


def _text_end(chunk: bytes, content: int) -> int:
    """Where a text's content ends: at its ``</text>`` (escaped text holds no ``<``, so the next
    ``<`` is found at memchr speed), or at a ``<page>`` it runs into; -1 when neither comes."""
    end = chunk.find(b"<", content)
    if end < 0 or chunk.startswith(_TEXT_CLOSE, end) or chunk.startswith(PAGE_OPEN, end):
        return end
    # Markup inside a text (CDATA, a comment: not MediaWiki's, but XML): look for its end the slow way.
    close, page = chunk.find(_TEXT_CLOSE, end), chunk.find(PAGE_OPEN, end)
    return page if 0 <= page < close or close < 0 else close


def _latest(chunk: bytes, revisions: list[_Revision]) -> int:
    """The index of the latest of a page's revisions, by ``latest_of``."""
    keys = []
    for index, (start, text, _, content_end) in enumerate(revisions):
        close = chunk.find(_REVISION_CLOSE, content_end)
        fields = chunk[start:text] + chunk[content_end : max(close, content_end)]
        fields = _CONTRIBUTOR.sub(b"", fields)  # a contributor's <id> is a user id
        found_id, found_time = _REVISION_ID.search(fields), _TIMESTAMP.search(fields)
        keys.append((int(found_id.group(1)) if found_id else None, found_time.group(1) if found_time else b"", index))
    return latest_of(keys)


def _reduced(chunk: bytes, start: int, first: _Revision, latest: _Revision) -> bytes:
    """The page's head (title, ns, id, …) and its latest revision alone."""
    close = chunk.find(_REVISION_CLOSE, latest[3])
    end = close + len(_REVISION_CLOSE) if close >= 0 else latest[3]
    return chunk[start : first[0]] + chunk[latest[0] : end] + PAGE_CLOSE


def _text_state(chunk: bytes, revision: _Revision) -> str:
    """``HIDDEN`` for a revision whose text is withheld, ``NO_TEXT`` for one that has text the dump
    does not hold (a stub: ``<text bytes="4567" id="123" />``), else ``TEXT`` (an empty page
    included: ``bytes="0"``, or a bare ``<text />``)."""
    _, text, content, content_end = revision
    if chunk.find(b"deleted=", text, content) >= 0:
        return HIDDEN
    if content != content_end:
        return TEXT
    tag = chunk[text:content]
    size = _BYTES.search(tag)
    if size is not None:
        return NO_TEXT if int(size.group(1)) > 0 else TEXT
    return NO_TEXT if _STUB_ATTRIBUTE.search(tag) else TEXT


def _model(chunk: bytes, start: int, revision: _Revision, namespaces, head_end: int = -1) -> str:
    """The revision's ``<model>``; where none is written, MediaWiki's default for the title."""
    head_end = revision[0] if head_end < 0 else head_end
    found = chunk.find(b"<model>", revision[0], revision[1])
    if found >= 0:
        if chunk.startswith(_WIKITEXT_MODEL, found):
            return WIKITEXT
        written = _MODEL.match(chunk, found, revision[1])
        return written.group(1).decode("ascii", "replace") if written else WIKITEXT
    ns = chunk.find(b"<ns>", start, head_end)
    if ns >= 0 and chunk.startswith(b"<ns>0</ns>", ns):
        return WIKITEXT
    found_ns = _NS.match(chunk, ns, head_end) if ns >= 0 else None
    namespace = _int_or_none(found_ns.group(1)) if found_ns else None
    if namespace is not None and namespace not in _CODE_NAMESPACES:
        return WIKITEXT
    title = _title_text(chunk[start:head_end])
    if namespace is None:
        namespace = namespace_of(title, namespaces or {})
    return default_model(namespace, title)


_WIKITEXT_MODEL = b"<model>wikitext</model>"


def _int_or_none(value: bytes) -> int | None:
    try:
        return int(value)
    except ValueError:
        return None  # said when the page is parsed (if it is)


NS_USER, NS_MEDIAWIKI, NS_MODULE = 2, 8, 828
_CODE_NAMESPACES = frozenset({NS_USER, NS_MEDIAWIKI, NS_MODULE})
_CODE_SUFFIX = re.compile(r"\.(css|js|json)$")
_CODE_MODELS = {"css": "css", "js": "javascript", "json": "json"}


def default_model(namespace: int, title: str) -> str:
    """The content model MediaWiki gives a page by default (``MainSlotRoleHandler::getDefaultModel``
    and Scribunto's hook, MediaWiki 1.39): modules are Lua but their ``/doc`` pages (and JSON for
    ``.json``); ``.css``/``.js``/``.json`` pages in the MediaWiki namespace and user subpages are
    code. ``title`` is the full title, with its namespace prefix."""
    name = title.split(":", 1)[1] if ":" in title and namespace != 0 else title
    if namespace == NS_MODULE:
        return "json" if name.endswith(".json") else WIKITEXT if name.endswith("/doc") else "Scribunto"
    code = _CODE_SUFFIX.search(name)
    if code and (namespace == NS_MEDIAWIKI or (namespace == NS_USER and "/" in name)):
        return _CODE_MODELS[code.group(1)]
    return WIKITEXT


def namespace_of(title: str, namespaces: Mapping[str, int]) -> int:
    """The namespace a title's prefix names, by the dump's ``<siteinfo>`` (for exports before
    ``<ns>``, schema 0.5); 0 when it names none."""
    prefix, colon, _ = title.partition(":")
    return namespaces.get(prefix.strip().replace("_", " ").casefold(), 0) if colon else 0


def title_of(element: bytes) -> str:
    """``page 'Title'`` for messages, as far as the title can be read."""
    title = _title_text(element)
    return f"page {title!r}" if title else "a page without a readable title"


def _title_text(element: bytes) -> str:
    found = _TITLE.search(element)
    if found is None:
        return ""
    return found.group(1).decode("utf-8", "replace").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")


_FORMATS = {WIKITEXT: "text/x-wiki", "css": "text/css", "javascript": "text/javascript", "json": "application/json"}


def parse_page(element: bytes, namespaces: Mapping[str, int] | None = None) -> DumpPage:
    """One ``<page>`` element, as its latest revision has it. ``DumpFormatError`` names the page (as
    far as its title can be read) and what is wrong with it."""
    try:
        return _page(ElementTree.fromstring(element), namespaces or {})
    except ElementTree.ParseError as error:
        what = str(error).rsplit(": line ", 1)[0]
        line, column = error.position
        where = f"line {line}, column {column} of the page's XML"
        raise DumpFormatError(f"{title_of(element)}: not readable XML: {what} ({where})") from None
    except ValueError as error:
        raise DumpFormatError(f"{title_of(element)}: {error}") from None


def _page(page, namespaces: Mapping[str, int]) -> DumpPage:
    title, namespace, revisions = "", None, []
    for child in page:
        tag = _local(child.tag)
        if tag == "title":
            title = child.text or ""
        elif tag == "ns":
            namespace = _number(child.text, "<ns>")
        elif tag == "revision":
            revisions.append(_revision(child))
    if namespace is None:
        namespace = namespace_of(title, namespaces)
    if not revisions:
        return DumpPage(title, namespace, 0, "", default_model(namespace, title))
    keys = [(revision_id, timestamp, index) for index, (revision_id, timestamp, *_) in enumerate(revisions)]
    revision_id, _, text, model, content_format = revisions[latest_of(keys)]
    model = model or default_model(namespace, title)
    return DumpPage(title, namespace, revision_id or 0, text, model, content_format or _FORMATS.get(model, "text/plain"))


def _revision(revision) -> tuple[int | None, bytes, str, str, str]:
    """(id, timestamp, text, model, format) of a ``<revision>`` ("" for what it does not say)."""
    revision_id, timestamp, text, model, content_format = None, b"", "", "", ""
    for child in revision:
        tag = _local(child.tag)
        if tag == "id":
            revision_id = _number(child.text, "revision <id>")
        elif tag == "timestamp":
            timestamp = (child.text or "").strip().encode()
        elif tag == "text":
            text = child.text or ""
        elif tag == "model":
            model = (child.text or "").strip()
        elif tag == "format":
            content_format = (child.text or "").strip()
    return revision_id, timestamp, text, model, content_format


def latest_of(keys: list[tuple[int | None, bytes, int]]) -> int:
    """Of revisions as (id or None, timestamp, index), the index of the latest: the highest id, the
    timestamp breaking ties; by timestamp first when one has no id; of equals, the one listed last."""
    if all(revision_id is not None for revision_id, _, _ in keys):
        return max(keys)[2]
    return max((timestamp, revision_id or 0, index) for revision_id, timestamp, index in keys)[2]


def _number(text: str | None, what: str) -> int:
    try:
        return int(text or 0)
    except ValueError:
        raise ValueError(f"{what} is not a number: {text!r}") from None


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]
