"""Read a MediaWiki XML export (plain, .gz, .bz2 or multistream .bz2) as chunks of whole pages.

The dump is cut into chunks of a few MB, each ending at a ``</page>``, so that worker
processes can parse and analyse chunks side by side and memory stays flat whatever the
dump's size. Cutting on bytes is exact: ``<page>`` and ``</page>`` cannot occur inside a
page's escaped text. A multistream .bz2 (what Wikimedia publishes: streams of 100 pages)
is split at its stream headers so that the streams are decompressed in parallel too.
"""

from __future__ import annotations

import bz2
import gzip
import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from bot.errors import DumpFormatError, InputError

CHUNK_BYTES = 4 << 20  # XML per chunk: big enough to amortise a task, small enough for flat memory
READ_BYTES = 1 << 20
STREAM_GROUP_BYTES = 256 << 10  # compressed bytes per task: a few MB of XML
# A bzip2 stream header ("BZh" + block size) followed by the first block's magic (pi in BCD):
# streams are byte-aligned, blocks within a stream are not, so this finds stream starts only.
_BZ2_STREAM_MAGIC = b"1AY&SY"
_BLOCK_SIZES = frozenset(str(size).encode() for size in range(1, 10))
PAGE_OPEN, PAGE_CLOSE = b"<page>", b"</page>"


@dataclass(frozen=True)
class DumpPage:
    title: str
    namespace: int
    revision_id: int
    text: str


@dataclass(frozen=True)
class DumpProblem:
    """Part of a dump that could not be read (one page, or a range of compressed bytes): it is
    skipped and reported, and the rest of the dump is still scanned."""

    message: str


def xml_blocks(path: str, at: Callable[[int], None] | None = None) -> Iterator[bytes]:
    """The dump's uncompressed XML, a block at a time, read in this process; ``at`` is told how far
    into the dump file (compressed or not) each block ends."""
    try:
        with open(path, "rb") as raw:
            stream = raw
            if path.endswith(".bz2"):
                stream = bz2.BZ2File(raw)
            elif path.endswith(".gz"):
                stream = gzip.GzipFile(fileobj=raw)
            while block := stream.read(READ_BYTES):
                if at is not None:
                    at(raw.tell())
                yield block
    except FileNotFoundError:
        raise InputError(path, "no such dump file") from None
    except (OSError, EOFError) as error:
        raise InputError(path, f"cannot read the dump: {error}") from None


def is_multistream(path: str) -> bool:
    """Whether a .bz2 file holds several streams (looked for in its first 32 MB)."""
    starts = _bz2_stream_starts(path, limit=32 << 20)
    return next(starts, None) == 0 and next(starts, None) is not None


def bz2_stream_groups(path: str) -> Iterator[tuple[int, int]]:
    """(offset, length) ranges of whole bzip2 streams, about ``STREAM_GROUP_BYTES`` each."""
    size = Path(path).stat().st_size
    group_start = 0
    for start in _bz2_stream_starts(path):
        if start - group_start >= STREAM_GROUP_BYTES:
            yield group_start, start - group_start
            group_start = start
    yield group_start, size - group_start


def _bz2_stream_starts(path: str, limit: int | None = None) -> Iterator[int]:
    overlap = len(_BZ2_STREAM_MAGIC) + 4
    try:
        with open(path, "rb") as stream:
            base, tail = 0, b""
            while (limit is None or base < limit) and (block := stream.read(READ_BYTES * 8)):
                data = tail + block
                position = data.find(_BZ2_STREAM_MAGIC)
                while position >= 0:
                    header = data[position - 4 : position]
                    # A match wholly inside the tail was found in the previous block already.
                    fresh = position + len(_BZ2_STREAM_MAGIC) > len(tail)
                    if fresh and position >= 4 and header[:3] == b"BZh" and header[3:] in _BLOCK_SIZES:
                        yield base - len(tail) + position - 4
                    position = data.find(_BZ2_STREAM_MAGIC, position + 1)
                tail = data[-overlap:]
                base += len(block)
    except FileNotFoundError:
        raise InputError(path, "no such dump file") from None
    except OSError as error:
        raise InputError(path, f"cannot read the dump: {error}") from None


def decompress_streams(path: str, offset: int, length: int) -> list[bytes | DumpProblem]:
    """One group of whole bzip2 streams, decompressed stream by stream (run in a worker): the XML of
    the readable streams in order, a ``DumpProblem`` with its byte range for each damaged one (and
    the streams after it still read). (``bz2.decompress`` would quietly drop everything after the
    first bad stream of the group.)"""
    with open(path, "rb") as stream:
        stream.seek(offset)
        data = stream.read(length)
    pieces: list[bytes | DumpProblem] = []
    position = 0
    while position < len(data):
        decompressor = bz2.BZ2Decompressor()
        try:
            xml = decompressor.decompress(data[position:])
        except OSError as error:
            end = _next_stream(data, position + 1)
            pieces.append(_lost(offset + position, offset + end, str(error)))
            position = end
            continue
        if not decompressor.eof:
            pieces.append(_lost(offset + position, offset + len(data), "the stream ends before its end: a cut-off file?"))
            break
        if pieces and isinstance(pieces[-1], bytes):
            pieces[-1] += xml  # streams that follow each other: one piece of XML
        else:
            pieces.append(xml)
        position = len(data) - len(decompressor.unused_data)
    return pieces


