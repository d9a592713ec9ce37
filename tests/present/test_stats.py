"""``linkbot stats``: the HTML page opens in Chromium (screenshot) and shows the JSON's numbers."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from bot.cli import EXIT_OK, main
from tests.queue.test_stats import filled_queue


def stats(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["stats", *argv], stdout=out, stderr=err, environ={})
    return code, out.getvalue(), err.getvalue()


def test_text_and_json(tmp_path):
    path = tmp_path / "queue.sqlite3"
    filled_queue(path).close()
    code, out, _ = stats("--queue", str(path))
    assert code == EXIT_OK and out.startswith("3 edit(s) on 3 page(s), 5 change(s) saved, 5 waiting for review")
    assert "2026-12-02      2      2  md-mirror 2, md-url 1" in out
    week = json.loads(stats("--queue", str(path), "--format", "json", "--by", "week")[1])
    assert [period["period"] for period in week["periods"]] == ["2026-W49"] and week["periods"][0]["edits"] == 3


def test_html_page_in_chromium_shows_the_json_numbers(tmp_path):
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.fail("chromium is missing (bash scripts/test installs it)")
    path, page = tmp_path / "queue.sqlite3", tmp_path / "stats.html"
    filled_queue(path).close()
    code, out, err = stats("--queue", str(path), "--format", "json", "--html", str(page))
    assert code == EXIT_OK and "statistics written to" in err
    numbers = json.loads(out)
    html = page.read_text(encoding="utf-8")
    assert not re.search(r"<script\b|\bsrc=|<link\b", html) and html.count("<svg") == 2  # plots inline, nothing fetched
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1100,1400"]  # fmt: skip
    dom = subprocess.run([chromium, *flags, "--dump-dom", page.as_uri()], capture_output=True, timeout=120, text=True).stdout
    totals = dict(re.findall(r'<td class="num" data-key="(\w+)">(\d+)</td></tr>', dom.split('<table class="periods">')[0]))
    for key in ("edits", "pages_fixed", "changes_saved", "waiting", "undone_by_linkbot", "reverted_by_others"):
        assert int(totals[key]) == numbers[key], key
    for rule in numbers["rules"]:
        row = re.search(rf'<tr data-rule="{rule["rule"]}">(.*?)</tr>', dom, re.S).group(1)
        shown = dict(re.findall(r'data-key="(\w+)">([^<]*)<', row))
        assert {key: shown[key] for key in ("saved", "approved", "rejected", "waiting", "reverted")} == {
            key: str(rule[key]) for key in ("saved", "approved", "rejected", "waiting", "reverted")}
        for rate in ("approval_rate", "rejection_rate"):
            assert shown[rate] == ("-" if rule[rate] is None else str(rule[rate]))
    screenshot = tmp_path / "stats.png"
    shot = subprocess.run([chromium, *flags, f"--screenshot={screenshot}", page.as_uri()], capture_output=True, timeout=120)
    assert shot.returncode == 0 and screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    print(f"screenshot: {screenshot}")
    if os.environ.get("SCREENSHOT_DIR"):
        shutil.copy(screenshot, Path(os.environ["SCREENSHOT_DIR"]) / "stats.png")
