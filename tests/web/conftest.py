"""Queues at real size for the web review's tests: the seed page's 306 changes recorded in a real
queue file, the changes marked proven as a wiki scan marks them (the wiki's rendering agrees; never
an image, never a change that needs review), so its classes are the ones a reviewer meets."""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.core import ZH_WIKIPEDIA, analyze
from bot.core.model import Display
from bot.queue.proposals import Queue
from bot.queue.store import Database

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seeds" / "000_d4b9c68d3e383551.txt"
SEED_TITLE = "联合国教科文组织创意城市网络"


def as_scanned(text: str, title: str):
    """analyze() of ``text`` with its changes proven as a wiki scan would prove them."""
    result = analyze(text, ZH_WIKIPEDIA, title=title)
    changes = tuple(
        change if change.needs_review or change.display == Display.IMAGE else dataclasses.replace(change, proof="proven")
        for change in result.changes
    )  # fmt: skip
    return dataclasses.replace(result, changes=changes)


@pytest.fixture(scope="session")
def seed_queue_file(tmp_path_factory) -> Path:
    """A queue holding the seed page (306 changes) as proposal 1 and a small page as proposal 2."""
    path = tmp_path_factory.mktemp("seedqueue") / "queue.sqlite3"
    with Database(path, create=True) as database:
        queue = Queue(database)
        queue.record("wikipedia:zh", 101, as_scanned(SEED.read_text(encoding="utf-8"), SEED_TITLE), "run")
        queue.record("wikipedia:zh", 102, as_scanned('另一页的[南京](../Page/南京.md "wikilink")。', "另一页"), "run")
        queue.remember_wiki("wikipedia:zh", "http://127.0.0.1:9/index.php")
    return path


@pytest.fixture
def seed_queue(seed_queue_file, tmp_path) -> Path:
    """A fresh copy of the seed queue for one test (its decisions are its own)."""
    path = tmp_path / "queue.sqlite3"
    shutil.copy(seed_queue_file, path)
    return path


@pytest.fixture
def seed_server(seed_queue, tmp_path):
    """``linkbot serve --port 0`` over the seed queue, a process of its own (as a reviewer runs it: its
    timings are its own, not those of the test process's heap): its base address."""
    log = tmp_path / "serve.log"
    with log.open("w") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve", "--queue", str(seed_queue), "--port", "0", "--reviewer", "erin"],
            cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while not (found := re.search(r"reviewing at (http://\S+)/ ", log.read_text())):
            assert process.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.05)
        yield found.group(1)
    finally:
        process.terminate()
        process.wait(timeout=30)
