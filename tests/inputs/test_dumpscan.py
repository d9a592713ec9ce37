"""XML dump scanning: the same proposals as scanning the pages one by one, in flat memory."""

from __future__ import annotations

import bz2
import gzip
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from xml.sax.saxutils import escape

from benchmarks.corpus import generate
from bot.cli import EXIT_INPUT, EXIT_INTERRUPTED, EXIT_OK, main

ROOT = Path(__file__).resolve().parents[2]


def scan_json(*argv: str) -> dict[str, list]:
    out = io.StringIO()
    assert main(["scan", "--format", "json", "--no-summary", *argv], stdout=out, stderr=io.StringIO(), environ={}) == EXIT_OK
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    return {record["page"].rsplit("#", 1)[-1].removesuffix(".txt").rsplit("/", 1)[-1]: record["changes"] for record in records if record["changes"]}


def test_dump_gives_the_same_proposals_as_the_pages(tmp_path):
    corpus = generate(tmp_path, pages=80, big_pages=1, page_size=1500)
    gz = tmp_path / "dump.xml.gz"
    gz.write_bytes(gzip.compress(corpus.xml.read_bytes()))
    from_pages = scan_json(str(corpus.folder))
    assert sum(len(changes) for changes in from_pages.values()) == corpus.expected_changes
    # Streams cut anywhere (as pbzip2 writes them), not at pages: pages span two groups of streams.
    cut = tmp_path / "cut.xml.bz2"
    xml = corpus.xml.read_bytes()
    cut.write_bytes(b"".join(bz2.compress(xml[i : i + 3000]) for i in range(0, len(xml), 3000)))
    for dump in (corpus.xml, corpus.bz2, corpus.multistream, cut, gz):
        assert scan_json("--workers", "2", str(dump)) == from_pages, dump.name
    assert scan_json("--workers", "1", str(corpus.xml)) == from_pages


def test_multistream_is_split_at_its_streams(tmp_path):
    from bot.inputs.dump import bz2_stream_groups, is_multistream

    corpus = generate(tmp_path, pages=250, big_pages=0, page_size=1500, folder=False)
    assert is_multistream(str(corpus.multistream)) and not is_multistream(str(corpus.bz2))
    groups = list(bz2_stream_groups(str(corpus.multistream)))
    # Contiguous and whole: together they are the file, and each decompresses on its own.
    assert groups[0][0] == 0 and sum(length for _, length in groups) == corpus.multistream.stat().st_size
    assert all(a + la == b for (a, la), (b, _) in zip(groups, groups[1:]))
    data = corpus.multistream.read_bytes()
    assert b"".join(bz2.decompress(data[a : a + la]) for a, la in groups) == corpus.xml.read_bytes()


def test_a_truncated_or_corrupt_dump_is_one_error_line(tmp_path):
    corpus = generate(tmp_path, pages=30, big_pages=0, page_size=800, folder=False)
    xml = corpus.xml.read_bytes()
    everything = scan_json(str(corpus.xml))
    truncated = tmp_path / "truncated.xml"
    truncated.write_bytes(xml[: xml.rindex(b"<page>") + 40])
    corrupt = tmp_path / "corrupt.xml.bz2"
    corrupt.write_bytes(corpus.bz2.read_bytes()[:4000] + b"garbage" * 100)
    broken = tmp_path / "broken.xml"  # a page that must be read (it has something to change) is malformed
    candidate = next(page for page in xml.split(b"<page>")[1:] if b"](" in page)
    broken.write_bytes(xml.replace(candidate, candidate.replace(b"</title>", b"</titel>"), 1))
    for dump, message in ((truncated, f"the file ends early, inside page {_last_title(xml)!r}; the 29 page(s) before it were read"), (corrupt, "the file ends early: its bz2 data stops unfinished at byte 4,700"), (broken, "not readable XML")):
        for workers in ("1", "2"):
            out, err = io.StringIO(), io.StringIO()
            code = main(["scan", "--format", "json", "--no-summary", "--workers", workers, str(dump), str(corpus.xml)], stdout=out, stderr=err, environ={})
            assert code == EXIT_INPUT, (dump.name, err.getvalue())
            lines = err.getvalue().splitlines()
            assert len(lines) == 1 and lines[0].startswith(f"linkbot: {dump}: ") and message in lines[0], lines
            assert "Traceback" not in err.getvalue()
            # The other dump on the command line is still scanned in full; of this one, every
            # page that could be read is.
            records = [json.loads(line) for line in out.getvalue().splitlines()]
            assert sum(len(r["changes"]) for r in records if r["page"].startswith(f"{corpus.xml}#")) == corpus.expected_changes
            if dump is not corrupt:
                scanned = {r["page"].rsplit("#", 1)[1] for r in records if r["page"].startswith(f"{dump}#") and r["changes"]}
                lost = _last_title(xml) if dump is truncated else _titles(candidate).pop()
                readable = set(everything) - {lost}
                assert scanned == readable, dump.name


