"""Proposals in the queue: record a scan, decide on changes, list, and follow a proposal's lifecycle.

A proposal is one page at one base revision. Its changes carry stable ids (bot.core.model);
a decision is a row in the append-only ``decision`` table, so a change's current decision is
its latest row and the whole history stays readable. Scanning the same base again records
nothing; scanning a newer base supersedes the page's open proposals and carries their
decisions over to the changes that are still identical.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.core.classes import class_of
from bot.core.model import PageResult, Rule
from bot.errors import InputError, QueueError
from bot.queue.records import (
    AuditEntry,
    DecisionMark,
    Proposal,
    placeholders,
    proposals_of,
)
from bot.queue.states import AWAITING, OPEN, Decision, Source, Status
from bot.queue.store import Database


@dataclass(frozen=True)
class Recorded:
    id: int | None  # None: the page has nothing to change
    created: bool
    superseded: tuple[int, ...] = ()
    carried: int = 0
    auto_approved: int = 0
    reverted: int = 0  # changes applied before and undone since: they wait for a person


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


class Queue:
    def __init__(self, database: Database) -> None:
        self.db = database

    def record(
        self, wiki: str, base_revid: int, result: PageResult, run_id: str, auto_approve: frozenset[Rule] = frozenset()
    ) -> Recorded:
        """Record a scan of one page (``result.text`` is the base text); idempotent per base revision.
        ``auto_approve``: rules whose undecided changes are approved now (live runs only: a dry run
        decides nothing, see ``auto_approvable``)."""
        base_sha1 = sha1(result.text)
        with self.db.transaction() as sql:
            # A revert brings back an old text under a new revision: that is a new proposal.
            row = sql.execute(_SAME_BASE, (wiki, result.title, base_revid, base_sha1)).fetchone()
            if row is not None:
                # Seen before (a dry run queued it): a run that auto-approves still approves its
                # open changes that nobody decided on.
                auto = 0
                if auto_approve and _status(sql, row["id"]) in OPEN:
                    reverted = _reverted(sql, wiki, result.title, row["id"])
                    auto = _auto_approve(sql, row["id"], auto_approve, reverted)
                    refresh_status(sql, row["id"])
                return Recorded(row["id"], created=False, auto_approved=auto)
            older = [r["id"] for r in sql.execute(
                f"SELECT id FROM proposal WHERE wiki = ? AND title = ? AND status IN ({placeholders(OPEN)}) ORDER BY id",
                (wiki, result.title, *OPEN),
            )]  # fmt: skip
            for proposal_id in older:
                _set_status(sql, proposal_id, Status.SUPERSEDED)
            if not result.changes:
                return Recorded(None, created=False, superseded=tuple(older))
            proposal_id = _insert(sql, wiki, base_revid, base_sha1, result, run_id)
            reverted = _reverted(sql, wiki, result.title, proposal_id)
            carried = _carry_over(sql, _predecessors(sql, wiki, result.title, older, proposal_id), proposal_id, reverted)
            auto = _auto_approve(sql, proposal_id, auto_approve, reverted)
            refresh_status(sql, proposal_id)
        return Recorded(proposal_id, True, tuple(older), carried, auto, len(reverted))

    def decide(self, proposal_id: int, numbers: Sequence[int] | None, decision: Decision, who: str, reason: str = "",
               source: Source = Source.CLI) -> Proposal:  # fmt: skip
        """Approve or reject some changes (``numbers``) or all of them (None) of an open proposal;
        ``Decision.PENDING`` withdraws a decision (an undo): the trail keeps both rows."""
        with self.db.transaction() as sql:
            self._decide(sql, proposal_id, numbers, decision, who, reason, source, only="")
        return self.get(proposal_id)

    def decide_changed(self, proposal_id: int, numbers: Sequence[int], decision: Decision, who: str, reason: str = "",
                       source: Source = Source.CLI) -> list[int]:  # fmt: skip
        """Those of ``numbers`` not so decided already (a second click on "approve" records nothing); the numbers decided."""
        with self.db.transaction() as sql:
            return self._decide(sql, proposal_id, numbers, decision, who, reason, source, only="changed")

    def decide_undecided(self, proposal_id: int, numbers: Sequence[int] | None, decision: Decision, who: str,
                         reason: str = "", source: Source = Source.CLI) -> list[int]:  # fmt: skip
        """A bulk decision ("the page", "the rule", "the screen"): only those of ``numbers`` still
        undecided when it is written, never over a decision someone made since the list was read;
        the numbers it decided."""
        with self.db.transaction() as sql:
            return self._decide(sql, proposal_id, numbers, decision, who, reason, source, only="undecided")

    def _decide(self, sql, proposal_id: int, numbers, decision: Decision, who: str, reason: str, source: Source,
                only: str) -> list[int]:  # fmt: skip
        self.check_open(sql, proposal_id)
        current = {r["number"]: r["decision"] for r in sql.execute("SELECT number, decision FROM change WHERE proposal_id = ?", (proposal_id,))}
        chosen = sorted(current) if numbers is None else list(numbers)
        unknown = [number for number in chosen if number not in current]
        if unknown:
            raise InputError(f"proposal {proposal_id}", f"has no change {unknown[0]} (it has 1 to {len(current)})")
        if only:  # "undecided": those nobody decided; "changed": those not so decided already
            chosen = [number for number in chosen if (current[number] == Decision.PENDING if only == "undecided" else current[number] != decision)]
        stamp = now()
        sql.executemany(
            "INSERT INTO decision (proposal_id, number, decision, who, at, reason, source) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(proposal_id, number, decision, who, stamp, reason, source) for number in chosen],
        )
        refresh_status(sql, proposal_id)
        return chosen

    @staticmethod
    def check_open(sql, proposal_id: int) -> None:
        """Refuse a decision on a proposal that is not open (or not in the queue), saying where its page's open one is."""
        status = _status(sql, proposal_id)
        if status not in OPEN:
            raise InputError(f"proposal {proposal_id}", _closed(sql, proposal_id, status))

    def decision_mark(self, proposal_id: int) -> DecisionMark:
        """Where the proposal's decisions stand: its status and its latest decision's id. The trail is
        append-only, so an equal mark means no decision was made, withdrawn or changed since."""
        row = self.db.query(
            "SELECT status, (SELECT coalesce(max(id), 0) FROM decision WHERE proposal_id = proposal.id) AS last "
            "FROM proposal WHERE id = ?", (proposal_id,),
        )  # fmt: skip
        if not row:
            raise InputError(f"proposal {proposal_id}", "no such proposal in the queue")
        return DecisionMark(Status(row[0]["status"]), row[0]["last"])

    def last_decision(self) -> int:
        """The audit trail's last decision (its id; 0 for none): read inside a save's transaction, what
        was decided at the moment of saving."""
        return self.db.query("SELECT coalesce(max(id), 0) FROM decision")[0][0]

    def waiting(self, wiki: str) -> int:
        """Changes of the wiki's open proposals that wait for a decision: the queue's count, not a run's."""
        rows = self.db.query(
            f"""SELECT count(*) FROM change c JOIN proposal p ON p.id = c.proposal_id
                WHERE p.wiki = ? AND p.status IN ({placeholders(AWAITING)}) AND c.decision = ?""",
            (wiki, *AWAITING, Decision.PENDING),
        )  # fmt: skip
        return rows[0][0]

    def open_counterpart(self, proposal_id: int, number: int) -> tuple[int, int] | None:
        """The same change (by its stable id) in its page's open proposal, when ``proposal_id`` was
        superseded or went stale since: (that proposal, its number), or None."""
        rows = self.db.query(
            f"""SELECT n.proposal_id, n.number FROM change o
                JOIN proposal op ON op.id = o.proposal_id
                JOIN proposal np ON np.wiki = op.wiki AND np.title = op.title AND np.id > op.id AND np.status IN ({placeholders(OPEN)})
                JOIN change n ON n.proposal_id = np.id AND n.change_id = o.change_id
                WHERE o.proposal_id = ? AND o.number = ? ORDER BY np.id DESC LIMIT 1""",
            (*OPEN, proposal_id, number),
        )  # fmt: skip
        return (rows[0]["proposal_id"], rows[0]["number"]) if rows else None

    def has_proposal(self, wiki: str, title: str, base_revid: int, base_text: str) -> bool:
        """Whether this revision of the page (this text) is in the queue already."""
        return bool(self.db.query(_SAME_BASE, (wiki, title, base_revid, sha1(base_text))))

    def remember_wiki(self, wiki: str, index_url: str) -> None:
        """Where the wiki's index.php is: reviews link to the page, its base revision and the diff. A
        queue that knows the wiki at another address refuses: its decisions belong to that wiki, and a
        pywikibot folder or ``[wiki] id`` pointing elsewhere must not apply them here."""
        with self.db.transaction() as sql:
            known = sql.execute("SELECT index_url FROM wiki WHERE id = ?", (wiki,)).fetchone()
            if known is not None and known["index_url"] != index_url:
                raise QueueError(f"{self.db.path}: this queue's wiki {wiki!r} is at {known['index_url']}, but pywikibot is "
                                 f"connected to {index_url}: another wiki? (check PYWIKIBOT_DIR, the config's [wiki] id "
                                 "and --queue)")  # fmt: skip
            sql.execute("INSERT INTO wiki (id, index_url) VALUES (?, ?) ON CONFLICT (id) DO NOTHING", (wiki, index_url))

    def wiki_urls(self) -> dict[str, str]:
        """The index.php address of each wiki the queue knows (see ``remember_wiki``)."""
        return {row["id"]: row["index_url"] for row in self.db.query("SELECT id, index_url FROM wiki")}

    def auto_approvable(self, proposal_id: int, rules: frozenset[Rule]) -> set[int]:
        """Numbers of the changes a live run would approve now by ``rules`` (nothing is written)."""
        row = self.db.query("SELECT wiki, title FROM proposal WHERE id = ?", (proposal_id,))
        if not row or not rules:
            return set()
        reverted = _reverted(self.db.connection, row[0]["wiki"], row[0]["title"], proposal_id)
        return {r["number"] for r in _auto_approvable(self.db.connection, proposal_id, rules, reverted)}

    def get(self, proposal_id: int) -> Proposal:
        rows = self.db.query("SELECT * FROM proposal WHERE id = ?", (proposal_id,))
        if not rows:
            raise InputError(f"proposal {proposal_id}", "no such proposal in the queue")
        return self._proposal(rows[0])

    def list(self, status: str | None = None, rule: str | None = None, page: str | None = None) -> list[Proposal]:
        clauses, parameters = [], []
        if status:
            clauses.append("status = ?")
            parameters.append(status)
        if page:
            clauses.append("title = ?")
            parameters.append(page)
        if rule:
            clauses.append("id IN (SELECT proposal_id FROM change WHERE rule = ?)")
            parameters.append(rule)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self.db.query(f"SELECT * FROM proposal {where} ORDER BY id", parameters)
        return [proposal for start in range(0, len(rows), 500) for proposal in proposals_of(self.db, rows[start : start + 500])]

    def audit(self, proposal_id: int) -> list[AuditEntry]:
        rows = self.db.query(
            "SELECT number, decision, who, at, reason, source FROM decision WHERE proposal_id = ? ORDER BY id",
            (proposal_id,),
        )
        return [
            AuditEntry(row["number"], Decision(row["decision"]), row["who"], row["at"], row["reason"], Source(row["source"]))
            for row in rows
        ]

    def mark(self, proposal_id: int, status: Status, saved_revid: int | None = None, error: str | None = None) -> None:
        with self.db.transaction() as sql:
            sql.execute(
                "UPDATE proposal SET status = ?, saved_revid = coalesce(?, saved_revid), error = ?, updated_at = ? WHERE id = ?",
                (status, saved_revid, error, now(), proposal_id),
            )

    def mark_applied(self, proposal_id: int, saved_revid: int, remaining: bool) -> None:
        """Saved as ``saved_revid``; with ``remaining`` changes (undecided, rejected) still to be
        proposed on that revision (``carried_to`` says where, once they are)."""
        with self.db.transaction() as sql:
            sql.execute("UPDATE proposal SET status = ?, saved_revid = ?, error = NULL, carried = ?, updated_at = ? WHERE id = ?",
                        (Status.APPLIED, saved_revid, None if remaining else 0, now(), proposal_id))  # fmt: skip

    def carried_to(self, proposal_id: int, successor: int | None) -> None:
        """The applied proposal's remaining changes are proposed again as ``successor`` (None: nothing was left)."""
        with self.db.transaction() as sql:
            sql.execute("UPDATE proposal SET carried = ? WHERE id = ?", (successor or 0, proposal_id))

    def earlier_text(self, wiki: str, title: str) -> str | None:
        """The text of the page's revision the queue's latest proposal for it was made on (None: no
        proposal yet): what the page was when linkbot last judged it."""
        rows = self.db.query("SELECT base_text FROM proposal WHERE wiki = ? AND title = ? ORDER BY id DESC LIMIT 1", (wiki, title))
        return rows[0]["base_text"] if rows else None

    def uncarried(self, wiki: str) -> list[tuple[int, str, int]]:
        """Applied proposals whose remaining changes were not proposed again yet (a run stopped between
        its save and that): (id, title, saved revision)."""
        rows = self.db.query("SELECT id, title, saved_revid FROM proposal WHERE wiki = ? AND status = ? AND carried IS NULL "
                             "AND saved_revid IS NOT NULL ORDER BY id", (wiki, Status.APPLIED))  # fmt: skip
        return [(row["id"], row["title"], row["saved_revid"]) for row in rows]

    def _proposal(self, row: sqlite3.Row) -> Proposal:
        return proposals_of(self.db, [row])[0]


