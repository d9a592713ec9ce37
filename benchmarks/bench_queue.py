"""Benchmark: the review queue at real size, read by the web app, the command line and the report.

Run:  .venv/bin/python benchmarks/bench_queue.py [--proposals 50000] [--changes 5] [--seconds 10]

Builds a queue of N proposals of C changes each (a real analysed page, recorded N times under other
titles, in one transaction; a third of them partly approved, a tenth rejected, a few applied), cached
in benchmarks/out/. Then, each as a real process on that file:
  - ``linkbot serve``: the list (default and filtered, a deep page), a proposal's page: time and size
    of each answer (median of 5); then three clients at once for ``--seconds``, and the server's peak
    memory (VmHWM);
  - ``linkbot list``, ``linkbot list --format json``, ``linkbot report --html``, ``linkbot classes`` (the
    whole queue's classes, and one proposal's) and ``linkbot approve --class`` over the whole queue (on a
    copy): wall time and the process's peak memory.
The issue's targets are printed beside each figure: a list page under 0.3 s and 200 KB, any filtered
list under 0.3 s, the server under 150 MB while serving three clients.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.core import ZH_WIKIPEDIA, analyze  # noqa: E402
from bot.queue.proposals import Queue  # noqa: E402
from bot.queue.schema import MIGRATIONS  # noqa: E402
from bot.queue.store import Database  # noqa: E402
from bot.sandbox.mediawiki import free_port  # noqa: E402

OUT = ROOT / "benchmarks" / "out"
LINE = '第{n}段：这座城市以{w}闻名，见[{w}{n}](../Page/{w}{n}.md "wikilink")。其余文字说明这一段的背景与历史沿革。'
WORDS = ("文学", "音乐", "电影", "设计", "美食", "手工艺", "媒体艺术")
PATHS = {
    "list (waiting)": "/",
    "list, status=all": "/?status=all",
    "list, status=approved": "/?status=approved",
    "list, rule=md-url": "/?status=all&rule=md-url",
    "list, title contains 'Page 049' (1,000)": "/?status=all&page=Page+049",
    "list, title contains 'Page 0' (all)": "/?status=all&page=Page+0",
    "list, page 250 of all": "/?status=all&p=250",
    "a proposal's page": "/proposal/25000",
}


def build(path: Path, proposals: int, changes: int) -> None:
    lines = [LINE.format(n=n, w=WORDS[n % len(WORDS)]) for n in range(changes)]
    lines[0] = lines[0].replace("](../Page/", "](https://zh.wikipedia.org/wiki/").replace(".md \"wikilink\")", ' "wikilink")')
    text = "\n\n".join(lines) + "\n\n" + "无链接的段落。" * 40
    with Database(path, create=True) as database:
        queue = Queue(database)
        with database.transaction():
            for number in range(proposals):
                title = f"Page {number:06d}"
                recorded = queue.record("wikipedia:zh", number + 1, analyze(text, ZH_WIKIPEDIA, title=title), "bench")
                if number % 3 == 0:
                    queue.decide(recorded.id, [1, 2], "approved", "ann")
                if number % 10 == 1:
                    queue.decide(recorded.id, None, "rejected", "bob")
                if number % 50 == 2:
                    queue.mark(recorded.id, "applied", saved_revid=number + 2)
            queue.remember_wiki("wikipedia:zh", "https://zh.wikipedia.org/w/index.php")


def fetch(url: str) -> tuple[float, int]:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as answer:
        size = len(answer.read())
    return time.perf_counter() - started, size


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def serve(queue: Path, seconds: float) -> list[tuple[str, str]]:
    port = free_port()
    env = dict(os.environ, NO_COLOR="1")
    process = subprocess.Popen([sys.executable, "-m", "bot", "serve", "--port", str(port), "--queue", str(queue)],
                               cwd=ROOT, env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)  # fmt: skip
    process.stderr.readline()
    threading.Thread(target=lambda: process.stderr.read(), daemon=True).start()  # werkzeug's request log
    base = f"http://127.0.0.1:{port}"
    rows = []
    try:
        for label, path in PATHS.items():
            fetch(base + path)  # warm
            timings = [fetch(base + path) for _ in range(5)]
            median = statistics.median(t for t, _ in timings)
            rows.append((f"serve: {label}", f"{median * 1000:.0f} ms, {timings[0][1] / 1024:.0f} KB"))
        rows.append(("serve: peak memory, one client", f"{peak_rss_mb(process.pid):.0f} MB"))
        times: list[float] = []
        deadline = time.monotonic() + seconds

        def client(paths: list[str]) -> None:
            while time.monotonic() < deadline:
                for path in paths:
                    times.append(fetch(base + path)[0])

        clients = [threading.Thread(target=client, args=(list(PATHS.values())[start::3],)) for start in range(3)]
        for thread in clients:
            thread.start()
        for thread in clients:
            thread.join()
        times.sort()
        rows.append((f"serve: three clients for {seconds:g} s", f"{len(times)} requests, median {statistics.median(times) * 1000:.0f} ms, "
                     f"95th percentile {times[int(len(times) * 0.95)] * 1000:.0f} ms, max {times[-1] * 1000:.0f} ms"))  # fmt: skip
        rows.append(("serve: peak memory, three clients", f"{peak_rss_mb(process.pid):.0f} MB"))
    finally:
        process.terminate()
        process.wait()
    return rows


def command(queue: Path, *args: str) -> tuple[str, str]:
    """(label, "wall seconds, peak MB") of one linkbot process (its own rusage, from wait4)."""
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "bot", *args, "--queue", str(queue)], cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)  # fmt: skip
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - started
    assert process.returncode == 0, (args, process.returncode)
    return f"linkbot {' '.join(args)}", f"{elapsed:.1f} s, peak {usage.ru_maxrss / 1024:.0f} MB"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--proposals", type=int, default=50_000)
    parser.add_argument("--changes", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    queue = OUT / f"queue-{args.proposals}x{args.changes}-schema{len(MIGRATIONS)}.sqlite3"
    if not queue.exists():
        started = time.perf_counter()
        build(queue, args.proposals, args.changes)
        print(f"built {queue.name} in {time.perf_counter() - started:.0f} s ({queue.stat().st_size / 2**20:.0f} MB)")
    rows = serve(queue, args.seconds)
    with tempfile.TemporaryDirectory() as folder:
        rows.append(command(queue, "list"))
        rows.append(command(queue, "list", "--format", "json"))
        rows.append(command(queue, "report", "--html", str(Path(folder) / "report.html")))
        rows.append(("report size", f"{(Path(folder) / 'report.html').stat().st_size / 2**20:.0f} MB"))
        rows.append(command(queue, "classes"))
        rows.append(command(queue, "classes", str(args.proposals // 2)))
        copy = Path(folder) / "decided.sqlite3"  # a class decided over the whole queue changes it: on a copy
        subprocess.run(["sqlite3", str(queue), f".backup {copy}"], check=True) if shutil.which("sqlite3") else shutil.copy(queue, copy)
        rows.append(command(copy, "approve", "--class", "md-mirror/title/unasked", "--include-unproven", "--reviewer", "bench"))
    print(f"\n{args.proposals} proposals of {args.changes} changes (targets: list < 300 ms and < 200 KB, server < 150 MB)")
    width = max(len(label) for label, _ in rows)
    for label, figure in rows:
        print(f"  {label:<{width}}  {figure}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
