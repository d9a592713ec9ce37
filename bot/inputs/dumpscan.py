"""Scan an XML dump on all cores: cut it into chunks of whole pages; in worker processes parse
each chunk, prefilter every page and analyse the candidates.

This process only reads and cuts (and decompresses a single-stream .bz2 or a .gz, which
cannot be split); the streams of a multistream .bz2 are decompressed by the workers too.
Chunks are handed out a few at a time, so memory stays flat whatever the dump's size, and
their results come back in dump order, so the output is the same as scanning page by page.
What a worker sends back for a candidate page is whatever ``examine`` makes of it (a line of
output, a title): pages are big, what is said about them is small.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import TypeVar

from bot.core import analyze
from bot.core.analyze import has_planned_change
from bot.core.model import PageResult
from bot.core.options import Options
from bot.core.prefilter import might_change, might_change_xml
from bot.core.profile import SiteProfile
from bot.errors import DumpFormatError, InputError, UnclosedDumpError
from bot.inputs.dump import CHUNK_BYTES, bz2_stream_groups, check_end, decompress_streams, is_multistream, page_chunks, split_pages
from bot.inputs.dumpfile import READ_BYTES, DumpKind, looks_like_dump, other_wiki, read_header, sniff, xml_blocks
from bot.inputs.dumppage import NO_TEXT, PAGE_CLOSE, PAGE_OPEN, TEXT, WIKITEXT, DumpPage, DumpProblem, DumpWarning
from bot.inputs.dumppage import page_items, parse_page
from bot.inputs.handoff import Handed, Handoff
from bot.inputs.limits import Bounded, Overrun, PageLimits

T = TypeVar("T")
TASKS_PER_WORKER = 2  # unfinished chunks per worker: keeps every core busy, bounds memory
BUFFERED = 4  # finished results kept waiting for an earlier, slower chunk: up to this many windows
POLL_SECONDS = 0.02
_END = object()


@dataclass
class DumpStats:
    pages: int = 0
    candidates: int = 0
    bytes: int = 0  # uncompressed XML read so far
    position: int = 0  # how far into the dump file (compressed or not) that is
    damaged: int = 0  # streams of a multistream .bz2 that could not be decompressed (each reported)
    listed: int = 0  # pages each given an item of their own (a candidate, a problem, a page not analysed)
    textless: int = 0  # pages whose latest revision has no text in the dump (a stub dump's): counted only

    def at(self, position: int) -> None:
        self.position = max(self.position, position)


@dataclass(frozen=True)
class _ChunkResult:
    pages: int
    candidates: int
    kept: list
    listed: int = 0
    textless: int = 0


@dataclass(frozen=True)
class _StreamsResult:
    end: int  # where the group ends in the dump file
    bytes: int  # XML decompressed
    head: bytes  # the end of a page begun in the previous group (or the dump's header)
    pages: _ChunkResult | None  # the group's whole pages, analysed
    tail: bytes  # the start of a page that ends in the next group
    unreadable: bool = False  # the group could not be decompressed: pages.kept says so


def is_dump(path: str) -> bool:
    """Whether ``scan`` reads ``path`` as a dump: by its name, else by its content."""
    return looks_like_dump(path)


def scan_dump(
    path: str,
    profile: SiteProfile,
    options: Options,
    workers: int | None = None,
    stats: DumpStats | None = None,
    examine: Callable[[DumpPage, SiteProfile, Options], T | None] | None = None,
    limits: PageLimits = PageLimits(),
) -> Iterator[T]:
    """``examine(page, profile, options)`` of every candidate page of the dump, in dump order
    (default: its full analysis; None is dropped; pages the prefilter rejects have nothing to
    change and are only counted); a ``DumpProblem`` for each part that cannot be read or a page
    over ``limits`` (the rest is still scanned), a ``NotAnalysed`` for a page that is not wikitext
    or whose text is hidden, a ``DumpWarning`` first if the dump is of another wiki. A dump that
    cannot be read on from some point (a truncated file, a corrupt single-stream .bz2) raises
    ``InputError`` once everything before it is yielded."""
    stats = stats if stats is not None else DumpStats()
    kind = sniff(path)
    header = read_header(path, kind)
    if (warning := other_wiki(header, profile.host, profile.hosts)) is not None:
        yield DumpWarning(warning)
    work = _Work(profile, options, examine or full_analysis, limits, header.namespace_ids())
    failure = None
    try:
        yield from _scanned(path, kind, work, workers or os.cpu_count() or 1, stats)
    except InputError as error:  # (after every page read before it)
        failure = error
    if stats.textless:
        yield DumpProblem(_textless(stats), pages=0)  # (counted as pages without text)
    if isinstance(failure, UnclosedDumpError):
        yield DumpWarning(failure.message)
    elif failure is not None:
        read = f"; the {stats.pages:,} page(s) before it were read" if stats.pages else ""
        raise InputError(failure.source, failure.message + read)
    if stats.pages == 0 and not stats.damaged:  # (damaged streams were reported: they are why)
        raise InputError(path, "no <page> in it: empty, or not a MediaWiki XML export")


def _textless(stats: DumpStats) -> str:
    if stats.textless == stats.pages:
        return f"the dump holds no page text (a stub dump?): none of its {stats.pages:,} page(s) could be analysed"
    return f"{stats.textless:,} page(s) have no text in the dump (stub revisions): not analysed"


@dataclass(frozen=True)
class _Work:
    """What is done to each page, in whichever process: the site, and what to make of a candidate."""

    profile: SiteProfile
    options: Options
    examine: Callable
    limits: PageLimits
    namespaces: dict[str, int] = field(default_factory=dict)

    def bounded(self) -> Bounded:
        """The candidates' examination, in a child process with the time limit (one per worker)."""
        return Bounded(self.limits.seconds, partial(self.examine, profile=self.profile, options=self.options))


