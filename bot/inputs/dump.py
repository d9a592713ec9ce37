"""Read a MediaWiki XML export (plain, .gz, .bz2 or multistream .bz2) as chunks of whole pages.

(Opening the file, whatever its name, compression and encoding, is ``dumpfile``'s; reading one
page of a chunk is ``dumppage``'s.)

The dump is cut into chunks of a few MB, each ending at a ``</page>``, so that worker
processes can parse and analyse chunks side by side and memory stays flat whatever the
dump's size. Cutting on bytes is exact: ``<page>`` and ``</page>`` cannot occur inside a
page's escaped text. A multistream .bz2 (what Wikimedia publishes: streams of 100 pages)
is split at its stream headers so that the streams are decompressed in parallel too.
"""

from __future__ import annotations

import bz2
from collections.abc import Iterable, Iterator
from pathlib import Path

from bot.errors import DumpFormatError, InputError, UnclosedDumpError
from bot.inputs.dumpfile import read_header, sniff, xml_blocks
from bot.inputs.dumppage import PAGE_CLOSE, PAGE_OPEN, DumpPage, DumpProblem, NotAnalysed, page_items, parse_page, title_of

CHUNK_BYTES = 4 << 20  # XML per chunk: big enough to amortise a task, small enough for flat memory
READ_BYTES = 1 << 20
STREAM_GROUP_BYTES = 256 << 10  # compressed bytes per task: a few MB of XML
# A bzip2 stream header ("BZh" + block size) followed by the first block's magic (pi in BCD):
# streams are byte-aligned, blocks within a stream are not, so this finds stream starts only.
_BZ2_STREAM_MAGIC = b"1AY&SY"
_BLOCK_SIZES = frozenset(str(size).encode() for size in range(1, 10))
ROOT_CLOSE = b"</mediawiki>"


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
            pieces.append(_lost(offset + position, offset + len(data), _unfinished(path, offset + len(data))))
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


def page_chunks(blocks: Iterable[bytes], source: str, size: int = CHUNK_BYTES, whole: bool = True) -> Iterator[bytes]:
    """The XML of whole ``<page>`` elements, about ``size`` bytes at a time (the header and the
    closing tag are dropped: they hold no page). When ``blocks`` cannot be read on (a file that
    ends early, damaged data), the whole pages read are given first, then the error says which page
    was cut; so does a dump that ends inside a page, or (``whole``: the blocks are the whole dump)
    without its closing tag."""
    pending = bytearray()
    seen_page, failure, last = False, None, b""
    try:
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
                yield (last := bytes(pending[:end]))
                del pending[:end]
    except InputError as error:
        failure = error
    end = pending.rfind(PAGE_CLOSE)
    if end >= 0:
        end += len(PAGE_CLOSE)
        yield (last := bytes(pending[:end]))
        del pending[:end]
    check_end(bytes(pending), source, failure, whole and seen_page, last[last.rfind(PAGE_OPEN) :])


def check_end(rest: bytes, source: str, failure: InputError | None, closed: bool, last: bytes = b"") -> None:
    """Raise what is wrong with the end of a dump: ``rest`` is what follows its last whole page
    (``last``, if known); ``closed``: whether its closing tag must be there."""
    start = rest.find(PAGE_OPEN)
    cut = f", inside {title_of(rest[start:])}" if start >= 0 else ""
    if failure is not None:
        raise InputError(failure.source, failure.message + cut)
    if cut:
        raise InputError(source, f"the file ends early{cut}")
    if closed and ROOT_CLOSE not in rest:
        after = f"after {title_of(last)}" if last else "after its last page"
        raise UnclosedDumpError(source, f"warning: no {ROOT_CLOSE.decode()} at the end of the file: it may be cut off {after}")


def _unfinished(path: str, end: int) -> str:
    """Why a bzip2 stream that stops before its end could not be read: said plainly when it is
    the file's end."""
    if end >= Path(path).stat().st_size:
        return "the file ends early, inside this stream: a cut-off file?"
    return "the stream stops before its end"


def dump_pages(path: str) -> Iterator[DumpPage | NotAnalysed | DumpProblem]:
    """Every page of a dump as its latest revision has it, in order, read in this process with no
    prefilter (for tools and tests; a scan reads on all cores): a ``NotAnalysed`` for a page
    without text or not wikitext, a ``DumpProblem`` for one that cannot be read. ``InputError``
    when the dump cannot be read on (after every page before)."""
    kind = sniff(path)
    namespaces = read_header(path, kind).namespace_ids()
    for chunk in page_chunks(xml_blocks(path, kind=kind), path):
        for item in page_items(chunk, namespaces):
            if isinstance(item, DumpProblem):
                yield item
            elif (why := item.why_not_analysed()) is not None:
                yield why
            else:
                try:
                    yield parse_page(item.xml, namespaces)
                except DumpFormatError as error:
                    yield DumpProblem(str(error))