# The proposal of one revision of a page with one text, if the queue has it.
_SAME_BASE = "SELECT id FROM proposal WHERE wiki = ? AND title = ? AND base_revid = ? AND base_sha1 = ?"


def _insert(sql, wiki: str, base_revid: int, base_sha1: str, result: PageResult, run_id: str) -> int:
    stamp = now()
    cursor = sql.execute(
        """INSERT INTO proposal (wiki, title, base_revid, base_sha1, base_text, diff, created_at, run_id, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (wiki, result.title, base_revid, base_sha1, result.text, result.diff, stamp, run_id, stamp),
    )
    proposal_id = cursor.lastrowid
    sql.executemany(
        """INSERT INTO change (proposal_id, number, change_id, rule, start, "end", old, new, needs_review, display, note, proof,
                               class, preview)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [
            (proposal_id, number, c.id, c.rule.value, c.start, c.end, c.old, c.new, int(c.needs_review), c.display.value, c.note,
             c.proof, class_of(c).id, c.preview)
            for number, c in enumerate(result.changes, 1)
        ],
    )
    return proposal_id


def _reverted(sql, wiki: str, title: str, proposal_id: int) -> set[int]:
    """Numbers of the new proposal's changes that an earlier run already saved on this page.

    Being proposed again means someone undid them: they wait for a person's fresh decision
    (no carry-over, no auto-approval), so the bot never re-applies a reverted change by itself.
    """
    rows = sql.execute(
        """SELECT n.number FROM change n
           JOIN change o ON o.change_id = n.change_id
           JOIN proposal p ON p.id = o.proposal_id
           JOIN decision d ON d.proposal_id = o.proposal_id AND d.number = o.number
           WHERE n.proposal_id = ? AND p.wiki = ? AND p.title = ? AND p.status = ? AND p.id != ?
             AND d.id = (SELECT max(id) FROM decision WHERE proposal_id = o.proposal_id AND number = o.number)
             AND d.decision = ?""",
        (proposal_id, wiki, title, Status.APPLIED, proposal_id, Decision.APPROVED),
    ).fetchall()
    return {row["number"] for row in rows}


