"""A full disk is a storage error (exit 8, one line), never a configuration error or a traceback,
and it loses nothing: the queue keeps every decision made before, a report or registry file is
whole or untouched. Real files on a real (tiny, full) tmpfs, and /dev/full."""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from bot.cli import EXIT_OK, EXIT_STORAGE, main
from bot.core import ZH_WIKIPEDIA, analyze
from bot.errors import StorageError
from bot.logs import configure_logging, get_logger
from bot.queue.proposals import Queue
from bot.queue.store import Database

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "001_7e93bf9fd9f8118a.txt"
PAGE = '[A](../Page/A.md "wikilink") [B](../Page/B.md "wikilink")'


@pytest.fixture
def small_disk():
    """A 4 MB filesystem of its own (tmpfs), and a way to fill it up."""
    folder = Path(tempfile.mkdtemp(prefix="linkbot-disk-"))
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(folder)], capture_output=True)
    if mounted.returncode != 0:
        folder.rmdir()
        pytest.skip(f"cannot mount a tmpfs here (root needed): {mounted.stderr.decode().strip()}")
    yield folder
    subprocess.run(["umount", "--lazy", str(folder)], check=True)  # lazy: a test's log file may still be open
    folder.rmdir()


def fill(folder: Path) -> Path:
    filler = folder / "filler"
    with filler.open("wb", buffering=0) as out:
        for size in (65536, 4096, 1):  # to the last byte
            try:
                while True:
                    out.write(b"\0" * size)
            except OSError:
                pass
    return filler


def linkbot(*argv: str, **streams) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", *argv], cwd=ROOT, capture_output=not streams, timeout=120, **streams)


def test_standard_output_on_a_full_device():
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "bot", "scan", str(SEED)], cwd=ROOT, stdout=full, stderr=subprocess.PIPE, timeout=120
        )
    assert result.returncode == EXIT_STORAGE
    assert result.stderr.decode() == "linkbot: standard output: cannot write: No space left on device (disk full or failing?)\n"


def test_the_queue_on_a_full_disk_keeps_what_it_had(small_disk):
    queue_file = small_disk / "queue.sqlite3"
    with Database(queue_file, create=True) as database:
        queue = Queue(database)
        first = queue.record("zh", 1, analyze(PAGE, ZH_WIKIPEDIA, title="P1"), "run").id
        second = queue.record("zh", 1, analyze(PAGE + " " + "x" * 20_000, ZH_WIKIPEDIA, title="P2"), "run").id
        queue.decide(first, None, "approved", "alice")
    filler = fill(small_disk)
    environ = {**os.environ, "LINKBOT_QUEUE": str(queue_file)}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "approve", str(second), "--include-unproven", "--reviewer", "bob"], cwd=ROOT, env=environ,
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == EXIT_STORAGE, result.stderr
    assert result.stderr.startswith(f"linkbot: {queue_file}: ") and "(disk full or failing?)" in result.stderr
    assert result.stderr.count("\n") == 1 and "configuration" not in result.stderr
    filler.unlink()
    connection = sqlite3.connect(queue_file)
    decisions = connection.execute("SELECT proposal_id, decision FROM decision ORDER BY id").fetchall()
    connection.close()
    assert {(proposal, decision) for proposal, decision in decisions} == {(first, "approved")}
    # Space again: the same command works.
    again = subprocess.run(
        [sys.executable, "-m", "bot", "approve", str(second), "--include-unproven", "--reviewer", "bob"], cwd=ROOT, env=environ,
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert again.returncode == EXIT_OK, again.stderr


def test_a_report_on_a_full_disk_leaves_the_old_one_whole(small_disk, tmp_path):
    queue_file = tmp_path / "queue.sqlite3"
    with Database(queue_file, create=True) as database:
        Queue(database).record("zh", 1, analyze(PAGE + " " + "字" * 300_000, ZH_WIKIPEDIA, title="P"), "run")
    report = small_disk / "report.html"
    report.write_text("the old report", encoding="utf-8")
    filler = fill(small_disk)
    out, err = io.StringIO(), io.StringIO()
    code = main(["report", "--queue", str(queue_file), "--html", str(report)], stdout=out, stderr=err, environ={})
    assert code == EXIT_STORAGE
    assert err.getvalue() == f"linkbot: {report}: cannot write: No space left on device (disk full or failing?)\n"
    filler.unlink()
    assert report.read_text(encoding="utf-8") == "the old report"
    assert sorted(path.name for path in small_disk.iterdir()) == ["report.html"]  # no temporary file left


def test_a_log_file_on_a_full_disk(small_disk):
    log_file = small_disk / "logs" / "linkbot.log"
    configure_logging(0, io.StringIO(), "json", wiki=True, log_file=str(log_file))
    try:
        get_logger().info("fits")
        fill(small_disk)
        with pytest.raises(StorageError, match=r"linkbot.log \(the log file\): cannot write: No space left on device"):
            get_logger().info("does not fit", padding="x" * 100_000)
    finally:
        configure_logging(0, io.StringIO())