def _scanned(path: str, kind: DumpKind, work: _Work, workers: int, stats: DumpStats) -> Iterator:
    # Read stream by stream (damage costs one stream) when the streams are UTF-8 XML as they are.
    streams = kind.compression == "bz2" and kind.plain and is_multistream(path)
    if workers <= 1:
        with work.bounded() as bounded:
            scan_chunk = partial(_scan_chunk_with, work, bounded)
            if streams:
                scan_group = partial(_scan_streams, path, scan_chunk=scan_chunk)
                groups = (_run(lambda group: scan_group(*group), group, path) for group in bz2_stream_groups(path))
                yield from _joined(groups, scan_chunk, stats, path)
                return
            for chunk in _counted(page_chunks(xml_blocks(path, stats.at, kind), path), stats):
                yield from _kept(_run(scan_chunk, chunk, path), stats)
        return
    context = multiprocessing.get_context("fork")
    window = workers * TASKS_PER_WORKER
    handoff = Handoff(window + 2, CHUNK_BYTES + 2 * READ_BYTES)  # (a chunk ends in the block that filled it)
    with context.Pool(workers, initializer=_init_worker, initargs=(work, handoff)) as pool, work.bounded() as bounded:
        if streams:
            tasks = _ordered(pool, partial(_scan_streams, path), bz2_stream_groups(path), window, path, star=True)
            yield from _joined(tasks, partial(_scan_chunk_with, work, bounded), stats, path)
            return
        chunks = _counted(page_chunks(xml_blocks(path, stats.at, kind), path), stats)
        for result in _ordered(pool, _scan_chunk, handoff.handing(chunks), window, path):
            handoff.done()
            yield from _kept(result, stats)