def _carry_over(sql, older: list[int], proposal_id: int, reverted: set[int] = frozenset()) -> int:
    """Decisions on changes that are still identical (same stable id) move to the new proposal."""
    if not older:
        return 0
    rows = sql.execute(
        f"""SELECT n.number, d.decision, d.who, d.reason FROM decision d
            JOIN change o ON o.proposal_id = d.proposal_id AND o.number = d.number
            JOIN change n ON n.proposal_id = ? AND n.change_id = o.change_id
            WHERE d.proposal_id IN ({placeholders(older)}) ORDER BY d.id""",
        (proposal_id, *older),
    ).fetchall()
    rows = [r for r in rows if r["number"] not in reverted]
    stamp = now()
    sql.executemany(
        "INSERT INTO decision (proposal_id, number, decision, who, at, reason, source) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(proposal_id, r["number"], r["decision"], r["who"], stamp, r["reason"], Source.CARRIED_OVER) for r in rows],
    )
    return len({r["number"] for r in rows})


def _predecessors(sql, wiki: str, title: str, older: list[int], proposal_id: int) -> list[int]:
    """The proposals whose decisions a new proposal of the page inherits: the open ones it supersedes,
    and the page's latest applied one, so that a rejection outlives the save of the page's other
    changes. (Approvals of applied changes do not come back: see ``_reverted``. A stale proposal's
    decisions do not either: the page changed under them, and a person looks again.)"""
    closed = sql.execute(
        "SELECT id FROM proposal WHERE wiki = ? AND title = ? AND status = ? AND id < ? ORDER BY id DESC LIMIT 1",
        (wiki, title, Status.APPLIED, proposal_id),
    ).fetchone()
    return sorted({*older, *([closed["id"]] if closed else [])})


