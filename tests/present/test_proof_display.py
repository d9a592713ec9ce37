"""A change the wiki proved says so wherever it is reviewed: show, the terminal review, the HTML
report, the web review and the on-wiki review page."""

from __future__ import annotations

import dataclasses
import io
import subprocess
import sys
from pathlib import Path

from bot.cli import main
from bot.core import ZH_WIKIPEDIA, analyze
from bot.core.review_messages import review_messages
from bot.core.review_subpages import subpage_part
from bot.queue.proposals import Queue
from bot.queue.store import Database
from bot.web.app import create_app

ROOT = Path(__file__).resolve().parents[2]
PAGE = '[A](../Page/A.md "wikilink") [B](../Page/B.md "wikilink")'


def proven_queue(path: Path) -> None:
    result = analyze(PAGE, ZH_WIKIPEDIA, title="P")
    first, second = result.changes
    result = dataclasses.replace(result, changes=(dataclasses.replace(first, proof="proven"),
                                                  dataclasses.replace(second, proof="disagrees: readers would see 'x'", needs_review=True)))  # fmt: skip
    database = Database(path, create=True)
    Queue(database).record("wikipedia:zh", 1, result, "r")
    database.close()


def test_proof_is_shown_everywhere(tmp_path):
    path = tmp_path / "queue.sqlite3"
    proven_queue(path)
    out = io.StringIO()
    main(["show", "1", "--queue", str(path)], stdout=out, stderr=io.StringIO(), environ={})
    assert "[1] pending  md-mirror [proven by the wiki]" in out.getvalue() and "[2] pending  md-mirror (needs review):" in out.getvalue()
    review = subprocess.run([sys.executable, "-m", "bot", "review", "--queue", str(path), "--reviewer", "x"], input="q\n",
                            capture_output=True, text=True, cwd=ROOT, timeout=60)  # fmt: skip
    assert review.stdout.count("✔ proven by the wiki") == 1
    report = tmp_path / "report.html"
    main(["report", "--queue", str(path), "--html", str(report)], stdout=io.StringIO(), stderr=io.StringIO(), environ={})
    assert report.read_text(encoding="utf-8").count("✔ proven by the wiki") == 1
    page = create_app(lambda: Queue(Database(path, create=True)), "x").test_client().get("/proposal/1").get_data(as_text=True)
    assert page.count("✔ proven by the wiki") == 1
    database = Database(path, create=True)
    text = subpage_part(Queue(database).get(1), "LinkBot", "User:LinkBot/Review", review_messages("zh-hans"))
    database.close()
    assert [line for line in text.splitlines() if "✔ 已由维基解析器验证" in line and "id=1.1|" in line]
    assert sum("✔ 已由维基解析器验证" in line for line in text.splitlines() if "|id=1." in line) == 1  # the change lines
