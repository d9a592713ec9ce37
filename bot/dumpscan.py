"""Scan an XML dump: stream its pages, prefilter every page cheaply, analyse candidates on all cores.

The reader (expat via iterparse) and the prefilter run in this process; the full analysis runs
in a pool of worker processes, fed in bounded batches so memory stays flat whatever the dump's
size. Results come back in dump order, so the output is the same as scanning page by page.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice

from bot.core import analyze
from bot.core.model import PageResult
from bot.core.options import Options
from bot.core.prefilter import might_change
from bot.core.profile import SiteProfile
from bot.dump import DumpPage, iter_dump

BATCH = 256  # pages handed to the pool at a time: bounds memory, keeps both cores busy


@dataclass
class DumpStats:
    pages: int = 0
    candidates: int = 0
    bytes: int = 0  # UTF-8 size of the page texts read


def is_dump(path: str) -> bool:
    return path.endswith((".xml", ".xml.bz2", ".xml.gz"))


def scan_dump(
    path: str, profile: SiteProfile, options: Options, workers: int | None = None, stats: DumpStats | None = None
) -> Iterator[PageResult]:
    """The analysis of every candidate page of the dump (pages the prefilter rejects have none)."""
    stats = stats if stats is not None else DumpStats()
    candidates = _candidates(iter_dump(path), profile, stats)
    workers = workers or os.cpu_count() or 1
    if workers <= 1:
        for page in candidates:
            yield analyze(page.text, profile, options, title=page.title)
        return
    context = multiprocessing.get_context("fork")
    with context.Pool(workers, initializer=_init_worker, initargs=(profile, options)) as pool:
        while batch := list(islice(candidates, BATCH)):
            yield from pool.imap(_analyze, [(page.title, page.text) for page in batch], chunksize=1)


def _candidates(pages: Iterator[DumpPage], profile: SiteProfile, stats: DumpStats) -> Iterator[DumpPage]:
    for page in pages:
        stats.pages += 1
        stats.bytes += len(page.text.encode("utf-8"))
        if might_change(page.text, profile):
            stats.candidates += 1
            yield page


_worker: tuple[SiteProfile, Options] | None = None


def _init_worker(profile: SiteProfile, options: Options) -> None:
    global _worker  # one per worker process: the pool's initializer is the way to hand it over
    _worker = (profile, options)


def _analyze(item: tuple[str, str]) -> PageResult:
    assert _worker is not None
    title, text = item
    return analyze(text, _worker[0], _worker[1], title=title)
