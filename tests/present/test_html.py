"""The HTML report: self-contained, and it really renders (headless Chromium, screenshot)."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from bot.cli import EXIT_OK, main
from bot.core import ZH_WIKIPEDIA, analyze
from bot.queue.proposals import Queue
from bot.queue.store import Database

PAGE = '见[魁北克](https://zh.wikipedia.org/wiki/魁北克城 "wikilink")与[F.jpg](https://zh.wikipedia.org/wiki/File:F.jpg "fig:一张<图>")'


@pytest.fixture
def queue_file(tmp_path):
    path = tmp_path / "queue.sqlite3"
    database = Database(path, create=True)
    queue = Queue(database)
    queue.record("wikipedia:zh", 7, analyze(PAGE, ZH_WIKIPEDIA, title="魁北克 <测试>"), "run")
    queue.decide(1, [1], "approved", "alice")
    queue.record("wikipedia:zh", 8, analyze("[[Done]]", ZH_WIKIPEDIA, title="Clean"), "run")
    queue.remember_wiki("wikipedia:zh", "http://127.0.0.1:9/index.php")
    database.close()
    return path


def write_report(queue_file, target) -> tuple[int, str]:
    err = io.StringIO()
    code = main(["report", "--queue", str(queue_file), "--html", str(target)], stdout=io.StringIO(), stderr=err, environ={})
    return code, err.getvalue()


def test_report_is_self_contained_and_escaped(queue_file, tmp_path):
    target = tmp_path / "report.html"
    code, err = write_report(queue_file, target)
    assert code == EXIT_OK and "1 proposal(s) written" in err
    page = target.read_text(encoding="utf-8")
    assert not re.search(r"<(script|link|img|iframe|object|embed)\b|\bsrc=|\bon[a-z]+=", page)  # nothing fetched, nothing run
    assert set(re.findall(r'href="([^"#]*)[#"]', page)) <= {
        "http://127.0.0.1:9/index.php?title=%E9%AD%81%E5%8C%97%E5%85%8B_%3C%E6%B5%8B%E8%AF%95%3E",
        "http://127.0.0.1:9/index.php?oldid=7", "http://127.0.0.1:9/index.php?diff=cur&amp;oldid=7", "",
    }  # fmt: skip
    assert 'href="http://127.0.0.1:9/index.php?diff=cur&amp;oldid=7"' in page  # the wiki's diff since the base
    assert 'href="#proposal-1"' in page  # the table of contents
    assert "魁北克 &lt;测试&gt;" in page and "fig:一张<图>" not in page  # escaped
    assert "needs review" in page and "md-url" in page and "approved" in page
    # each change in its sentence: the text before it, the old and the new markup
    assert '见<del class="old">[魁北克](https://zh.wikipedia.org/wiki/魁北克城 &#34;wikilink&#34;)</del>与' in page
    assert '见<ins class="new">[[魁北克城|魁北克]]</ins>与' in page
    assert "<h2>Changes per rule</h2>" in page
    # the truth about its status (one change of two decided), and its classes with samples in their sentences
    assert '<span class="status partly">partly decided 1/2</span>' in page and "status approved" not in page
    assert 'data-class="file/image/unasked/review"' in page and "needs review: one by one" in page
    assert page.index("<h3>Classes of changes</h3>") < page.index('id="change-1-1"')
    assert "linkbot approve 1 --class CLASS" in page and '<main id="main"' in page and '<span class="context" lang="zh">' in page


def test_report_renders_in_chromium(queue_file, tmp_path):
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.fail("chromium is missing (bash scripts/test installs it)")
    target = tmp_path / "report.html"
    write_report(queue_file, target)
    flags = [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1200,900",
    ]  # fmt: skip
    screenshot = tmp_path / "report.png"
    shot = subprocess.run(
        [chromium, *flags, f"--screenshot={screenshot}", target.as_uri()], capture_output=True, timeout=120
    )
    assert shot.returncode == 0, shot.stderr[-2000:]
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and screenshot.stat().st_size > 10_000
    print(f"screenshot: {screenshot}")
    if os.environ.get("SCREENSHOT_DIR"):  # the README's picture: SCREENSHOT_DIR=docs/screenshots
        shutil.copy(screenshot, Path(os.environ["SCREENSHOT_DIR"]) / "report.png")
    dom = subprocess.run([chromium, *flags, "--dump-dom", target.as_uri()], capture_output=True, timeout=120, text=True)
    assert '#1 <span lang="zh">魁北克 &lt;测试&gt;</span>' in dom.stdout and "proposals waiting for review" in dom.stdout


def test_an_image_changes_preview_is_described_not_fetched(tmp_path):
    """The report stays self-contained: a recorded preview is told in words with a link to the image."""
    import dataclasses

    from bot.core.model import Display
    from bot.core.preview import ImagePreview

    result = analyze(PAGE, ZH_WIKIPEDIA, title="图")
    preview = ImagePreview("https://upload.example/F.jpg", 220, 165, "F", "一张<图>", "right", "thumb").to_json()
    changes = tuple(dataclasses.replace(c, preview=preview) if c.display == Display.IMAGE else c for c in result.changes)
    path = tmp_path / "queue.sqlite3"
    with Database(path, create=True) as database:
        Queue(database).record("wikipedia:zh", 7, dataclasses.replace(result, changes=changes), "run")
    target = tmp_path / "report.html"
    assert write_report(path, target)[0] == EXIT_OK
    page = target.read_text(encoding="utf-8")
    assert "the wiki's rendering: 220×165 px, thumb, right; caption: <q lang=\"zh\">一张&lt;图&gt;</q>" in page
    assert '(<a href="https://upload.example/F.jpg">the image</a>)' in page and not re.search(r"<img\b|\bsrc=", page)
