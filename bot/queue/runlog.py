"""The runs that saved edits, as the queue keeps them: for a trial's report, an undo, statistics.

A run is recorded when it starts (command, wiki, mode, trial size, the config's digest, its sources
and the rate and load settings a bot-approval request asks about) and finished with its outcome;
each revision it saved is a row (page, old and new revision, rules and change counts, edit summary)
written as soon as the save returns, so a run killed midway still answers for what it did.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.errors import InputError
from bot.queue.proposals import now
from bot.queue.store import Database


@dataclass(frozen=True)
class RunEdit:
    title: str
    old_revid: int
    new_revid: int
    rules: Mapping[str, int]  # rule id -> changes of it in the edit
    changes: int
    summary: str
    at: str
    kind: str = "page"  # page, or review-page (the bot's review page: listed apart from the task's edits)
    proposal_id: int | None = None  # the proposal whose approved changes the edit saved
    numbers: tuple[int, ...] = ()  # which of its changes
    decided_upto: int | None = None  # the audit trail's last decision (its id) when the edit was saved


@dataclass(frozen=True)
class RunSkip:
    title: str
    why: str


@dataclass(frozen=True)
class RunRecord:
    id: str
    command: str  # scan, apply, run, undo
    wiki: str
    mode: str
    trial: int | None  # at most this many edits, for a bot-approval trial
    undoes: str | None  # an undo run: the run it undoes
    started_at: str
    ended_at: str | None  # None: still running, or killed
    config_digest: str
    sources: tuple[str, ...]
    settings: Mapping[str, object]  # rate and load: edits per minute, maxlag, summary prefix, task page
    outcome: Mapping[str, object]
    edits: tuple[RunEdit, ...] = ()
    skips: tuple[RunSkip, ...] = ()

    @property
    def page_edits(self) -> tuple[RunEdit, ...]:
        """The task's edits: what a trial counts, an undo reverts and the statistics show."""
        return tuple(edit for edit in self.edits if edit.kind == "page")

    @property
    def review_page_edits(self) -> tuple[RunEdit, ...]:
        """The run's publications of the bot's own review page: listed apart, never hidden."""
        return tuple(edit for edit in self.edits if edit.kind == "review-page")


class RunLog:
    """The runs of one queue file."""

    def __init__(self, database: Database) -> None:
        self.db = database

    def start(self, run: RunRecord) -> None:
        with self.db.transaction() as sql:
            sql.execute(
                "INSERT INTO run (id, command, wiki, mode, trial, undoes, started_at, config_digest, sources, settings) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (run.id, run.command, run.wiki, run.mode, run.trial, run.undoes, run.started_at or now(),
                 run.config_digest, json.dumps(list(run.sources), ensure_ascii=False), json.dumps(dict(run.settings))),
            )  # fmt: skip

    def edit(self, run_id: str, edit: RunEdit) -> None:
        with self.db.transaction() as sql:
            sql.execute(
                "INSERT INTO run_edit (run_id, title, old_revid, new_revid, rules, changes, summary, at, kind, proposal_id, "
                "numbers, decided_upto) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (run_id, edit.title, edit.old_revid, edit.new_revid, json.dumps(dict(edit.rules)), edit.changes,
                 edit.summary, edit.at or now(), edit.kind, edit.proposal_id, ",".join(map(str, edit.numbers)),
                 edit.decided_upto),
            )  # fmt: skip

    def finish(self, run_id: str, outcome: Mapping[str, object], skips: Sequence[RunSkip] = ()) -> None:
        with self.db.transaction() as sql:
            sql.execute("UPDATE run SET ended_at = ?, outcome = ? WHERE id = ?", (now(), json.dumps(dict(outcome)), run_id))
            sql.executemany("INSERT INTO run_skip (run_id, title, why) VALUES (?, ?, ?)",
                            [(run_id, skip.title, skip.why) for skip in skips])  # fmt: skip

    def unfinished(self, wiki: str, besides: str) -> str | None:
        """The latest run on ``wiki`` that never finished (killed), other than ``besides``: the one an
        edit found saved but not recorded belongs to."""
        rows = self.db.query("SELECT id FROM run WHERE wiki = ? AND ended_at IS NULL AND id != ? AND command != 'undo' "
                             "ORDER BY started_at DESC, rowid DESC LIMIT 1", (wiki, besides))  # fmt: skip
        return rows[0]["id"] if rows else None

    def has(self, run_id: str) -> bool:
        return bool(self.db.query("SELECT 1 FROM run WHERE id = ?", (run_id,)))

    def get(self, run_id: str) -> RunRecord:
        rows = self.db.query("SELECT * FROM run WHERE id = ?", (run_id,))
        if not rows:
            raise InputError(f"run {run_id}", "no such run in the queue (see linkbot runs)")
        edits = tuple(_edit(row) for row in self.db.query("SELECT * FROM run_edit WHERE run_id = ? ORDER BY id", (run_id,)))
        skips = tuple(RunSkip(row["title"], row["why"]) for row in self.db.query("SELECT * FROM run_skip WHERE run_id = ?", (run_id,)))
        return _record(rows[0], edits, skips)

    def list(self) -> list[RunRecord]:
        """Every run, newest first, with its edits (no skips)."""
        edits: dict[str, list[RunEdit]] = {}
        for row in self.db.query("SELECT * FROM run_edit ORDER BY id"):
            edits.setdefault(row["run_id"], []).append(_edit(row))
        rows = self.db.query("SELECT * FROM run ORDER BY started_at DESC, rowid DESC")
        return [_record(row, tuple(edits.get(row["id"], ())), ()) for row in rows]

    def undo_runs(self, run_id: str) -> list[RunRecord]:
        """The undo runs of ``run_id``, oldest first."""
        return [self.get(row["id"]) for row in self.db.query("SELECT id FROM run WHERE undoes = ? ORDER BY started_at", (run_id,))]


def _edit(row) -> RunEdit:
    numbers = tuple(int(number) for number in row["numbers"].split(",") if number)
    return RunEdit(row["title"], row["old_revid"], row["new_revid"], json.loads(row["rules"]), row["changes"], row["summary"],
                   row["at"], row["kind"], row["proposal_id"], numbers, row["decided_upto"])  # fmt: skip


def _record(row, edits: tuple[RunEdit, ...], skips: tuple[RunSkip, ...]) -> RunRecord:
    return RunRecord(
        row["id"], row["command"], row["wiki"], row["mode"], row["trial"], row["undoes"], row["started_at"], row["ended_at"],
        row["config_digest"], tuple(json.loads(row["sources"])), json.loads(row["settings"]),
        json.loads(row["outcome"]) if row["outcome"] else {}, edits, skips,
    )  # fmt: skip
