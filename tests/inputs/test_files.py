"""Local inputs that are not page files, or too much of one: each is one line, never a hang or a
silent skip, and every other input is still scanned. Real files, FIFOs, devices and permissions."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from bot.cli import EXIT_INPUT, EXIT_OK, main

ROOT = Path(__file__).resolve().parents[2]
GOOD = '[A](../Page/A.md "wikilink")\n'
# mwparserfromhell's tokenizer is quadratic on this: about a minute unbounded.
PATHOLOGICAL = GOOD + "[[{{<ref>" * 20_000


def linkbot(*argv: str, stdin: bytes | None = None, user: str | None = None) -> subprocess.CompletedProcess:
    """linkbot as a real process (a FIFO would block a test run in-process forever)."""
    command = [sys.executable, "-m", "bot", *argv]
    if user is not None:  # root reads everything: run as an account permissions apply to
        command = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups", *command]
    environ = {**os.environ, "HOME": tempfile.gettempdir()}
    return subprocess.run(command, cwd=ROOT, input=stdin, capture_output=True, timeout=120, env=environ)


def errors(result: subprocess.CompletedProcess) -> list[str]:
    stderr = result.stderr.decode()
    assert "Traceback" not in stderr
    return [line for line in stderr.splitlines() if line.startswith("linkbot:")]


def test_fifo_and_devices_are_reported_never_read(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    result = linkbot("scan", "--no-summary", str(tmp_path), "/dev/zero", str(tmp_path / "pipe.txt"))
    assert result.returncode == EXIT_INPUT
    fifo = f"linkbot: {tmp_path / 'pipe.txt'}: a FIFO (named pipe), not a file: not read (give - to read standard input)"
    assert errors(result) == [fifo, "linkbot: /dev/zero: a character device, not a file: not read", fifo]
    assert "+[[A]]" in result.stdout.decode()  # good.txt, between them, is scanned


def test_a_link_to_a_folder_is_reported(tmp_path):
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "good.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "pages" / "elsewhere").symlink_to(tmp_path / "pages")  # would loop if followed
    code, out, err = _run("scan", "--no-summary", str(tmp_path / "pages"))
    assert code == EXIT_INPUT
    assert err.splitlines() == [f"linkbot: {tmp_path / 'pages' / 'elsewhere'}: a link to a folder, not followed (give the folder itself)"]
    assert "+[[A]]" in out


@pytest.fixture
def shared_folder():
    """A folder another account can reach (pytest's own tmp_path is root's alone), and the project
    (its venv's interpreter and the package) reachable for that account too: a clone in a folder
    made by ``mktemp -d`` is root's alone, so its ancestors get the right to pass through (only
    that, and only while the test runs)."""
    folder = Path(tempfile.mkdtemp(prefix="linkbot-perm-"))
    folder.chmod(0o755)
    closed = [path for path in (ROOT, *ROOT.parents) if not path.stat().st_mode & 0o001]
    for path in closed:
        path.chmod(path.stat().st_mode | 0o001)
    yield folder
    for path in closed:
        path.chmod(path.stat().st_mode & ~0o001)
    for path in folder.rglob("*"):
        if path.is_dir():
            path.chmod(0o755)
    shutil.rmtree(folder)


def test_unreadable_folders_are_reported(shared_folder):
    pages = shared_folder / "pages"
    (pages / "locked").mkdir(parents=True)
    (pages / "locked" / "hidden.txt").write_text(GOOD, encoding="utf-8")
    (pages / "open.txt").write_text(GOOD, encoding="utf-8")
    closed = shared_folder / "closed"
    closed.mkdir()
    for path in (*shared_folder.rglob("*"),):
        path.chmod(0o755 if path.is_dir() else 0o644)
    (pages / "locked").chmod(0o000)
    closed.chmod(0o000)
    result = linkbot("scan", "--no-summary", str(pages), str(closed), user=None if os.getuid() else "65534")
    assert result.returncode == EXIT_INPUT
    assert errors(result) == [
        f"linkbot: {pages / 'locked'}: cannot list this folder: Permission denied",
        f"linkbot: {closed}: cannot list this folder: Permission denied",
    ]
    assert "+[[A]]" in result.stdout.decode()  # open.txt


def test_a_page_over_the_size_limit_is_skipped(tmp_path):
    (tmp_path / "big.txt").write_text(GOOD * 200, encoding="utf-8")  # 6 KB
    (tmp_path / "small.txt").write_text(GOOD, encoding="utf-8")
    code, out, err = _run("scan", "--no-summary", "--max-page-kb", "4", str(tmp_path))
    assert code == EXIT_INPUT
    assert err.splitlines() == [f"linkbot: {tmp_path / 'big.txt'}: 6 KB, over the 4 KB limit ([limits] max_page_kb)"]
    assert out.count("+[[A]]") == 1
    result = linkbot("fix", "--max-page-kb", "4", stdin=(GOOD * 200).encode())
    assert (result.returncode, result.stdout) == (EXIT_INPUT, b"")
    assert errors(result) == ["linkbot: -: over the 4 KB limit ([limits] max_page_kb)"]


def test_a_page_over_the_time_limit_is_skipped_and_the_scan_goes_on(tmp_path):
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b-pathological.txt").write_text(PATHOLOGICAL, encoding="utf-8")
    (tmp_path / "c.txt").write_text(GOOD, encoding="utf-8")
    code, out, err = _run("scan", "--format", "json", "--max-analysis-seconds", "1", str(tmp_path))
    assert code == EXIT_INPUT
    slow = str(tmp_path / "b-pathological.txt")
    message = "not analysed: its analysis ran over 1 s ([limits] max_analysis_seconds)"
    assert err.splitlines() == [f"linkbot: {slow}: {message}"]
    records = [json.loads(line) for line in out.splitlines()]
    assert [(r["page"].rsplit("/", 1)[1], r["status"]) for r in records] == [
        ("a.txt", "changed"), ("b-pathological.txt", "error"), ("c.txt", "changed")
    ]  # fmt: skip
    # fix, formatter style: the page comes out as it went in (a pipe must not lose it).
    result = linkbot("fix", "--max-analysis-seconds", "1", stdin=PATHOLOGICAL.encode())
    assert (result.returncode, result.stdout.decode()) == (EXIT_INPUT, PATHOLOGICAL)
    assert errors(result) == [f"linkbot: stdin: {message}"]


def test_dump_pages_over_the_limits_are_reported(tmp_path):
    def page(title: str, text: str) -> str:
        return f"<page><title>{title}</title><ns>0</ns><revision><id>1</id><text>{escape(text)}</text></revision></page>\n"

    dump = tmp_path / "dump.xml"
    dump.write_text(
        "<mediawiki>\n" + page("A", GOOD) + page("Slow", PATHOLOGICAL) + page("Big", GOOD * 20_000) + page("B", GOOD) + "</mediawiki>\n",
        encoding="utf-8",
    )
    for workers in ("1", "2"):
        code, out, err = _run("scan", "--format", "json", "--workers", workers, "--max-analysis-seconds", "1", "--max-page-kb", "400", str(dump))
        assert code == EXIT_INPUT
        assert err.splitlines() == [
            f"linkbot: {dump}: page 'Slow': not analysed: its analysis ran over 1 s ([limits] max_analysis_seconds)",
            f"linkbot: {dump}: page 'Big': not analysed: 566 KB, over the 400 KB limit ([limits] max_page_kb)",
        ]
        changed = [json.loads(line)["page"] for line in out.splitlines() if json.loads(line)["status"] == "changed"]
        assert changed == [f"{dump}#A", f"{dump}#B"]


def test_no_limit_means_in_process(tmp_path):
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    assert _run("scan", "--max-analysis-seconds", "0", str(tmp_path))[0] == EXIT_OK


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err, environ={})
    assert "Traceback" not in err.getvalue()
    return code, out.getvalue(), err.getvalue()
