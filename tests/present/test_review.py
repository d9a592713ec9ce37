"""The interactive review: driven through a real terminal (tmux) and through piped input."""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.core import ZH_WIKIPEDIA, analyze
from bot.present.review_keys import Key, parse_command
from bot.present.review_screen import numbers_phrase
from bot.queue.proposals import Queue
from bot.queue.store import Database

ROOT = Path(__file__).resolve().parents[2]


SENTENCE = "首句。這是[A](../Page/A.md \"wikilink\")與[B](https://zh.wikipedia.org/wiki/B)的事。"
IMAGE = '![A.jpg](https://zh.wikipedia.org/wiki/File:A.jpg "A")'


def proven(text: str, title: str):
    """A page's analysis with its changes proven by the wiki, as a wiki scan records them (images never are)."""
    result = analyze(text, ZH_WIKIPEDIA, title=title)
    return dataclasses.replace(result, changes=tuple(c if c.needs_review else dataclasses.replace(c, proof="proven") for c in result.changes))


@pytest.fixture
def queue_file(tmp_path):
    """P1: two changes in one sentence; P2: one change; P3: six changes, the last an image (needs review)."""
    path = tmp_path / "queue.sqlite3"
    database = Database(path, create=True)
    queue = Queue(database)
    queue.record("wikipedia:zh", 1, proven(SENTENCE, "P1"), "r")
    queue.record("wikipedia:zh", 2, proven('[C](../Page/C.md "wikilink")', "P2"), "r")
    many = "\n\n".join(f'[L{n}](../Page/L{n}.md "wikilink")' for n in range(1, 6)) + "\n\n" + IMAGE
    queue.record("wikipedia:zh", 3, proven(many, "P3"), "r")
    database.close()
    return path


def decisions(path) -> dict:
    database = Database(path, create=True)
    queue = Queue(database)
    result = {
        (proposal.title, item.number): (item.decision, item.decided_by)
        for proposal in queue.list()
        for item in proposal.changes
    }
    database.close()
    return result


def review(queue_file, typed: str, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot", "review", "--queue", str(queue_file), "--reviewer", "carol", *extra],
        input=typed, capture_output=True, text=True, cwd=ROOT, timeout=60,
    )  # fmt: skip


def test_review_with_piped_input(queue_file):
    """A script drives the review through a pipe: every change on one screen, no pager, plain text."""
    process = review(queue_file, "1y\n2 n\nwhat\n?\no\na\nq\n")
    assert process.returncode == 0, process.stderr
    out = process.stdout
    assert "\x1b" not in out and "review> " in out
    assert "  - 這是[A](../Page/A.md \"wikilink\")與" in out and "  + 這是[[A]]與" in out  # the sentence around it
    assert "unknown command 'what'; type ? for the keys" in out
    assert "N y / N n     approve / reject change N" in out  # ? is the help, not the prompt again
    assert "    1 | [C](../Page/C.md" in out  # o shows the page (P2: P1 was fully decided)
    assert decisions(queue_file)[("P1", 1)] == ("approved", "carol")
    assert decisions(queue_file)[("P1", 2)] == ("rejected", "carol")
    assert decisions(queue_file)[("P2", 1)] == ("approved", "carol")
    assert decisions(queue_file)[("P3", 1)] == ("pending", "")  # q before P3


def test_ranges_lists_undo_and_needs_review_from_a_pipe(queue_file):
    process = review(queue_file, "s\ns\n1-2 y\n3,4 n\nu\n4 n\na\nn\nq\n")
    assert process.returncode == 0, process.stderr
    assert "approved 2 changes (1, 2)" in process.stdout and "undone: 2 changes (3, 4) undecided again" in process.stdout
    assert "change 6: needs review, not approved" in process.stdout
    got = {number: decision for (title, number), (decision, _) in decisions(queue_file).items() if title == "P3"}
    assert got == {1: "approved", 2: "approved", 3: "approved", 4: "rejected", 5: "approved", 6: "pending"}
    database = Database(queue_file, create=True)
    trail = [(entry.number, entry.decision) for entry in Queue(database).audit(3)]
    database.close()
    assert trail[:6] == [(1, "approved"), (2, "approved"), (3, "rejected"), (4, "rejected"), (3, "pending"), (4, "pending")]


def test_review_help_lists_the_keys():
    process = subprocess.run([sys.executable, "-m", "bot", "review", "--help"], capture_output=True, text=True, cwd=ROOT)
    assert "1-5 y, 1,3 n" in process.stdout and "undo the last decision" in process.stdout


