"""Lists of proposals for people, at any size of queue: filters, pages, counts and streams in SQL.

A list never loads a proposal's page text or diff, nor the changes of proposals it does not show:
a page of the web review reads its 100 proposals' counts in one query; the counts per rule over a
whole filter are one grouped query (a change's current decision is a column the audit trail's
trigger keeps, bot.queue.schema); the command line and the report stream in batches.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from bot.queue.records import Proposal, proposals_of
from bot.queue.states import AWAITING, Decision, Status
from bot.queue.store import Database

WAITING = "waiting"  # a status filter: the proposals with something to decide or to save (AWAITING)
BATCH = 500


@dataclass(frozen=True)
class Filters:
    status: str = ""  # a Status, WAITING, or "" for every status
    rule: str = ""  # proposals with a change of this rule
    title: str = ""  # part of the page's title (ASCII letters in any case)
    wiki: str = ""
    exact_title: str = ""  # this page only
    undecided: bool = False  # only proposals with a change nobody has decided on


@dataclass(frozen=True)
class Counts:
    total: int = 0
    approved: int = 0
    rejected: int = 0
    pending: int = 0


@dataclass(frozen=True)
class ProposalSummary:
    """A proposal as a list shows it: no page text, no diff, its changes only counted."""

    id: int
    wiki: str
    title: str
    base_revid: int
    status: Status
    created_at: str
    saved_revid: int | None
    error: str | None
    counts: Counts
    rules: tuple[tuple[str, int], ...]  # rule -> changes of it, in rule order


@dataclass(frozen=True)
class RuleCount:
    rule: str
    counts: Counts


class Listing:
    """The proposals of one queue file that match ``Filters``, without loading what is not shown."""

    def __init__(self, database: Database, batch: int = BATCH) -> None:
        self.db, self.batch = database, batch  # rows read at a time by the streams

    def count(self, filters: Filters) -> int:
        where, parameters = _where(filters)
        return self.db.query(f"SELECT count(*) FROM proposal p {where}", parameters)[0][0]

    def page(self, filters: Filters, offset: int, limit: int) -> list[ProposalSummary]:
        where, parameters = _where(filters)
        rows = self.db.query(f"SELECT {_SUMMARY_COLUMNS} FROM proposal p {where} ORDER BY p.id LIMIT ? OFFSET ?",
                             [*parameters, limit, offset])  # fmt: skip
        return self._summaries(rows)

    def summaries(self, filters: Filters) -> Iterator[ProposalSummary]:
        """Every matching proposal's summary, oldest first, read a batch at a time."""
        for rows in self._batches(filters, _SUMMARY_COLUMNS):
            yield from self._summaries(rows)

    def proposals(self, filters: Filters) -> Iterator[Proposal]:
        """Every matching proposal whole (text, diff, changes), oldest first, a batch at a time."""
        for rows in self._batches(filters, "p.*"):
            yield from proposals_of(self.db, rows)

    def per_rule(self, filters: Filters) -> list[RuleCount]:
        """Over every matching proposal: each rule's changes and their decisions. By wiki and status
        alone, from the tally the triggers keep; with any other filter, counted from the changes."""
        if filters.rule or filters.title or filters.exact_title or filters.undecided:
            where, parameters = _where(filters)
            # One pass over an index in (rule, decision) order, each change's proposal looked up in the
            # matching set ("+" keeps SQLite from seeking the set's ids one by one instead): bounded by
            # the queue's size (~0.1 s for 250,000 changes), whatever the filter matches.
            rows = self.db.query(
                f"""SELECT c.rule, c.decision, count(*) AS n FROM change c INDEXED BY change_by_rule_decision
                    WHERE +c.proposal_id IN (SELECT p.id FROM proposal p {where}) GROUP BY c.rule, c.decision""",
                parameters,
            )  # fmt: skip
        else:
            where, parameters = _where(filters)
            # The tally has the wiki and status columns the filter reads (as "p"): the same clauses apply.
            rows = self.db.query(f"SELECT rule, decision, sum(n) AS n FROM tally p {where} GROUP BY rule, decision", parameters)
        counted: dict[str, dict[str, int]] = {}
        for row in rows:
            if row["n"]:
                counted.setdefault(row["rule"], {})[row["decision"]] = row["n"]
        return [RuleCount(rule, _counts(by_decision)) for rule, by_decision in sorted(counted.items())]

    def _batches(self, filters: Filters, columns: str) -> Iterator[list]:
        """Keyset pages of the matching rows: each batch its own short read, none holding the file."""
        where, parameters = _where(filters)
        joiner = "AND" if where else "WHERE"
        last = 0
        while rows := self.db.query(f"SELECT {columns} FROM proposal p {where} {joiner} p.id > ? ORDER BY p.id LIMIT ?",
                                    [*parameters, last, self.batch]):  # fmt: skip
            yield rows
            last = rows[-1]["id"]

    def _summaries(self, rows) -> list[ProposalSummary]:
        if not rows:
            return []
        ids = [row["id"] for row in rows]
        found: dict[int, dict[str, dict[str, int]]] = {proposal_id: {} for proposal_id in ids}
        for row in self.db.query(
            f"""SELECT proposal_id, rule, decision, count(*) AS n FROM change WHERE proposal_id IN ({",".join("?" * len(ids))})
                GROUP BY proposal_id, rule, decision""",
            ids,
        ):  # fmt: skip
            found[row["proposal_id"]].setdefault(row["rule"], {})[row["decision"]] = row["n"]
        return [_summary(row, found[row["id"]]) for row in rows]