def _joined(groups: Iterable[list[_StreamsResult]], scan_chunk, stats: DumpStats, path: str) -> Iterator:
    """The results of groups of streams in order, with the pages cut across two groups (none in
    Wikimedia's dumps, whose streams hold whole pages) put together and analysed here."""
    carry = bytearray()
    after_gap = False  # the previous stream was unreadable: what continues from it is a fragment
    for result in itertools.chain.from_iterable(groups):
        stats.bytes += result.bytes
        stats.at(result.end)
        if result.unreadable:
            stats.damaged += 1
            end = carry.rfind(PAGE_CLOSE)  # the whole pages read before the damage (a page it cuts is lost with it)
            yield from _carried(bytes(carry[: end + len(PAGE_CLOSE)]) if end >= 0 else b"", scan_chunk, stats, path)
            yield from _kept(result.pages, stats)
            carry, after_gap = bytearray(), True
            continue
        head = result.head
        if after_gap:  # what continues a page the damaged stream held is a fragment; a page begun here is not
            start = head.find(PAGE_OPEN)
            head, after_gap = (head[start:], False) if start >= 0 else (b"", result.pages is None)
        carry += head
        if result.pages is None:  # no whole page: all of it continues
            continue
        yield from _carried(bytes(carry), scan_chunk, stats, path)
        yield from _kept(result.pages, stats)
        carry, after_gap = bytearray(result.tail), False
    yield from _carried(bytes(carry), scan_chunk, stats, path)
    rest = carry[carry.rfind(PAGE_CLOSE) + len(PAGE_CLOSE) :] if PAGE_CLOSE in carry else carry
    check_end(bytes(rest), path, None, closed=stats.pages > 0 and not stats.damaged)


def _carried(xml: bytes, scan_chunk, stats: DumpStats, path: str) -> Iterator:
    if PAGE_OPEN in xml:
        for chunk in page_chunks([xml], path, whole=False):
            yield from _kept(_run(scan_chunk, chunk, path), stats)


def _counted(chunks: Iterable[bytes], stats: DumpStats) -> Iterator[bytes]:
    for chunk in chunks:
        stats.bytes += len(chunk)
        yield chunk


def _kept(result: _ChunkResult, stats: DumpStats) -> Iterator:
    stats.pages += result.pages
    stats.candidates += result.candidates
    stats.listed += result.listed
    stats.textless += result.textless
    yield from (item for item in result.kept if item is not None)


def _ordered(pool, function, items: Iterable, window: int, path: str, star: bool = False) -> Iterator:
    """``function`` over ``items`` in the pool, results in order, with ``window`` tasks unfinished
    at most. Finished results wait for their turn (up to ``BUFFERED`` windows' worth), so one slow
    task (a chunk of 500 KB pages) does not leave the other workers idle. (``Pool.imap`` would pull
    every item at once: the whole dump.)"""
    pending: deque = deque()
    items = iter(items)
    exhausted, failure = False, None
    while True:
        while not exhausted and len(pending) < window * BUFFERED and _unfinished(pending) < window:
            try:
                item = next(items, _END)
            except InputError as error:  # the dump cannot be read on: first finish what was read
                item, failure = _END, error
            if item is _END:
                exhausted = True
                break
            pending.append(pool.apply_async(function, item if star else (item,)))
        if not pending:
            if failure is not None:
                raise failure
            return
        pending[0].wait(POLL_SECONDS)  # then top up again: a later task may have finished meanwhile
        if pending[0].ready():
            yield _result(pending.popleft(), path)


def _unfinished(tasks: deque) -> int:
    return sum(1 for task in tasks if not task.ready())


def _result(task, path: str):
    return _run(lambda _: task.get(), None, path)


def _run(function, item, path: str):
    """``function(item)``, where a dump that cannot be read (unreadable XML, a bad or truncated
    .bz2, in this process or a worker) becomes the one-line input error."""
    try:
        return function(item)
    except (DumpFormatError, OSError, EOFError) as error:
        raise InputError(path, str(error)) from None


def full_analysis(page: DumpPage, profile: SiteProfile, options: Options) -> PageResult:
    return analyze(page.text, profile, options, title=page.title)


def title_if_changes_planned(page: DumpPage, profile: SiteProfile, options: Options) -> str | None:
    """The page's title if its analysis plans a link change, before the final checks. The checks
    only ever drop changes, so these titles are a superset of the pages a full analysis would
    change (the same pages, in practice), found without the checks' second parse: a preselection
    for a live run, which analyses each page in full again."""
    return page.title if has_planned_change(page.text, profile, options) else None