class Tmux:
    """A review running in a real terminal (tmux), read back from the screen."""

    def __init__(self, socket: str, queue_file, height: int = 50) -> None:
        self.tmux, self.socket = shutil.which("tmux"), socket
        if self.tmux is None:
            pytest.fail("tmux is missing (bash scripts/test installs it)")
        command = f"{sys.executable} -m bot review --queue {queue_file} --reviewer dora; sleep 30"
        env = dict(os.environ, TERM="xterm-256color", PAGER="")
        subprocess.run([self.tmux, "-S", socket, "new-session", "-d", "-x", "120", "-y", str(height), "-c", str(ROOT), command],
                       env=env, check=True)  # fmt: skip

    def screen(self) -> str:
        return subprocess.run([self.tmux, "-S", self.socket, "capture-pane", "-p", "-J"], capture_output=True, text=True).stdout

    def lines(self) -> list[str]:
        """The terminal's lines as it shows them (a wrapped line is two), those scrolled off too."""
        shown = subprocess.run([self.tmux, "-S", self.socket, "capture-pane", "-p", "-S", "-"], capture_output=True, text=True).stdout
        return [line.rstrip() for line in shown.splitlines()]

    def wait_for(self, text: str, whole_line: bool = False) -> str:
        """What the terminal shows once ``text`` is in it (``whole_line``: as one line of the terminal,
        not wrapped)."""
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            shown = self.screen()
            if (text in self.lines()) if whole_line else (text in shown):
                return shown
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared:\n{self.screen()}")

    def type(self, line: str, enter: bool = True) -> None:
        subprocess.run([self.tmux, "-S", self.socket, "send-keys", "-l", line], check=True)
        if enter:
            subprocess.run([self.tmux, "-S", self.socket, "send-keys", "Enter"], check=True)

    def clear(self) -> None:
        subprocess.run([self.tmux, "-S", self.socket, "clear-history"], check=True)
        subprocess.run([self.tmux, "-S", self.socket, "send-keys", "C-l"], check=True)

    def close(self) -> None:
        subprocess.run([self.tmux, "-S", self.socket, "kill-server"], capture_output=True)


@pytest.fixture
def terminal(queue_file, tmp_path):
    sessions = []

    def start(height: int = 50) -> Tmux:
        sessions.append(Tmux(str(tmp_path / f"tmux{len(sessions)}.sock"), queue_file, height))
        return sessions[-1]

    yield start
    for session in sessions:
        session.close()


def test_review_in_tmux(terminal, queue_file):
    tmux = terminal()
    shown = tmux.wait_for("review> ")
    assert "page 1/3" in shown and "[1] pending  md-mirror · Markdown → mirror page" in shown
    tmux.type("2y")
    tmux.wait_for("approved change 2")
    tmux.type("?")
    tmux.wait_for("undo the last decision")
    tmux.type("r")
    tmux.wait_for("page 2/3")
    tmux.type("q")
    tmux.wait_for("decision(s) recorded as dora")
    got = decisions(queue_file)
    assert got[("P1", 1)] == ("rejected", "dora") and got[("P1", 2)] == ("approved", "dora") and got[("P2", 1)] == ("pending", "")


def test_small_terminal_pages_ranges_undo_and_confirmation_in_tmux(terminal, queue_file):
    """A 16-line terminal: P3's six changes take screens; a range, an undo, a, and the second answer."""
    tmux = terminal(height=16)
    tmux.wait_for("review> ")
    tmux.type("s")
    tmux.wait_for("page 2/3")
    tmux.type("s")
    shown = tmux.wait_for("page 3/3")
    assert "screen 1/" in shown and "[6]" not in shown  # not all six fit: one screenful at a time
    tmux.type("1-2 y")
    tmux.wait_for("approved 2 changes (1, 2)")
    tmux.type("u")
    tmux.wait_for("undone: 2 changes (1, 2) undecided again")
    tmux.type("a")
    tmux.wait_for("approve them too? [y/N]")
    tmux.type("y")
    tmux.wait_for("approved change 6")
    tmux.wait_for("the last page: 2 page(s) still have undecided changes: u undoes the last decision, Enter ends")
    tmux.type("")
    tmux.wait_for("decision(s) recorded as dora")
    got = {number: decision for (title, number), (decision, _) in decisions(queue_file).items() if title == "P3"}
    assert got == dict.fromkeys(range(1, 7), "approved")


def test_pager_in_tmux(terminal):
    """o opens the page text in less; q in less comes back to the review prompt."""
    tmux = terminal()
    tmux.wait_for("review> ")
    tmux.clear()
    tmux.type("o")
    shown = tmux.wait_for("(END)")
    assert "    1 | 首句。這是[A](../Page/A.md" in shown and "review> " not in shown
    tmux.type("q", enter=False)
    tmux.wait_for("review> ")


