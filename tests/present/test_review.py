"""The interactive review: driven through a real terminal (tmux) and through piped input."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.core import ZH_WIKIPEDIA, analyze
from bot.queue.proposals import Queue
from bot.queue.store import Database

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def queue_file(tmp_path):
    path = tmp_path / "queue.sqlite3"
    database = Database(path)
    queue = Queue(database)
    queue.record("wikipedia:zh", 1, analyze('[A](../Page/A.md "wikilink") [B](https://zh.wikipedia.org/wiki/B)', ZH_WIKIPEDIA, title="P1"), "r")
    queue.record("wikipedia:zh", 2, analyze('[C](../Page/C.md "wikilink")', ZH_WIKIPEDIA, title="P2"), "r")
    database.close()
    return path


def decisions(path) -> dict:
    database = Database(path)
    queue = Queue(database)
    result = {
        (proposal.title, item.number): (item.decision, item.decided_by)
        for proposal in queue.list()
        for item in proposal.changes
    }
    database.close()
    return result


def test_review_with_piped_input(queue_file):
    process = subprocess.run(
        [sys.executable, "-m", "bot", "review", "--queue", str(queue_file), "--reviewer", "carol"],
        input="1y\n2 n\nwhat\no\na\n", capture_output=True, text=True, cwd=ROOT, timeout=60,
    )  # fmt: skip
    assert process.returncode == 0, process.stderr
    assert "[a] approve all" in process.stdout  # help after an unknown key
    assert "    1 | [C](../Page/C.md" in process.stdout  # "o" shows the page (P2: P1 was fully decided)
    assert decisions(queue_file) == {
        ("P1", 1): ("approved", "carol"), ("P1", 2): ("rejected", "carol"), ("P2", 1): ("approved", "carol"),
    }  # fmt: skip


def test_review_in_tmux(queue_file, tmp_path):
    tmux = shutil.which("tmux")
    if tmux is None:
        pytest.fail("tmux is missing (bash scripts/test installs it)")
    socket = str(tmp_path / "tmux.sock")
    command = f"{sys.executable} -m bot review --queue {queue_file} --reviewer dora; sleep 30"
    env = dict(os.environ, TERM="xterm-256color")
    subprocess.run([tmux, "-S", socket, "new-session", "-d", "-x", "160", "-y", "50", "-c", str(ROOT), command], env=env, check=True)
    try:
        def screen() -> str:
            return subprocess.run([tmux, "-S", socket, "capture-pane", "-p", "-J"], capture_output=True, text=True).stdout

        def wait_for(text: str) -> str:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                shown = screen()
                if text in shown:
                    return shown
                time.sleep(0.1)
            raise AssertionError(f"{text!r} never appeared:\n{screen()}")

        def keys(*typed: str) -> None:
            subprocess.run([tmux, "-S", socket, "send-keys", *typed], check=True)

        shown = wait_for("review> ")
        assert "=== 1/2 ===" in shown and "[1] pending md-mirror" in shown
        keys("2", "y", "Enter")
        wait_for("[2] approved by dora")
        keys("r", "Enter")
        wait_for("=== 2/2 ===")
        keys("q", "Enter")
        wait_for("decision(s) recorded as dora")
    finally:
        subprocess.run([tmux, "-S", socket, "kill-server"], capture_output=True)
    assert decisions(queue_file) == {
        ("P1", 1): ("rejected", "dora"), ("P1", 2): ("rejected", "dora"), ("P2", 1): ("pending", ""),
    }  # fmt: skip