def _auto_approvable(sql, proposal_id: int, rules: frozenset[Rule], reverted: set[int]) -> list:
    """The undecided changes of these rules that do not need review and were not reverted."""
    rows = sql.execute(
        """SELECT number, rule FROM change c WHERE proposal_id = ? AND needs_review = 0
           AND NOT EXISTS (SELECT 1 FROM decision d WHERE d.proposal_id = c.proposal_id AND d.number = c.number)""",
        (proposal_id,),
    ).fetchall()
    return [r for r in rows if Rule(r["rule"]) in rules and r["number"] not in reverted]


def _auto_approve(sql, proposal_id: int, rules: frozenset[Rule], reverted: set[int] = frozenset()) -> int:
    """Mechanical rules may be approved by configuration; changes that need review never are."""
    if not rules:
        return 0
    chosen = _auto_approvable(sql, proposal_id, rules, reverted)
    stamp = now()
    sql.executemany(
        "INSERT INTO decision (proposal_id, number, decision, who, at, reason, source) VALUES (?, ?, ?, ?, ?, '', ?)",
        [(proposal_id, r["number"], Decision.APPROVED, f"{Source.AUTO_APPROVE}:{r['rule']}", stamp, Source.AUTO_APPROVE) for r in chosen],
    )
    return len(chosen)