def test_a_bulk_key_leaves_a_decision_made_meanwhile(queue_file):
    """While the reviewer reads P1's screen, someone else rejects its change 2; the reviewer's `a`
    (approve the page) takes only what is still undecided: the other rejection stands."""
    import io

    from bot.present.review import Review

    database = Database(queue_file)
    queue = Queue(database)
    typed = iter(["a", "q"])

    def read_line(prompt: str) -> str:
        line = next(typed)
        if line == "a":  # the screen was drawn from the queue as it was; now someone else decides
            other = Database(queue_file)
            Queue(other).decide(1, [2], "rejected", "dave")
            other.close()
        return line

    out = io.StringIO()
    Review(queue, "carol", read_line, out).run()
    database.close()
    assert "decided meanwhile by someone else, left as they are: change 2" in out.getvalue()
    assert decisions(queue_file)[("P1", 1)] == ("approved", "carol")
    assert decisions(queue_file)[("P1", 2)] == ("rejected", "dave")


@pytest.mark.parametrize("line, key, numbers, target, decision", [
    ("g 150", Key.GOTO, (150,), "", None),
    ("g150", Key.GOTO, (150,), "", None),
    ("f", Key.FILTER, (), "", None),
    ("f md-mirror", Key.FILTER, (), "md-mirror", None),
    ("F md-mirror/title/proven", Key.FILTER, (), "md-mirror/title/proven", None),
    ("f 2", Key.FILTER, (), "2", None),
    ("c", Key.CLASSES, (), "", None),
    ("c 2", Key.CLASSES, (), "2", None),
    ("c md-mirror/title/proven", Key.CLASSES, (), "md-mirror/title/proven", None),  # "proven" ends in n: not a verdict
    ("c 2 y", Key.CLASS, (), "2", "approved"),
    ("c md-mirror/title/proven n", Key.CLASS, (), "md-mirror/title/proven", "rejected"),
    ("  c 3   y ", Key.CLASS, (), "3", "approved"),
    ("2 4 7 y", Key.NUMBERS, (2, 4, 7), "", "approved"),
])  # fmt: skip
def test_named_keys(line, key, numbers, target, decision):
    command = parse_command(line)
    assert (command.key, command.numbers, command.target, command.decision) == (key, numbers, target, decision)


@pytest.mark.parametrize("line, error", [
    ("g", "g takes one change number: g 150"),
    ("g x", "g takes one change number: g 150"),
    ("f a b", "unknown command 'f a b'"),
    ("c 2 y n", "unknown command 'c 2 y n'"),
])  # fmt: skip
def test_named_keys_refused_in_one_line(line, error):
    command = parse_command(line)
    assert command.key is Key.UNKNOWN and command.error.startswith(error) and "\n" not in command.error


@pytest.mark.parametrize("numbers, text", [
    ([7], "change 7"),
    (list(range(1, 307)), "306 changes (1–306)"),
    ([*range(1, 121), *range(122, 307)], "305 changes (1–120, 122–306)"),
    ([4, 5, 9], "3 changes (4, 5, 9)"),
    (list(range(1, 307, 2)), "153 changes (1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, …)"),
])  # fmt: skip
def test_numbers_in_one_short_line(numbers, text):
    assert numbers_phrase(numbers) == text


def run_review(path, typed: list[str], screen=None) -> str:
    """A review in this process, as ``linkbot review`` runs it, typed lines in; what it wrote."""
    import io

    from bot.present.review import Review, Screen

    lines = iter(typed)

    def read_line(prompt: str) -> str:
        out.write(prompt)
        line = next(lines, None)
        if line is None:
            raise EOFError
        line = line.make() if hasattr(line, "make") else line
        out.write(line + "\n")
        return line

    out = io.StringIO()
    database = Database(path)
    Review(Queue(database), "carol", read_line, out, screen=screen or Screen()).run()
    database.close()
    return out.getvalue()


@pytest.fixture
def offline_queue_file(tmp_path):
    """P3 of ``queue_file`` as an offline scan records it: no wiki asked, nothing proven."""
    path = tmp_path / "offline.sqlite3"
    database = Database(path, create=True)
    many = "\n\n".join(f'[L{n}](../Page/L{n}.md "wikilink")' for n in range(1, 6)) + "\n\n" + IMAGE
    Queue(database).record("wikipedia:zh", 3, analyze(many, ZH_WIKIPEDIA, title="P3"), "r")
    database.close()
    return path


