"""Benchmark: scanning a synthetic XML dump with linkbot, beside pywikibot's replace.py -xml.

Run:  bash scripts/bootstrap bench && .venv/bin/python benchmarks/bench_dump.py [--pages 20000] [--workers 2] [--repeat 3] [--no-replace]

Prints, per input (.xml, single-stream .bz2, multistream .bz2): MB/s of uncompressed XML,
pages/s, CPU seconds and peak memory of the scan process and its workers, changes found and whether that
equals the generator's expected count; then the same for ``--format titles`` (the
preselection: pages with something to change, without the final checks' second parse). For reference it also times reading the XML with the
standard library (iterparse) and decompressing the .bz2 in one stream (Python's bz2, what
bzcat does), and runs pywikibot's replace.py -xml with equivalent regexes on the same dump
(against a throwaway local wiki, bot.sandbox.mediawiki: replace.py needs a site; the pages it would
change do not exist there, so its page loads are a few batched requests). The corpus is
cached in benchmarks/out/ (seeded: a cached corpus is the same one). A shared 2-core machine's
timings drift by a fifth from run to run: every figure is the best of ``--repeat`` runs (replace.py,
at a minute a run, is run once).
"""

from __future__ import annotations

import argparse
import bz2
import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.corpus import cached  # noqa: E402

# Run each scan under a fresh wrapper: its children's peak RSS is this scan's (workers included) alone.
WRAPPER = """
import json, resource, subprocess, sys, time
started = time.perf_counter()
scan = subprocess.run([sys.executable, "-m", "bot", "scan", "--format", sys.argv[3], "--no-summary",
                       "--workers", sys.argv[2], sys.argv[1]], capture_output=True, text=True)
seconds = time.perf_counter() - started
if scan.returncode:
    sys.exit(scan.stderr[-2000:])
lines = scan.stdout.splitlines()
changes = len(lines) if sys.argv[3] == "titles" else sum(len(json.loads(line)["changes"]) for line in lines)
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(seconds, changes, usage.ru_maxrss // 1024, usage.ru_utime + usage.ru_stime)
"""
# The corpus's broken forms as replace.py regexes (what an operator would write), with its
# exceptions for the protected places linkbot also leaves alone.
REPLACEMENTS = (
    (r'\[([^\]\[]+)\]\(\.\./Page/([^)"]+)\.md "wikilink"\)', r"[[\2|\1]]"),
    (r'\[([^\]\[]+)\]\(https://zh\.wikipedia\.org/wiki/([^)" ]+) "wikilink"\)', r"[[\2|\1]]"),
    (r"\[https://zh\.wikipedia\.org/wiki/([^\] ]+) ([^\]]+)\]", r"[[\1|\2]]"),
    (r'<a href="\.\./Page/([^"]+)\.md" title="wikilink">([^<]+)</a>', r"[[\1|\2]]"),
    (r"\[([^\]\[]+)\]\(https://en\.wikipedia\.org/wiki/([^)\s]+)\)", r"[[:en:\2|\1]]"),
    (r"\[([^\]\[]+)\]\((https?://[^)\s]+)\)", r"[\2 \1]"),
)
EXCEPTIONS = ("nowiki", "pre", "comment", "template")


class Run(NamedTuple):
    seconds: float
    found: int  # changes (titles: pages)
    peak_mb: int  # peak RSS of the scan process and its workers
    cpu: float  # CPU seconds of the scan process and its workers: steadier than the wall clock


def scan(path: Path, workers: int, fmt: str = "json", repeat: int = 1) -> Run:
    """The fastest of ``repeat`` runs of ``linkbot scan`` (with the most memory any of them took)."""
    runs = [_scan_once(path, workers, fmt) for _ in range(repeat)]
    best = min(runs, key=lambda run: run.seconds)
    return best._replace(peak_mb=max(run.peak_mb for run in runs))


def _scan_once(path: Path, workers: int, fmt: str) -> Run:
    process = subprocess.run(
        [sys.executable, "-c", WRAPPER, str(path), str(workers), fmt], capture_output=True, text=True, cwd=ROOT
    )
    if process.returncode != 0:
        raise SystemExit(f"scan failed: {process.stderr[-2000:]}")
    seconds, found, peak, cpu = process.stdout.split()
    return Run(float(seconds), int(found), int(peak), float(cpu))


def reference_speeds(corpus, repeat: int) -> tuple[float, float]:
    """(best seconds to iterparse the XML, best seconds to decompress the single-stream .bz2)."""
    return min(_iterparse(corpus) for _ in range(repeat)), min(_decompress(corpus) for _ in range(repeat))


