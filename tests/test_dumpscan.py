"""XML dump scanning: the same proposals as scanning the pages one by one, in flat memory."""

from __future__ import annotations

import gzip
import io
import json
import subprocess
import sys
from pathlib import Path
from xml.sax.saxutils import escape

from benchmarks.corpus import generate
from bot.cli import EXIT_OK, main

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
    for dump in (corpus.xml, corpus.bz2, gz):
        assert scan_json("--workers", "2", str(dump)) == from_pages, dump.name
    assert scan_json("--workers", "1", str(corpus.xml)) == from_pages


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
    stats = DumpStats(pages=120, candidates=30, bytes=2_000_000)
    terminal = _Terminal()
    progress = Progress(terminal, str(dump), stats, every=0)
    tally = Tally()
    tally.changes["md-url"] = 7
    progress.update(tally)
    line = terminal.getvalue()
    assert line.startswith("\r120 pages, ") and "MB/s, 7 changes, ETA " in line
