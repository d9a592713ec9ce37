"""Chunks handed to the dump scan's workers through shared memory (bot.inputs.handoff): a slot is
reused only once its chunk is done, a chunk that fits no free slot goes through the pipe, and a
scan gives the same answer whichever way its chunks travel."""

from __future__ import annotations

import multiprocessing

from benchmarks.corpus import generate
from bot.core import ZH_WIKIPEDIA, Options
from bot.inputs import dumpscan
from bot.inputs.handoff import Handoff


def test_slots_are_reused_only_when_done_and_what_fits_none_goes_as_it_is():
    handoff = Handoff(2, 10)
    chunks = [b"a" * 5, b"b" * 11, b"c" * 10, b"d" * 4, b"e" * 3, b"f" * 2]
    handing = handoff.handing(chunks)
    first, too_big, second, no_slot_free = (next(handing) for _ in range(4))
    assert too_big == b"b" * 11 and no_slot_free == b"d" * 4  # (both slots held)
    assert isinstance(first, tuple) and isinstance(second, tuple) and first[0] != second[0]
    assert [handoff.taken(handed) for handed in (first, too_big, second, no_slot_free)] == chunks[:4]
    handoff.done()  # the first chunk's result is back: its slot serves the next chunk
    fifth = next(handing)
    assert fifth == (first[0], 3) and handoff.taken(fifth) == b"e" * 3
    assert handoff.taken(second) == b"c" * 10  # (still held: untouched)
    for _ in range(3):  # too_big, second, no_slot_free: done in the order handed
        handoff.done()
    assert isinstance(next(handing), tuple)


_shared: Handoff | None = None


def _taken(handed):
    assert _shared is not None
    return _shared.taken(handed)


def test_a_forked_worker_reads_what_was_handed_after_it_started():
    global _shared
    _shared = Handoff(1, 64)
    with multiprocessing.get_context("fork").Pool(1) as pool:  # forked before anything was written
        (handed,) = _shared.handing([b"written after the fork"])
        assert isinstance(handed, tuple) and pool.apply(_taken, (handed,)) == b"written after the fork"


class CountingHandoff(Handoff):
    """A handoff that counts the chunks it put in slots."""

    in_slots = 0

    def handing(self, chunks):
        for handed in super().handing(chunks):
            CountingHandoff.in_slots += isinstance(handed, tuple)
            yield handed


def test_a_scan_gives_the_same_answer_whichever_way_its_chunks_travel(tmp_path, monkeypatch):
    corpus = generate(tmp_path, pages=600, big_pages=0, page_size=1500, folder=False)
    monkeypatch.setattr(dumpscan, "Handoff", CountingHandoff)
    # Chunks of 64 KB read 16 KB at a time: thirty of them for six slots.
    monkeypatch.setattr("bot.inputs.dumpfile.READ_BYTES", 1 << 14)
    monkeypatch.setattr("bot.inputs.dump.page_chunks.__defaults__", (1 << 16, True))
    monkeypatch.setattr(dumpscan, "CHUNK_BYTES", 1 << 16)
    monkeypatch.setattr(dumpscan, "READ_BYTES", 1 << 14)
    in_slots = list(dumpscan.scan_dump(str(corpus.xml), ZH_WIKIPEDIA, Options(), workers=2))
    assert CountingHandoff.in_slots > 6  # (slots reused)
    monkeypatch.setattr(dumpscan, "CHUNK_BYTES", 1)  # no chunk fits a slot: all go through the pipe
    monkeypatch.setattr(dumpscan, "READ_BYTES", 0)
    CountingHandoff.in_slots = 0
    by_pipe = list(dumpscan.scan_dump(str(corpus.xml), ZH_WIKIPEDIA, Options(), workers=2))
    assert CountingHandoff.in_slots == 0
    one_process = list(dumpscan.scan_dump(str(corpus.xml), ZH_WIKIPEDIA, Options(), workers=1))
    assert in_slots == by_pipe == one_process
    assert sum(len(result.changes) for result in in_slots) == corpus.expected_changes
