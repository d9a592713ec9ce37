"""Statistics from a queue with several runs, decisions and a revert."""

from __future__ import annotations

import pytest

from bot.core import ZH_WIKIPEDIA, analyze
from bot.queue.proposals import Queue
from bot.queue.runlog import RunEdit, RunLog, RunRecord
from bot.queue.states import Decision, Status
from bot.queue.stats import collect_stats, period_of
from bot.queue.store import Database

PAGE = '[A](../Page/A.md "wikilink") [B](https://zh.wikipedia.org/wiki/B "wikilink") [C](../Page/C.md "wikilink")'


def run(run_id: str, command: str = "run", undoes: str | None = None) -> RunRecord:
    return RunRecord(run_id, command, "wikipedia:zh", "live", None, undoes, "2026-12-01T10:00:00+00:00", None, "d", (), {}, {})


def filled_queue(path) -> Database:
    """Two runs on two days (three edits on two pages), an undo of one edit, decisions, a revert."""
    database = Database(path, create=True)
    queue, log = Queue(database), RunLog(database)
    first = queue.record("wikipedia:zh", 1, analyze(PAGE, ZH_WIKIPEDIA, title="甲"), "r1").id
    queue.decide(first, [1, 2], Decision.APPROVED, "ann")
    queue.decide(first, [3], Decision.REJECTED, "ann")
    queue.mark(first, Status.APPLIED, saved_revid=2)
    # someone undid the bot's edit: the next scan finds [A] and [B] again
    queue.record("wikipedia:zh", 3, analyze(PAGE, ZH_WIKIPEDIA, title="甲"), "r2")
    queue.record("wikipedia:zh", 5, analyze(PAGE, ZH_WIKIPEDIA, title="乙"), "r2")
    log.start(run("r1"))
    log.edit("r1", RunEdit("甲", 1, 2, {"md-mirror": 1, "md-url": 1}, 2, "s", "2026-12-01T10:00:05+00:00"))
    log.start(run("r2"))
    log.edit("r2", RunEdit("乙", 5, 6, {"md-mirror": 2}, 2, "s", "2026-12-02T09:00:00+00:00"))
    log.edit("r2", RunEdit("丙", 7, 8, {"md-url": 1}, 1, "s", "2026-12-02T09:00:09+00:00"))
    log.start(run("u1", "undo", "r2"))
    log.edit("u1", RunEdit("丙", 8, 9, {"md-url": 1}, 1, "undo", "2026-12-02T11:00:00+00:00"))
    return database


def test_counts(tmp_path):
    stats = collect_stats(filled_queue(tmp_path / "queue.sqlite3"))
    assert (stats.edits, stats.pages_fixed, stats.changes_saved, stats.undone_by_linkbot) == (3, 3, 5, 1)
    assert [(p.period, p.edits, p.pages, p.changes) for p in stats.periods] == [
        ("2026-12-01", 1, 1, {"md-mirror": 1, "md-url": 1}), ("2026-12-02", 2, 2, {"md-mirror": 2, "md-url": 1}),
    ]  # fmt: skip
    rules = {rule.rule: rule for rule in stats.rules}
    assert (rules["md-mirror"].approved, rules["md-mirror"].rejected) == (1, 1)  # [A] approved, [C] rejected
    assert rules["md-url"].approved == 1 and rules["md-url"].approval_rate == 1.0 and rules["md-mirror"].rejection_rate == 0.5
    assert stats.reverted_by_others == 2 and rules["md-mirror"].reverted == 1 and rules["md-url"].reverted == 1
    # waiting: 甲's new proposal (its reverted [A], [B]: a person decides again; [C] stays rejected) and 乙's three
    assert stats.waiting == 5 and rules["md-mirror"].waiting == 3


@pytest.mark.parametrize(("stamp", "by", "period"), [
    ("2026-12-06T22:00:00+00:00", "day", "2026-12-06"), ("2026-12-06T22:00:00+00:00", "week", "2026-W49"),
    ("2027-01-01T00:00:00+00:00", "week", "2026-W53"),
])  # fmt: skip
def test_periods(stamp, by, period):
    assert period_of(stamp, by) == period
