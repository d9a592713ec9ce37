"""Benchmark: one large page (about 500 KB, 5,000 broken links of every form) through ``analyze``.

Run:  .venv/bin/python benchmarks/bench_page.py [--kb 500] [--links 5000] [--repeat 5]

Prints the page size, link count, changes found and the best/median time per run.
The page is generated deterministically (seeded), mixing all link forms with decoys
(nowiki, comments, templates, citation URLs) and filler prose.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.corpus import FORMS  # noqa: E402  (the same broken forms as the dump corpus)
from bot.core import ZH_WIKIPEDIA, analyze  # noqa: E402
from bot.core.canonicalize import read_label  # noqa: E402
from bot.core.urls import resolve  # noqa: E402


def clear_caches() -> None:
    resolve.cache_clear()
    read_label.cache_clear()

DECOYS = (
    '<nowiki>[{t}](../Page/{t}.md "wikilink")</nowiki>',
    "{{{{cite web|url=https://zh.wikipedia.org/wiki/{t}|title={t}}}}}",
    '<!-- [{t}](../Page/{t}.md "wikilink") -->',
    "<ref>https://zh.wikipedia.org/wiki/{t}</ref>",
)
FILLER = "联合国教科文组织创意城市网络创立于二零零四年，致力于促进城市之间的合作。"


def make_page(target_kb: int, links: int, seed: int = 1) -> tuple[str, int]:
    rng = random.Random(seed)
    parts: list[str] = []
    size = 0
    placed = 0
    budget = target_kb * 1024
    decoys = 0
    while placed < links or size < budget:
        title = "".join(rng.choice("城市网络文学音乐电影设计美食媒体艺术") for _ in range(rng.randint(2, 5)))
        if placed < links and (decoys * 10 >= placed or size >= budget):
            piece = rng.choice(FORMS).format(t=title)
            placed += 1
        else:
            piece = rng.choice(DECOYS).format(t=title)
            decoys += 1
        line = f"  - {piece} {FILLER[: rng.randint(4, 20)]}\n"
        parts.append(line)
        size += len(line.encode("utf-8"))
    return "".join(parts), placed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb", type=int, default=500)
    parser.add_argument("--links", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    page, placed = make_page(args.kb, args.links)
    analyze(page[:2000], ZH_WIKIPEDIA)  # warm up: OpenCC dictionaries, regex caches
    times = []
    result = None
    for _ in range(args.repeat):
        clear_caches()  # each run as if it were the process's first page
        start = time.perf_counter()
        result = analyze(page, ZH_WIKIPEDIA)
        times.append(time.perf_counter() - start)
    assert result is not None
    print(f"page: {len(page.encode('utf-8')) / 1024:.0f} KB, {placed} broken links placed")
    print(f"changes: {len(result.changes)}, left alone: {len(result.skipped)}")
    print(f"analyze: best {min(times):.3f} s, median {statistics.median(times):.3f} s over {args.repeat} runs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