_worker: tuple[_Work, Bounded] | None = None
_handoff: Handoff | None = None


def _init_worker(work: _Work, handoff: Handoff) -> None:
    global _worker, _handoff  # one per worker process: the pool's initializer is the way to hand it over (forked, not pickled)
    _worker = (work, work.bounded())  # its child is started at the first candidate, ended with the worker
    _handoff = handoff
    # Ctrl-C is the main process's to handle (one line, exit 130): workers die with the pool.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _scan_chunk(chunk: Handed) -> _ChunkResult:
    assert _worker is not None and _handoff is not None
    return _scan_chunk_with(*_worker, _handoff.taken(chunk))


def _scan_streams(path: str, offset: int, length: int, scan_chunk=None) -> list[_StreamsResult]:
    """Decompress one group of bzip2 streams and scan its whole pages (in a worker, or with
    ``scan_chunk`` in this process): a result for each run of readable streams, and one for each
    damaged stream (reported, its pages skipped)."""
    scan_chunk = scan_chunk or _scan_chunk
    end = offset + length
    results = []
    for piece in decompress_streams(path, offset, length):
        if isinstance(piece, DumpProblem):
            results.append(_StreamsResult(end, 0, b"", _ChunkResult(0, 0, [piece]), b"", unreadable=True))
            continue
        parts = split_pages(piece)
        if parts is None:
            results.append(_StreamsResult(end, len(piece), piece, None, b""))
            continue
        head, pages, tail = parts
        results.append(_StreamsResult(end, len(piece), head, scan_chunk(pages), tail))
    return results


def _scan_chunk_with(work: _Work, bounded: Bounded, chunk: bytes) -> _ChunkResult:
    """Prefilter the pages of one chunk on their raw XML, parse and prefilter the text of those
    that pass, examine the candidates (in one batch). A page that cannot be parsed, or is over
    the limits, becomes a ``DumpProblem``; one the prefilter clears is never parsed (nothing in it
    would change, readable or not)."""
    entries, pages, textless = _candidates(work, chunk)
    candidates = [item for entry in entries if isinstance(entry, tuple) and isinstance(item := entry[1], DumpPage)]
    examined = iter(bounded.map([((page,), {}) for page in candidates]))
    kept = []
    for entry in entries:
        if not isinstance(entry, tuple):
            kept.append(entry)
            continue
        title, item = entry
        result = next(examined) if isinstance(item, DumpPage) else item
        kept.append(DumpProblem(f"page {title!r}: not analysed: {result.reason}") if isinstance(result, Overrun) else result)
    return _ChunkResult(pages, sum(isinstance(entry, tuple) for entry in entries), kept, len(entries), textless)


def _candidates(work: _Work, chunk: bytes) -> tuple[list, int, int]:
    """(entries, pages, pages without text): in dump order, an entry for each page to report (a
    ``DumpProblem`` for one that cannot be read, a ``NotAnalysed``) and (title, page, or the
    ``Overrun`` of a page over the size limit) for each candidate."""
    entries: list = []
    pages = textless = 0
    for item in page_items(chunk, work.namespaces):
        pages += 1
        if isinstance(item, DumpProblem):
            entries.append(item)
        elif item.text == NO_TEXT:  # a stub's pages are only counted (a stub dump has nothing else)
            textless += 1
        elif item.text != TEXT or item.model != WIKITEXT:
            entries.append(item.why_not_analysed())
        elif might_change_xml(item.xml, work.profile, work.options):
            entries += _parsed(work, item.xml)
    return entries, pages, textless


def _parsed(work: _Work, xml: bytes) -> list:
    """A candidate page parsed: nothing if its text has nothing to change after all."""
    try:
        page = parse_page(xml, work.namespaces)
    except DumpFormatError as error:
        return [DumpProblem(str(error))]
    if not might_change(page.text, work.profile, work.options):
        return []
    # The text is never longer in UTF-8 than its escaped XML: most pages need no encoding.
    return [(page.title, work.limits.oversize(page.text, len(xml)) or page)]
