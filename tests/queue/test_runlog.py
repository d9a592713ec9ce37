"""Runs in the queue: recorded when they start, each saved revision at once, the outcome at the end."""

from __future__ import annotations

import pytest

from bot.errors import InputError
from bot.queue.runlog import RunEdit, RunLog, RunRecord, RunSkip
from bot.queue.store import Database


def record(run_id: str, **fields) -> RunRecord:
    values = dict(command="run", wiki="wikipedia:zh", mode="live", trial=None, undoes=None, started_at="",
                  ended_at=None, config_digest="abc", sources=("-cat:X",), settings={"edits_per_minute": 6}, outcome={})  # fmt: skip
    values.update(fields)
    return RunRecord(run_id, **values)


def test_a_run_with_its_edits_and_skips(tmp_path):
    database = Database(tmp_path / "queue.sqlite3", create=True)
    log = RunLog(database)
    log.start(record("r1", trial=3))
    log.edit("r1", RunEdit("甲", 10, 11, {"md-url": 2, "md-mirror": 1}, 3, "机器人：修复 3 个链接", ""))
    log.edit("r1", RunEdit("乙", 20, 21, {"md-url": 1}, 1, "机器人：修复 1 个链接", ""))
    got = log.get("r1")
    assert got.ended_at is None and [edit.new_revid for edit in got.edits] == [11, 21]  # killed here: still answers
    log.finish("r1", {"edits": 2, "stopped": "max-edits"}, [RunSkip("丙", "{{nobots}}")])
    database.close()
    got = RunLog(Database(tmp_path / "queue.sqlite3", create=True)).get("r1")
    assert got.trial == 3 and got.ended_at and got.outcome == {"edits": 2, "stopped": "max-edits"}
    assert got.edits[0].rules == {"md-url": 2, "md-mirror": 1} and got.sources == ("-cat:X",)
    assert got.skips == (RunSkip("丙", "{{nobots}}"),) and got.settings == {"edits_per_minute": 6}


def test_list_undo_runs_and_unknown(tmp_path):
    log = RunLog(Database(tmp_path / "queue.sqlite3", create=True))
    log.start(record("r1"))
    log.start(record("u1", command="undo", undoes="r1"))
    assert [run.id for run in log.list()] == ["u1", "r1"]
    assert [run.id for run in log.undo_runs("r1")] == ["u1"]
    with pytest.raises(InputError, match="no such run"):
        log.get("nope")