_SUMMARY_COLUMNS = "p.id, p.wiki, p.title, p.base_revid, p.status, p.created_at, p.saved_revid, p.error"


def _where(filters: Filters) -> tuple[str, list]:
    clauses, parameters = [], []
    if filters.wiki:
        clauses.append("p.wiki = ?")
        parameters.append(filters.wiki)
    if filters.status == WAITING:
        clauses.append(f"p.status IN ({','.join('?' * len(AWAITING))})")
        parameters.extend(sorted(AWAITING))
    elif filters.status:
        clauses.append("p.status = ?")
        parameters.append(filters.status)
    if filters.rule:
        clauses.append("EXISTS (SELECT 1 FROM change x WHERE x.proposal_id = p.id AND x.rule = ?)")
        parameters.append(filters.rule)
    if filters.title:
        clauses.append("instr(lower(p.title), lower(?)) > 0")
        parameters.append(filters.title)
    if filters.exact_title:
        clauses.append("p.title = ?")
        parameters.append(filters.exact_title)
    if filters.undecided:
        clauses.append("EXISTS (SELECT 1 FROM change c WHERE c.proposal_id = p.id AND c.decision = ?)")
        parameters.append(Decision.PENDING)
    return (f"WHERE {' AND '.join(clauses)}" if clauses else ""), parameters


def _counts(by_decision: dict[str, int]) -> Counts:
    return Counts(sum(by_decision.values()), by_decision.get(Decision.APPROVED, 0), by_decision.get(Decision.REJECTED, 0),
                  by_decision.get(Decision.PENDING, 0))  # fmt: skip


def _summary(row, by_rule: dict[str, dict[str, int]]) -> ProposalSummary:
    merged: dict[str, int] = {}
    for by_decision in by_rule.values():
        for decision, number in by_decision.items():
            merged[decision] = merged.get(decision, 0) + number
    rules = tuple((rule, sum(by_decision.values())) for rule, by_decision in sorted(by_rule.items()))
    return ProposalSummary(row["id"], row["wiki"], row["title"], row["base_revid"], Status(row["status"]), row["created_at"],
                           row["saved_revid"], row["error"], _counts(merged), rules)  # fmt: skip