def _last_title(xml: bytes) -> str:
    return xml.rsplit(b"<title>", 1)[1].split(b"</title>")[0].decode()


def test_memory_stays_flat_on_a_large_dump(tmp_path):
    """250 MB of XML (mostly clean 100 KB pages, a few candidates): the scan stays well under 200 MB."""
    clean = escape(("正文段落，[[北京]]与[[上海|沪]]。<ref>{{cite web|url=https://zh.wikipedia.org/wiki/X}}</ref> " * 800)[:100_000])
    broken = clean[:50_000] + escape('[A](../Page/A.md "wikilink")')
    dump = tmp_path / "large.xml"
    with dump.open("w", encoding="utf-8") as xml:
        xml.write('<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.10/">\n')
        for number in range(2700):
            text = broken if number % 100 == 0 else clean
            xml.write(f"<page><title>P{number}</title><ns>0</ns><id>{number}</id><revision><id>{number}</id>"
                      f"<text>{text}</text></revision></page>\n")  # fmt: skip
        xml.write("</mediawiki>\n")
    assert dump.stat().st_size > 250_000_000
    # A fresh wrapper process: its children's peak is the scan's (and its workers'), nobody else's.
    wrapper = (
        "import resource, subprocess, sys\n"
        "scan = subprocess.run([sys.executable, '-m', 'bot', 'scan', '--format', 'json', '--no-summary',"
        " '--workers', '2', sys.argv[1]], capture_output=True, text=True)\n"
        "print(scan.returncode, len(scan.stdout.splitlines()), resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    process = subprocess.run([sys.executable, "-c", wrapper, str(dump)], capture_output=True, text=True, cwd=ROOT, timeout=600)
    code, records, peak_kb = map(int, process.stdout.split())
    assert (code, records) == (EXIT_OK, 27), process.stderr[-2000:]
    assert peak_kb / 1024 < 200, peak_kb


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_on_a_terminal_only(tmp_path):
    corpus = generate(tmp_path, pages=40, big_pages=0, page_size=800, folder=False)
    terminal = _Terminal()
    assert main(["scan", "--workers", "1", str(corpus.xml)], stdout=io.StringIO(), stderr=terminal, environ={}) == EXIT_OK
    assert terminal.getvalue().endswith("\n")  # the status line is closed at the end
    quiet = _Terminal()
    main(["scan", "--format", "json", str(corpus.xml)], stdout=io.StringIO(), stderr=quiet, environ={})
    assert quiet.getvalue() == ""  # JSON mode: no progress line


def test_progress_line(tmp_path):
    from bot.commands.local import Progress
    from bot.inputs.dumpscan import DumpStats
    from bot.present.report import Tally

    dump = tmp_path / "d.xml"
    dump.write_bytes(b"x" * 10_000_000)
    stats = DumpStats(pages=120, candidates=30, bytes=2_000_000, position=2_000_000)
    terminal = _Terminal()
    progress = Progress(terminal, str(dump), stats, every=0)
    tally = Tally()
    tally.changes["md-url"] = 7
    progress.update(tally)
    line = terminal.getvalue()
    assert line.startswith("\r120 pages, ") and "MB/s, 7 changes, ETA " in line
    # A fifth of the file in so much time: four times as long again.
    started = progress.started
    progress.started = started - 10
    progress.update(tally)
    assert terminal.getvalue().rstrip().endswith("ETA 40 s")


def test_titles_of_a_dump_are_the_pages_with_changes(tmp_path):
    corpus = generate(tmp_path, pages=80, big_pages=0, page_size=1500)
    changed = set(scan_json(str(corpus.folder)))
    for dump, workers in ((corpus.xml, "2"), (corpus.multistream, "2"), (corpus.bz2, "1")):
        out = io.StringIO()
        assert main(["scan", "--format", "titles", "--workers", workers, str(dump)], stdout=out, stderr=io.StringIO(), environ={}) == EXIT_OK
        assert set(out.getvalue().splitlines()) == changed
    # Files: their paths, for the same pages.
    out = io.StringIO()
    main(["scan", "--format", "titles", str(corpus.folder)], stdout=out, stderr=io.StringIO(), environ={})
    assert {Path(line).stem for line in out.getvalue().splitlines()} == changed


def _page_xml(title: str, text: str, namespace: str = "0", revision: str = "1") -> str:
    return (f"<page><title>{title}</title><ns>{namespace}</ns><id>1</id><revision><id>{revision}</id>"
            f"<text>{text}</text></revision></page>\n")  # fmt: skip


def _scan(*argv: str) -> tuple[int, list[dict], list[str]]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["scan", "--format", "json", "--no-summary", *argv], stdout=out, stderr=err, environ={})
    assert "Traceback" not in err.getvalue()
    return code, [json.loads(line) for line in out.getvalue().splitlines()], err.getvalue().splitlines()