def _lost(start: int, end: int, why: str) -> DumpProblem:
    return DumpProblem(f"bytes {start}-{end} cannot be decompressed ({why}): their pages are skipped")


def _next_stream(data: bytes, start: int) -> int:
    """Where the next bzip2 stream after ``start`` begins in ``data`` (its end when none does)."""
    position = data.find(_BZ2_STREAM_MAGIC, start + 4)
    while position >= 0:
        header = data[position - 4 : position]
        if header[:3] == b"BZh" and header[3:] in _BLOCK_SIZES:
            return position - 4
        position = data.find(_BZ2_STREAM_MAGIC, position + 1)
    return len(data)


def split_pages(xml: bytes) -> tuple[bytes, bytes, bytes] | None:
    """(head, whole pages, tail) of a piece of XML cut anywhere: the head and the tail are the
    parts of pages (or the header) that continue in the neighbouring pieces; None when the piece
    holds no whole page."""
    first = xml.find(PAGE_OPEN)
    last = xml.rfind(PAGE_CLOSE)
    if first < 0 or last < first:
        return None
    last += len(PAGE_CLOSE)
    return xml[:first], xml[first:last], xml[last:]


def page_chunks(blocks: Iterable[bytes], source: str, size: int = CHUNK_BYTES) -> Iterator[bytes]:
    """The XML of whole ``<page>`` elements, about ``size`` bytes at a time (the header and the
    closing tag are dropped: they hold no page)."""
    pending = bytearray()
    seen_page = False
    for block in blocks:
        pending += block
        if not seen_page:
            first = pending.find(PAGE_OPEN)
            if first < 0:
                del pending[: max(len(pending) - len(PAGE_OPEN), 0)]  # keep a tag cut in two
                continue
            del pending[:first]
            seen_page = True
        if len(pending) >= size and (end := pending.rfind(PAGE_CLOSE)) >= 0:
            end += len(PAGE_CLOSE)
            yield bytes(pending[:end])
            del pending[:end]
    end = pending.rfind(PAGE_CLOSE)
    if end >= 0:
        end += len(PAGE_CLOSE)
        yield bytes(pending[:end])
        del pending[:end]
    if PAGE_OPEN in pending:
        raise InputError(source, "the dump ends inside a page (truncated?)")


def page_elements(chunk: bytes) -> list[bytes]:
    """The ``<page>...</page>`` elements of a chunk, as bytes."""
    elements = []
    start = chunk.find(PAGE_OPEN)
    while start >= 0:
        end = chunk.find(PAGE_CLOSE, start)
        if end < 0:
            raise DumpFormatError("cannot read the XML dump: a page is not closed")
        end += len(PAGE_CLOSE)
        elements.append(chunk[start:end])
        start = chunk.find(PAGE_OPEN, end)
    return elements


def parse_page(element: bytes) -> DumpPage:
    """One ``<page>`` element, with its last revision's text. ``DumpFormatError`` names the page
    (as far as its title can be read) and what is wrong with it."""
    try:
        page = ElementTree.fromstring(element)
        return _page(page)
    except ElementTree.ParseError as error:
        what = str(error).rsplit(": line ", 1)[0]
        line, column = error.position
        where = f"line {line}, column {column} of the page's XML"
        raise DumpFormatError(f"{_title_of(element)}: not readable XML: {what} ({where})") from None
    except ValueError as error:
        raise DumpFormatError(f"{_title_of(element)}: {error}") from None


def _page(page) -> DumpPage:
    title, namespace, revision = "", 0, None
    for child in page:
        tag = _local(child.tag)
        if tag == "title":
            title = child.text or ""
        elif tag == "ns":
            namespace = _number(child.text, "<ns>")
        elif tag == "revision":
            revision = child  # the last one is the latest (full-history dumps list them oldest first)
    revision_id, text = 0, ""
    if revision is not None:
        for child in revision:
            tag = _local(child.tag)
            if tag == "id":
                revision_id = _number(child.text, "revision <id>")
            elif tag == "text":
                text = child.text or ""
    return DumpPage(title, namespace, revision_id, text)


def _number(text: str | None, what: str) -> int:
    try:
        return int(text or 0)
    except ValueError:
        raise ValueError(f"{what} is not a number: {text!r}") from None


def _title_of(element: bytes) -> str:
    found = _TITLE.search(element)
    return f"page {found.group(1).decode('utf-8', 'replace')!r}" if found else "a page without a readable title"


_TITLE = re.compile(rb"<title>([^<]{1,255})<")


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]