def _status(sql, proposal_id: int) -> Status:
    row = sql.execute("SELECT status FROM proposal WHERE id = ?", (proposal_id,)).fetchone()
    if row is None:
        raise InputError(f"proposal {proposal_id}", "no such proposal in the queue")
    return Status(row["status"])


def _closed(sql, proposal_id: int, status: Status) -> str:
    """Why a closed proposal takes no decision, and where its page's open proposal is."""
    row = sql.execute("SELECT wiki, title, saved_revid FROM proposal WHERE id = ?", (proposal_id,)).fetchone()
    saved = f" (saved as revision {row['saved_revid']})" if status == Status.APPLIED and row["saved_revid"] else ""
    successor = sql.execute(
        f"SELECT id FROM proposal WHERE wiki = ? AND title = ? AND status IN ({placeholders(OPEN)}) ORDER BY id DESC LIMIT 1",
        (row["wiki"], row["title"], *OPEN),
    ).fetchone()
    where = f"; the page's open proposal is {successor['id']}" if successor else ""
    return f"is {status}{saved}; decisions are for open proposals{where}"


def _set_status(sql, proposal_id: int, status: Status) -> None:
    sql.execute("UPDATE proposal SET status = ?, updated_at = ? WHERE id = ?", (status, now(), proposal_id))


def refresh_status(sql, proposal_id: int) -> None:
    """pending while nothing is approved and something is undecided; approved once anything is; rejected when all are."""
    row = sql.execute(
        "SELECT count(*) AS total, sum(decision = ?) AS approved, sum(decision = ?) AS rejected FROM change WHERE proposal_id = ?",
        (Decision.APPROVED, Decision.REJECTED, proposal_id),
    ).fetchone()
    approved, rejected = row["approved"] or 0, row["rejected"] or 0
    status = Status.APPROVED if approved else Status.REJECTED if rejected == row["total"] else Status.PENDING
    _set_status(sql, proposal_id, status)
