"""Benchmark: scanning a synthetic XML dump (plain and .bz2) with linkbot, checked against the generator.

Run:  .venv/bin/python benchmarks/bench_dump.py [--pages 20000] [--workers 2]

Prints, per input: MB/s of uncompressed XML, pages/s, peak memory of the scan process, changes
found, and whether that equals the generator's expected count. The corpus is cached in
benchmarks/out/ (seeded, so a cached corpus is the same one).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.corpus import generate  # noqa: E402


# Run each scan under a fresh wrapper: its children's peak RSS is this scan's (workers included) alone.
WRAPPER = """
import json, resource, subprocess, sys, time
started = time.perf_counter()
scan = subprocess.run([sys.executable, "-m", "bot", "scan", "--format", "json", "--no-summary",
                       "--workers", sys.argv[2], sys.argv[1]], capture_output=True, text=True)
seconds = time.perf_counter() - started
if scan.returncode:
    sys.exit(scan.stderr[-2000:])
changes = sum(len(json.loads(line)["changes"]) for line in scan.stdout.splitlines())
print(seconds, changes, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)
"""


def scan(path: Path, workers: int) -> tuple[float, int, int]:
    """(seconds, changes found, peak RSS in MB of the scan process and its workers)."""
    process = subprocess.run(
        [sys.executable, "-c", WRAPPER, str(path), str(workers)], capture_output=True, text=True, cwd=ROOT
    )
    if process.returncode != 0:
        raise SystemExit(f"scan failed: {process.stderr[-2000:]}")
    seconds, changes, peak = process.stdout.split()
    return float(seconds), int(changes), int(peak)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    out = ROOT / "benchmarks" / "out" / f"corpus-{args.pages}"
    started = time.perf_counter()
    corpus = generate(out, pages=args.pages, folder=False)
    print(f"corpus: {corpus.pages} pages, {corpus.xml_bytes / 1e6:.0f} MB XML, "
          f"{corpus.bz2.stat().st_size / 1e6:.0f} MB .bz2, {corpus.expected_changes} expected changes "
          f"(generated in {time.perf_counter() - started:.0f} s)")  # fmt: skip
    for path in (corpus.xml, corpus.bz2):
        seconds, changes, peak = scan(path, args.workers)
        verdict = "ok" if changes == corpus.expected_changes else f"MISMATCH (expected {corpus.expected_changes})"
        print(
            f"{path.name:<14} {corpus.xml_bytes / 1e6 / seconds:6.1f} MB/s  {corpus.pages / seconds:7.0f} pages/s  "
            f"peak {peak} MB  {changes} changes: {verdict}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
