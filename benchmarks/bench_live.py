"""Benchmark: HTTP requests per page and per edit against a local MediaWiki, linkbot vs replace.py.

Run:  bash scripts/bootstrap bench && .venv/bin/python benchmarks/bench_live.py [--pages 300]

Creates a throwaway wiki (bot.sandbox.mediawiki), loads N pages (a third carry broken links, the rest
are clean) twice (Bench/ and Proof/), then counts the requests in php's server log for:
  - linkbot scan, dry run, proofs off  (reads only)
  - linkbot scan, dry run, proofs on   (reads + the wiki's renderings: action=parse)
  - pywikibot replace.py -simulate      (same pages, an equivalent regex; reads only)
  - linkbot scan --mode live, proofs off (reads + one edit per broken page)
  - linkbot scan --mode live, proofs on  (the same on the Proof/ copy, with the renderings)
It counts API requests in the wiki's own log (``Sandbox.api_requests``: what each one asked): reads
and parses per page, writes per edit, and the linkbot process's CPU time per edit.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.sandbox.mediawiki import Sandbox  # noqa: E402

BROKEN = '见[{t}](../Page/{t}.md "wikilink")与[{t}2](https://zh.wikipedia.org/wiki/{t}2 "wikilink")。\n'
CLEAN = "这是一个干净的页面，链接已经正确：[[{t}]]、[[{t}2|别名]]。\n"
REGEX = r'\[([^\]\[]+)\]\((?:\.\./Page/([^)"]+)\.md|https://zh\.wikipedia\.org/wiki/([^)" ]+)) "wikilink"\)'
CONFIG = '[wiki]\nhost_aliases = ["zh.wikipedia.org"]\nshutoff_page = "User:LinkBot/Run"\n'


def run(command: list[str], env: dict) -> tuple[float, float, subprocess.CompletedProcess]:
    """(wall seconds, CPU seconds of the process, result)."""
    started, cpu = time.perf_counter(), _children_cpu()
    result = subprocess.run(command, env=env, capture_output=True, text=True, cwd=ROOT, stdin=subprocess.DEVNULL)
    return time.perf_counter() - started, _children_cpu() - cpu, result


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--show-requests", action="store_true", help="list each run's requests")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        sandbox, broken = _loaded_wiki(root, args.pages)
        sandbox.start()
        try:
            rows = _runs(sandbox, root, broken, args.show_requests)
        finally:
            sandbox.stop()
    _report(rows, args.pages, broken)
    return 0


def _loaded_wiki(root: Path, pages: int) -> tuple[Sandbox, int]:
    """A throwaway wiki with ``pages`` pages, a third of them to fix; (wiki, pages to fix)."""
    sandbox = Sandbox.create(root / "wiki")
    sandbox.edit("User:LinkBot/Run", "run")
    broken = 0
    for n in range(pages):
        title = f"页面{n:04d}"
        text = (BROKEN if n % 3 == 0 else CLEAN) * 5
        broken += n % 3 == 0
        for prefix in ("Bench", "Proof"):
            sandbox.edit(f"{prefix}/{n:04d}", text.format(t=title))
    return sandbox, broken


def _runs(sandbox: Sandbox, root: Path, broken: int, show_requests: bool) -> list[tuple]:
    """Run the three commands against the wiki; a row of counts and times for each."""
    pywikibot_dir = sandbox.write_pywikibot_config(root / "pywikibot")
    for mode in ("off", "always"):
        (root / f"proof-{mode}.toml").write_text(CONFIG + f'[proof]\nmode = "{mode}"\n', encoding="utf-8")
    python = sys.executable

    def linkbot(proof: str, prefix: str = "Bench") -> list[str]:
        return [python, "-m", "bot", "scan", "--config", str(root / f"proof-{proof}.toml"), f"-prefixindex:{prefix}/", "--no-summary"]

    replace = [
        str(Path(python).with_name("pwb")), "replace", "-simulate", "-always", "-summary:benchmark",
        "-prefixindex:Bench/", "-regex", REGEX, "[[\\2\\3|\\1]]",
    ]  # fmt: skip
    rows = []
    for number, (name, command, edits) in enumerate((
        ("linkbot dry, proofs off", linkbot("off"), 0),
        ("linkbot dry, proofs on", linkbot("always"), 0),
        ("replace.py -simulate", replace, 0),
        ("linkbot live, proofs off", [*linkbot("off"), "--mode", "live", "--auto-approve", "all"], broken),
        ("linkbot live, proofs on", [*linkbot("always", "Proof"), "--mode", "live", "--auto-approve", "all"], broken),
    )):
        # A queue of each run's own (a revision already queued is not proven again), never the user's.
        env = dict(os.environ, PYWIKIBOT_DIR=str(pywikibot_dir), XDG_STATE_HOME=str(root / f"state{number}"))
        api_before = len(sandbox.api_requests())
        seconds, cpu, result = run(command, env)
        if result.returncode != 0:
            print(f"{name} failed ({result.returncode}):\n{result.stderr[-2000:]}", file=sys.stderr)
        api = sandbox.api_requests()[api_before:]
        writes = sum("action=edit" in line for line in api)
        parses = sum("action=parse" in line for line in api)
        rows.append((name, len(api), len(api) - writes - parses, parses, writes, seconds, cpu, edits))
        if show_requests:
            print(f"{name}:", *_summary(api), sep="\n  ")
    return rows


def _report(rows: list[tuple], pages: int, broken: int) -> None:
    print(f"{pages} pages, {broken} with broken links (API requests, from the wiki's log)")
    print(f"{'run':<26} {'requests':>8} {'reads/page':>10} {'parses/page':>11} {'parses/edit':>11} {'writes/edit':>11} "
          f"{'seconds':>8} {'CPU s':>6} {'CPU s/edit':>10}")  # fmt: skip
    dry_cpu = rows[0][6]
    for name, total, reads, parses, writes, seconds, cpu, edits in rows:
        per_edit = f"{writes / edits:.2f}" if edits else "-"
        parses_per_edit = f"{parses / edits:.2f}" if edits else "-"
        cpu_per_edit = f"{(cpu - dry_cpu) / edits:.3f}" if edits else "-"
        print(f"{name:<26} {total:>8} {reads / pages:>10.3f} {parses / pages:>11.3f} {parses_per_edit:>11} {per_edit:>11} "
              f"{seconds:>8.1f} {cpu:>6.1f} {cpu_per_edit:>10}")  # fmt: skip
    print("CPU s/edit: the live run's CPU time less the proofs-off dry run's (same pages read and analysed), per edit")


def _summary(logged: list[str]) -> list[str]:
    """API requests grouped by what they ask."""
    from collections import Counter

    return [f"{count:5} {what}" for what, count in Counter(logged).most_common()]


if __name__ == "__main__":
    sys.exit(main())