def test_an_unreadable_page_is_reported_and_the_rest_scanned(tmp_path):
    link = escape('[B](../Page/B.md "wikilink")')
    dump = tmp_path / "pages.xml"
    dump.write_text(
        '<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.10/">\n'
        + _page_xml("Bad ns", link, namespace="main")
        + _page_xml("Good one", link)
        + _page_xml("Bad entity", link + " &bogus;")
        + _page_xml("Bad revision", link, revision="12a")
        + _page_xml("Good two", link)
        + "</mediawiki>\n",
        encoding="utf-8",
    )
    for workers in ("1", "2"):
        code, records, errors = _scan("--workers", workers, str(dump))
        assert code == EXIT_INPUT
        assert errors == [
            f"linkbot: {dump}: page 'Bad ns': <ns> is not a number: 'main'",
            f"linkbot: {dump}: page 'Bad entity': not readable XML: undefined entity (line 1, column 106 of the page's XML)",
            f"linkbot: {dump}: page 'Bad revision': revision <id> is not a number: '12a'",
        ], errors
        assert [r["page"].rsplit("#", 1)[1] for r in records if r["status"] == "changed"] == ["Good one", "Good two"]
        assert sum(r["status"] == "error" for r in records) == 3


def test_a_file_without_pages_is_reported(tmp_path):
    empty, html, header = tmp_path / "empty.xml", tmp_path / "page.xml", tmp_path / "header.xml.gz"
    empty.write_bytes(b"")
    html.write_text("<html><body>not a dump</body></html>\n")
    header.write_bytes(gzip.compress(b'<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.10/">\n</mediawiki>\n'))
    for dump in (empty, html, header):
        for workers in ("1", "2"):
            code, _, errors = _scan("--workers", workers, str(dump))
            assert (code, errors) == (EXIT_INPUT, [f"linkbot: {dump}: no <page> in it: empty, or not a MediaWiki XML export"])


def _titles(xml: bytes) -> set[str]:
    return {part.split(b"</title>")[0].decode() for part in xml.split(b"<title>")[1:]}


