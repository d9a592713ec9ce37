"""XML dump scanning: the same proposals as scanning the pages one by one, in flat memory."""

from __future__ import annotations

import bz2
import gzip
import io
import json
import subprocess
import sys
from pathlib import Path
from xml.sax.saxutils import escape

from benchmarks.corpus import generate
from bot.cli import EXIT_INPUT, EXIT_OK, main

ROOT = Path(__file__).resolve().parents[1]


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
    from bot.dump import bz2_stream_groups, is_multistream

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
    truncated = tmp_path / "truncated.xml"
    truncated.write_bytes(xml[: xml.rindex(b"<page>") + 40])
    corrupt = tmp_path / "corrupt.xml.bz2"
    corrupt.write_bytes(corpus.bz2.read_bytes()[:4000] + b"garbage" * 100)
    broken = tmp_path / "broken.xml"  # a page that must be read (it has something to change) is malformed
    candidate = next(page for page in xml.split(b"<page>")[1:] if b"](" in page)
    broken.write_bytes(xml.replace(candidate, candidate.replace(b"</title>", b"</titel>"), 1))
    for dump, message in ((truncated, "ends inside a page"), (corrupt, "cannot read the dump"), (broken, "cannot read the XML dump")):
        for workers in ("1", "2"):
            out, err = io.StringIO(), io.StringIO()
            code = main(["scan", "--format", "json", "--no-summary", "--workers", workers, str(dump), str(corpus.xml)], stdout=out, stderr=err, environ={})
            assert code == EXIT_INPUT, (dump.name, err.getvalue())
            lines = err.getvalue().splitlines()
            assert len(lines) == 1 and lines[0].startswith(f"linkbot: {dump}: ") and message in lines[0], lines
            assert "Traceback" not in err.getvalue()
            # The other dump on the command line is still scanned in full.
            assert sum(len(json.loads(line)["changes"]) for line in out.getvalue().splitlines() if str(corpus.xml) in line) == corpus.expected_changes


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
    from bot.dumpscan import DumpStats
    from bot.report import Tally

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
