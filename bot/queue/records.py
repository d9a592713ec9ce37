"""The values read from the review queue: proposals with their changes and decisions, a proposal's
decision mark, audit entries; and loading proposals from their rows (one query for many)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.model import Change, Display, Rule
from bot.queue.states import Decision, Source, Status
from bot.queue.store import Database


@dataclass(frozen=True)
class QueuedChange:
    number: int
    change: Change
    decision: Decision
    decided_by: str = ""
    reason: str = ""


@dataclass(frozen=True)
class Proposal:
    id: int
    wiki: str
    title: str
    base_revid: int
    base_sha1: str
    base_text: str
    diff: str
    status: Status
    created_at: str
    run_id: str
    saved_revid: int | None
    error: str | None
    changes: tuple[QueuedChange, ...]
    carried: int | None = None  # applied with changes left: where they went (None: not yet; 0: nowhere)

    def approved(self) -> tuple[QueuedChange, ...]:
        return tuple(item for item in self.changes if item.decision == Decision.APPROVED)

    def undecided(self) -> bool:
        return any(item.decision == Decision.PENDING for item in self.changes)


@dataclass(frozen=True)
class DecisionMark:
    """A proposal's status and its latest decision's id, as read at one moment (see ``Queue.decision_mark``)."""

    status: Status
    last_decision: int


@dataclass(frozen=True)
class AuditEntry:
    """One decision as the append-only audit trail holds it."""

    number: int
    decision: Decision
    who: str
    at: str
    reason: str
    source: Source


def proposals_of(db: Database, rows: Sequence[sqlite3.Row]) -> list[Proposal]:
    """Proposals from their rows, with their changes and each change's decision (one query for all)."""
    if not rows:
        return []
    changes: dict[int, list[QueuedChange]] = {row["id"]: [] for row in rows}
    for change in db.query(
        f"""SELECT c.*, d.who, d.reason FROM change c
            LEFT JOIN decision d ON d.id = (
                SELECT id FROM decision WHERE proposal_id = c.proposal_id AND number = c.number ORDER BY id DESC LIMIT 1)
            WHERE c.proposal_id IN ({placeholders(rows)}) ORDER BY c.proposal_id, c.number""",
        [row["id"] for row in rows],
    ):  # fmt: skip
        changes[change["proposal_id"]].append(_queued(change))
    found = []
    for row in rows:
        fields = {key: row[key] for key in row.keys() if key != "updated_at"}
        fields["status"] = Status(fields["status"])
        found.append(Proposal(**fields, changes=tuple(changes[row["id"]])))
    return found


def _queued(row: sqlite3.Row) -> QueuedChange:
    change = Change(
        Rule(row["rule"]), row["start"], row["end"], row["old"], row["new"], bool(row["needs_review"]),
        Display(row["display"]), row["note"], id=row["change_id"], proof=row["proof"], preview=row["preview"],
    )  # fmt: skip
    decision = Decision(row["decision"] or Decision.PENDING)
    if decision == Decision.PENDING:  # never decided, or withdrawn (the trail says by whom)
        return QueuedChange(row["number"], change, decision)
    return QueuedChange(row["number"], change, decision, row["who"] or "", row["reason"] or "")


def placeholders(values) -> str:
    """SQL placeholders for ``values`` (their values go in as parameters, never into the text)."""
    return ",".join("?" * len(values))
