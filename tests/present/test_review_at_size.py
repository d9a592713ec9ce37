"""The terminal review at real size: the seed page's 306 changes (a mirror page), recorded as the wiki
proved them, reviewed through a pipe, in this process on screens of a given size, and in tmux."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import pytest

from bot.core import ZH_WIKIPEDIA, analyze
from bot.present.review import Screen
from bot.present.review_keys import Key, parse_command
from bot.queue.proposals import Queue
from bot.queue.store import Database
from tests.present.test_review import ROOT, Tmux, decisions, run_review

SEED = ROOT / "seeds" / "000_d4b9c68d3e383551.txt"  # a mirror page: 306 changes
DECIDING = (Key.NUMBERS, Key.SCREEN, Key.ALL, Key.CLASS)  # the keys that record decisions


@pytest.fixture
def seed_queue(tmp_path):
    """A queue file holding the seed page's proposal: 306 changes, each proven by the wiki."""
    result = analyze(SEED.read_text(encoding="utf-8"), ZH_WIKIPEDIA, title="Seed")
    proven = tuple(dataclasses.replace(change, proof="proven") for change in result.changes)
    path = tmp_path / "queue.sqlite3"
    database = Database(path, create=True)
    Queue(database).record("wikipedia:zh", 1, dataclasses.replace(result, changes=proven), "run")
    database.close()
    return path


def seed_decisions(path) -> dict[int, str]:
    return {number: decision for (_, number), (decision, _) in decisions(path).items()}


def test_the_seed_page_takes_five_decisions(seed_queue):
    """A reviewer reads the classes with their samples (c) and decides each class once: 306 changes in
    5 decisions typed (the issue asks for at most 10), each answered in one short line."""
    typed = ["c", "c 1 y", "c 2 y", "c 3 y", "c 4 y", "c 5 y"]
    process = subprocess.run(
        [sys.executable, "-m", "bot", "review", "--queue", str(seed_queue), "--reviewer", "carol"],
        input="\n".join(typed) + "\n", capture_output=True, text=True, cwd=ROOT, timeout=60,
    )  # fmt: skip
    assert process.returncode == 0, process.stderr
    made = [line for line in typed if parse_command(line).key in DECIDING]
    assert len(made) == 5 <= 10
    assert set(seed_decisions(seed_queue).values()) == {"approved"} and len(seed_decisions(seed_queue)) == 306
    out = process.stdout
    assert " 5. md-mirror/title/proven  285 change(s): 285 undecided, 0 approved, 0 rejected" in out
    answers = [line for line in out.splitlines() if line.startswith(("review> approved", "approved"))]
    assert len(answers) == 5 and all(len(line) < 120 for line in answers), answers
    assert "approved 2 changes (305, 306) of class category/category-tag/proven" in out
    assert "all pages reviewed: u undoes the last decision, Enter ends" in out
    assert out.endswith("306 decision(s) recorded as carol\n")


def test_a_resumed_session_opens_on_the_first_undecided_change(seed_queue):
    database = Database(seed_queue)
    Queue(database).decide(1, list(range(1, 201)), "approved", "dave")
    database.close()
    out = run_review(seed_queue, ["q"], Screen(120, 30))
    assert "status: partly decided 200/306" in out
    assert "[201] pending" in out and "[1] approved" not in out and "[150] approved" not in out


def test_jump_filter_bulk_and_undo_on_screens(seed_queue):
    """On 30-line screens: g 150 shows the screen holding change 150; f narrows the screens to a rule;
    a approves what the filter shows in one line; the filter done, the page's others; u at the end."""
    typed = ["g 150", "g 999", "f nothing", "f member-add", "f 9", "f md-external", "g 150", "a", "a", "u", "q"]
    out = run_review(seed_queue, typed, Screen(120, 30))
    jumped = out.split("review> g 150\n")[1].split("review> ")[0]
    assert "[150] pending" in jumped and "[1] pending" not in jumped and " of 306 · screen " in jumped
    assert "no change 999: this page has changes 1–306" in out
    assert "not a rule, a class or a class number: 'nothing' (c lists the classes)" in out
    assert "no change of this page is of rule member-add" in out and "no class 9: this page has classes 1–5" in out
    filtered = out.split("review> f md-external\n")[1].split("review> ")[0]
    assert "filter md-external: 4 change(s) (f alone shows every change)\nchanges 1–3, 304 of 306 · screen 1/1\n" in filtered
    assert "change 150 is not in the filter md-external; f alone shows every change" in out
    assert "\napproved 4 changes (1–3, 304)\n" in out
    assert "every change of the filter md-external is decided: the filter is cleared" in out
    assert "\napproved 302 changes (4–303, 305, 306)\nall pages reviewed: u undoes the last decision, Enter ends\n" in out
    assert "undone: 302 changes (4–303, 305, 306) undecided again" in out
    got = seed_decisions(seed_queue)
    assert {number for number, decision in got.items() if decision == "approved"} == {1, 2, 3, 304}
    assert [number for number, decision in got.items() if decision == "pending"] == [*range(4, 304), 305, 306]


def test_a_filter_by_class_number_and_by_class_id(seed_queue):
    out = run_review(seed_queue, ["f 4", "y", "f md-mirror/title/proven", "f", "f", "q"])
    assert "filter class 4 md-mirror/label/proven: 15 change(s)" in out
    assert "approved 15 changes (38, 56, 70, 108, 112, 130, 132, 148, 156, …)" in out  # piped: the whole filter on one screen
    assert "filter md-mirror/title/proven: 285 change(s)" in out and "no filter is set: every change is shown" in out


def test_the_seed_page_in_tmux(seed_queue, tmp_path):
    """A real terminal of 120×40: g 150, a rule filter, a bulk approval answered in one line, u after
    the last page; the queue read back."""
    tmux = Tmux(str(tmp_path / "tmux.sock"), seed_queue, height=40)
    try:
        shown = tmux.wait_for("review> ")
        assert "306 change(s): 0 approved, 0 rejected, 306 undecided  · status: undecided" in shown and "[1] pending" in shown
        tmux.clear()
        tmux.type("g 150")
        shown = tmux.wait_for("[150] pending")
        assert "[1] pending" not in shown and "screen " in shown
        tmux.type("f md-mirror")
        shown = tmux.wait_for("filter md-mirror: 300 change(s)")
        assert "[1] pending" not in shown and "[4] pending" in shown  # 1-3 are md-external: not shown
        tmux.type("a")
        tmux.wait_for("every change of the filter md-mirror is decided: the filter is cleared")
        tmux.wait_for("approved 300 changes (4–303)", whole_line=True)  # one line of the terminal, not wrapped
        tmux.type("a")
        tmux.wait_for("all pages reviewed: u undoes the last decision, Enter ends")
        tmux.wait_for("approved 6 changes (1–3, 304–306)", whole_line=True)
        tmux.type("u")
        tmux.wait_for("undone: 6 changes (1–3, 304–306) undecided again")
        got = seed_decisions(seed_queue)
        assert [n for n, d in got.items() if d == "pending"] == [1, 2, 3, 304, 305, 306]
        assert [n for n, d in got.items() if d == "approved"] == list(range(4, 304))
        tmux.wait_for("status: partly decided 300/306")  # back on the page, its first undecided change shown
        tmux.type("q")
        tmux.wait_for("300 decision(s) recorded as dora")
    finally:
        tmux.close()