def test_classes_refused_asked_decided_and_undone(offline_queue_file):
    """The image's class needs review (refused with the reason); the links' class is not proven:
    approved only after a second answer; the class decision undone with u."""
    queue_file = offline_queue_file
    out = run_review(queue_file, ["c", "c 2", "c 1 y", "c 2 y", "n", "c md-mirror/title/unasked y", "y", "u", "c 9 y", "q"])
    assert " 1. file/image/unasked/review  1 change(s): 1 undecided" in out
    assert " 2. md-mirror/title/unasked  5 change(s): 5 undecided" in out and "    [1] pending" in out  # c 2: its samples
    assert "class file/image/unasked/review: its changes need review: they are decided one by one" in out
    assert "approve changes the wiki did not prove? [y/N] n\nnothing decided" in out
    assert "approved 5 changes (1–5) of class md-mirror/title/unasked\n" in out
    assert "undone: 5 changes (1–5) undecided again" in out
    assert "no class 9: this page has classes 1–2 (c lists them)" in out
    got = {number: decision for (title, number), (decision, _) in decisions(queue_file).items() if title == "P3"}
    assert got == dict.fromkeys(range(1, 7), "pending")
    database = Database(queue_file)
    trail = [(entry.number, entry.decision, entry.reason, entry.source) for entry in Queue(database).audit(1)]
    database.close()
    assert trail[0] == (1, "approved", "class md-mirror/title/unasked", "review") and trail[5] == (1, "pending", "undo", "review")


def test_after_the_last_page_u_is_offered(queue_file):
    """The last page decided, the session waits: u undoes the last decision and goes back to its page;
    anything else is answered in one line; Enter ends (nothing typed after it is read)."""
    out = run_review(queue_file, ["s", "s", "a", "y", "what", "u", "6 n", "", "never read"])
    assert out.count("the last page: 2 page(s) still have undecided changes: u undoes the last decision, Enter ends") == 2
    assert "review> what\nu undoes the last decision, Enter ends\n" in out
    assert "undone: change 6 undecided again" in out and out.count("page 3/3") == 2  # back on the page
    assert "rejected change 6" in out and out.endswith("6 decision(s) recorded as carol\n")
    got = {number: decision for (title, number), (decision, _) in decisions(queue_file).items() if title == "P3"}
    assert got == {**dict.fromkeys(range(1, 6), "approved"), 6: "rejected"}
    assert "never read" not in out


def test_nothing_decided_ends_at_once(queue_file):
    out = run_review(queue_file, ["s", "s", "s", "never read"])
    assert "all pages reviewed" not in out and "never read" not in out and out.endswith("0 decision(s) recorded as carol\n")


def test_an_image_change_shows_the_wikis_rendering_in_words():
    """A change whose scan recorded the wiki's rendering (bot.core.preview) says what readers will see."""
    import dataclasses

    from bot.core.preview import ImagePreview
    from bot.present.review_screen import change_block, styled
    from bot.queue.records import QueuedChange

    text = '[L](../Page/L.md "wikilink")\n\n' + IMAGE  # a mirror page: its image is a change too
    change = analyze(text, ZH_WIKIPEDIA, title="P").changes[-1]
    preview = ImagePreview("https://upload.example.org/A.jpg", 220, 165, "A", "北京\x1b[31m", "right", "thumb")
    item = QueuedChange(1, dataclasses.replace(change, preview=preview.to_json()), "pending")
    proposal = dataclasses.make_dataclass("P", ["base_text"])(text)
    shown = styled(change_block(proposal, item), 200, False)
    assert "the wiki shows: an image, 220×165 px, thumb, right, caption “北京␛[31m”: https://upload.example.org/A.jpg" in shown
    bad = dataclasses.replace(item, change=dataclasses.replace(change, preview=preview.to_json().replace("https:", "javascript:")))
    assert "the wiki shows" not in styled(change_block(proposal, bad), 200, False)


def test_undo_leaves_a_decision_someone_made_since(queue_file):
    """carol approves P1's change 1, bob rejects it from the command line, carol types u: bob's
    rejection stands, and the review says so; her other change is undone."""
    from bot.queue.states import Decision

    def bob_rejects() -> str:
        database = Database(queue_file)
        Queue(database).decide(1, [1], Decision.REJECTED, "bob")
        database.close()
        return "u"

    out = run_review(queue_file, ["1,2 y", _Later(bob_rejects), "q"])
    assert "undone: change 2 undecided again" in out and "decided since by bob, left as it is: change 1" in out
    assert decisions(queue_file)[("P1", 1)] == ("rejected", "bob") and decisions(queue_file)[("P1", 2)] == ("pending", "")


def test_bulk_keys_ask_before_approving_what_the_wiki_did_not_prove(offline_queue_file):
    out = run_review(offline_queue_file, ["a", "n", "n", "q"])
    assert "5 changes (1–5): not proven by the wiki, not approved" in out
    assert "change 6: needs review, not approved" in out
    got = {number: decision for (title, number), (decision, _) in decisions(offline_queue_file).items()}
    assert got == dict.fromkeys(range(1, 7), "pending")


class _Later(str):
    """A typed line computed when it is read (another reviewer acting between two lines)."""

    def __new__(cls, make):
        made = super().__new__(cls, "")
        made.make = make
        return made


def test_the_end_says_whether_pages_still_wait(queue_file):
    out = run_review(queue_file, ["a", "a", "a", "y", ""])
    assert "all pages reviewed: u undoes the last decision, Enter ends" in out