def _iterparse(corpus) -> float:
    started = time.perf_counter()
    for _, element in ElementTree.iterparse(corpus.xml):
        element.clear()
    return time.perf_counter() - started


def _decompress(corpus) -> float:
    started = time.perf_counter()
    with bz2.open(corpus.bz2, "rb") as stream:
        while stream.read(1 << 20):
            pass
    return time.perf_counter() - started


def replace_py(corpus, root: Path) -> tuple[float, int] | None:
    """(seconds, pages replace.py would change) for replace.py -xml on the plain dump."""
    from bot.sandbox.mediawiki import Sandbox

    pwb = Path(sys.executable).with_name("pwb")
    if not pwb.exists():
        print("replace.py: not installed (bash scripts/bootstrap bench)")
        return None
    sandbox = Sandbox.create(root / "wiki")
    env = dict(os.environ, PYWIKIBOT_DIR=str(sandbox.write_pywikibot_config(root / "pywikibot")))
    sandbox.start()
    try:
        command = [str(pwb), "replace", f"-xml:{corpus.xml}", "-simulate", "-always", "-summary:benchmark", "-regex"]
        command += [f"-exceptinsidetag:{tag}" for tag in EXCEPTIONS]
        command += [part for pair in REPLACEMENTS for part in pair]
        started = time.perf_counter()
        result = subprocess.run(command, env=env, capture_output=True, text=True, cwd=root, stdin=subprocess.DEVNULL)
        seconds = time.perf_counter() - started
    finally:
        sandbox.stop()
    if result.returncode != 0:
        print(f"replace.py failed ({result.returncode}): {result.stderr[-1500:]}")
        return None
    would_change = result.stderr.count("does not exist") + result.stdout.count("does not exist")
    return seconds, would_change


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure; the best is shown")
    parser.add_argument("--no-replace", action="store_true", help="skip the replace.py comparison")
    args = parser.parse_args()
    started = time.perf_counter()
    corpus = cached(ROOT / "benchmarks" / "out" / f"corpus-{args.pages}", pages=args.pages, folder=False)
    mb = corpus.xml_bytes / 1e6
    print(f"corpus: {corpus.pages} pages, {mb:.0f} MB XML, {corpus.bz2.stat().st_size / 1e6:.0f} MB .bz2, "
          f"{corpus.expected_changes} expected changes (ready in {time.perf_counter() - started:.0f} s)")  # fmt: skip
    parse, decompress = reference_speeds(corpus, args.repeat)
    print(f"reference: iterparse {mb / parse:.0f} MB/s, bz2 decompression (one stream) {mb / decompress:.0f} MB/s")
    speeds = {}
    for path in (corpus.xml, corpus.bz2, corpus.multistream):
        run = scan(path, args.workers, repeat=args.repeat)
        speeds[path.name] = mb / run.seconds
        verdict = "ok" if run.found == corpus.expected_changes else f"MISMATCH (expected {corpus.expected_changes})"
        print(
            f"linkbot {path.name:<26} {mb / run.seconds:6.1f} MB/s  {corpus.pages / run.seconds:7.0f} pages/s  "
            f"CPU {run.cpu:4.1f} s  peak {run.peak_mb} MB  {run.found} changes: {verdict}"
        )
    print(f"single-stream .bz2 at {100 * speeds['dump.xml.bz2'] / (mb / decompress):.0f}% of decompression speed")
    for path in (corpus.xml, corpus.bz2, corpus.multistream):
        run = scan(path, args.workers, "titles", args.repeat)
        speeds[f"titles {path.name}"] = mb / run.seconds
        verdict = "ok" if run.found == corpus.expected_pages else f"MISMATCH (expected {corpus.expected_pages})"
        print(f"linkbot --format titles {path.name:<26} {mb / run.seconds:6.1f} MB/s  CPU {run.cpu:4.1f} s  "
              f"peak {run.peak_mb} MB  {run.found} pages: {verdict}")  # fmt: skip
    print(f"--format titles on the single-stream .bz2 at "
          f"{100 * speeds['titles dump.xml.bz2'] / (mb / decompress):.0f}% of decompression speed")  # fmt: skip
    if not args.no_replace:
        with tempfile.TemporaryDirectory() as folder:
            measured = replace_py(corpus, Path(folder))
        if measured is not None:
            seconds, pages = measured
            print(f"replace.py -xml {'dump.xml':<18} {mb / seconds:6.1f} MB/s  {corpus.pages / seconds:7.0f} pages/s  "
                  f"{pages} pages it would change")  # fmt: skip
            print(f"linkbot / replace.py on dump.xml: {speeds['dump.xml'] / (mb / seconds):.1f}x "
                  f"(--format titles: {speeds['titles dump.xml'] / (mb / seconds):.1f}x)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