def test_a_damaged_stream_of_a_multistream_dump_loses_only_its_pages(tmp_path, monkeypatch):
    monkeypatch.setattr("bot.inputs.dump.STREAM_GROUP_BYTES", 1)  # every stream a task of its own
    from bot.inputs.dump import bz2_stream_groups

    corpus = generate(tmp_path, pages=400, big_pages=0, page_size=1200)
    everything = scan_json(str(corpus.folder))
    data = corpus.multistream.read_bytes()
    groups = list(bz2_stream_groups(str(corpus.multistream)))
    assert len(groups) == 6  # the header, four streams of 100 pages, the closing tag
    offset, length = groups[2]
    damaged = tmp_path / "damaged.xml.bz2"
    damaged.write_bytes(data[: offset + length // 2] + b"\0" * 64 + data[offset + length // 2 + 64 :])
    cut = tmp_path / "cut.xml.bz2"  # a download that stopped in the last stream of pages
    offset_last, length_last = groups[4]
    cut.write_bytes(data[: offset_last + length_last // 2])
    for dump, lost in ((damaged, groups[2]), (cut, groups[4])):
        code, records, errors = _scan("--workers", "2", str(dump))
        start, size = lost
        assert code == EXIT_INPUT
        assert len(errors) == 1, errors
        end = min(start + size, dump.stat().st_size)
        assert errors[0].startswith(f"linkbot: {dump}: bytes {start}-{end} cannot be decompressed (")
        assert errors[0].endswith("): their pages are skipped")
        gone = _titles(bz2.decompress(data[start : start + size]))
        found = {r["page"].rsplit("#", 1)[1]: r["changes"] for r in records if r.get("changes")}
        assert found == {title: changes for title, changes in everything.items() if title not in gone}
        assert gone & set(everything)  # the test loses some pages with changes, not only clean ones


def test_ctrl_c_stops_a_dump_scan_with_one_line(tmp_path):
    links = escape(" ".join(f'[L{n}](../Page/L{n}.md "wikilink")' for n in range(150)))
    dump = tmp_path / "big.xml"
    with dump.open("w", encoding="utf-8") as xml:
        xml.write('<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.10/">\n')
        xml.writelines(_page_xml(f"P{number}", links) for number in range(6000))
        xml.write("</mediawiki>\n")
    scan = subprocess.Popen(
        [sys.executable, "-m", "bot", "scan", "--workers", "2", str(dump)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip
    assert scan.stdout.readline()  # scanning: diffs are coming
    os.killpg(scan.pid, signal.SIGINT)  # what a terminal's Ctrl-C does: the whole process group
    scan.stdout.read()
    assert scan.wait(timeout=60) == EXIT_INTERRUPTED
    assert scan.stderr.read().decode() == "linkbot: interrupted\n"
    assert _group_ends(scan.pid, within=10)  # no worker (nor a worker's analysis process) left behind


def _group_ends(group: int, within: float) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)  # killed processes are reaped by init a moment later
    return False


def test_damaged_streams_anywhere_in_a_group_lose_only_their_pages(tmp_path):
    """Groups of several streams (as they are read by default): a damaged first, middle and last
    stream each lose only their own pages, each is reported with its byte range, the exit code
    says so; one worker or two."""
    from bot.inputs.dump import _bz2_stream_starts

    corpus = generate(tmp_path, pages=1200, big_pages=0, page_size=1200)
    everything = scan_json(str(corpus.folder))
    data = corpus.multistream.read_bytes()
    starts = [*_bz2_stream_starts(str(corpus.multistream)), len(data)]
    streams = list(zip(starts, starts[1:]))  # the header, twelve streams of 100 pages, the closing tag
    damaged_streams = (streams[0], streams[1], streams[6], streams[12])  # the header's, the first, a middle and the last of pages
    damaged = bytearray(data)
    for start, end in damaged_streams:
        middle, size = (start + end) // 2, min(64, (end - start) // 4)
        damaged[middle : middle + size] = b"\0" * size
    dump = tmp_path / "damaged.xml.bz2"
    dump.write_bytes(bytes(damaged))
    gone = set().union(*(_titles(bz2.decompress(data[start:end])) for start, end in damaged_streams))
    for workers in ("1", "2"):
        code, records, errors = _scan("--workers", workers, str(dump))
        assert code == EXIT_INPUT
        assert sorted(errors) == sorted(f"linkbot: {dump}: bytes {start}-{end} cannot be decompressed (Invalid data stream): "
                                        "their pages are skipped" for start, end in damaged_streams), errors  # fmt: skip
        found = {r["page"].rsplit("#", 1)[1]: r["changes"] for r in records if r.get("changes")}
        assert found == {title: changes for title, changes in everything.items() if title not in gone}


def test_a_damaged_stream_of_a_dump_cut_anywhere_loses_only_the_pages_it_holds(tmp_path, monkeypatch):
    """Streams cut anywhere (as parallel compressors write them), shorter than a page, one damaged:
    every page wholly in intact streams is still read (also one whose last piece comes just before the
    damaged stream), with one worker or two."""
    monkeypatch.setattr("bot.inputs.dump.STREAM_GROUP_BYTES", 1)  # every stream a group of its own
    corpus = generate(tmp_path, pages=120, big_pages=0, page_size=1500)
    everything = scan_json(str(corpus.folder))
    xml = corpus.xml.read_bytes()
    size = 1000
    pieces = [bz2.compress(xml[start : start + size]) for start in range(0, len(xml), size)]
    damaged_piece = len(pieces) // 2
    lost_range = (damaged_piece * size, (damaged_piece + 1) * size)  # the XML the damaged stream held
    broken = bytearray(pieces[damaged_piece])
    broken[len(broken) // 2 : len(broken) // 2 + 16] = b"\0" * 16
    pieces[damaged_piece] = bytes(broken)
    dump = tmp_path / "cut-damaged.xml.bz2"
    dump.write_bytes(b"".join(pieces))
    spans = {}  # title -> its page's byte range in the XML
    for start in range(xml.find(b"<page>"), len(xml)):
        if xml.startswith(b"<page>", start):
            title = xml[start:].split(b"<title>", 1)[1].split(b"</title>", 1)[0].decode()
            spans[title] = (start, xml.index(b"</page>", start) + len(b"</page>"))
    touched = {title for title, (start, end) in spans.items() if start < lost_range[1] and end > lost_range[0]}
    for workers in ("1", "2"):
        code, records, errors = _scan("--workers", workers, str(dump))
        assert code == EXIT_INPUT and len(errors) == 1 and "cannot be decompressed" in errors[0], errors
        found = {r["page"].rsplit("#", 1)[1]: r["changes"] for r in records if r.get("changes")}
        assert {title: changes for title, changes in everything.items() if title not in touched} == \
            {title: changes for title, changes in found.items() if title not in touched}  # fmt: skip
