"""Statistics an operator shows the community, counted from the queue: the runs' saved edits (per day
or week, per rule), pages fixed, changes waiting for review, decisions per rule, and reverts of the
bot's edits (by linkbot undo, and by others: a change the bot saved that a later scan finds again)."""

from __future__ import annotations

import datetime
import json
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import asdict, dataclass

from bot.queue.states import AWAITING, Decision, Status
from bot.queue.store import Database


@dataclass(frozen=True)
class PeriodCount:
    period: str  # 2026-12-06, or 2026-W49
    edits: int
    pages: int
    changes: Mapping[str, int]  # rule -> changes saved


@dataclass(frozen=True)
class RuleTotals:
    rule: str
    saved: int  # changes in the bot's edits
    approved: int  # by a person or a rule, latest decision per change
    rejected: int
    waiting: int  # undecided changes of open proposals
    reverted: int  # saved, then found again on the page (someone undid it)

    @property
    def approval_rate(self) -> float | None:
        decided = self.approved + self.rejected
        return round(self.approved / decided, 3) if decided else None

    @property
    def rejection_rate(self) -> float | None:
        decided = self.approved + self.rejected
        return round(self.rejected / decided, 3) if decided else None


@dataclass(frozen=True)
class Stats:
    by: str
    edits: int
    pages_fixed: int
    changes_saved: int
    waiting: int
    undone_by_linkbot: int  # revisions reverted by linkbot undo
    reverted_by_others: int  # changes
    periods: tuple[PeriodCount, ...]
    rules: tuple[RuleTotals, ...]

    def as_dict(self) -> dict:
        record = asdict(self)
        for rule, counted in zip(record["rules"], self.rules, strict=True):
            rule["approval_rate"], rule["rejection_rate"] = counted.approval_rate, counted.rejection_rate
        return record


def collect_stats(database: Database, by: str = "day") -> Stats:
    edits = database.query("SELECT e.title, e.rules, e.changes, e.at, r.command FROM run_edit e JOIN run r ON r.id = e.run_id "
                           "WHERE e.kind = 'page' ORDER BY e.id")  # not the bot's own review page  # fmt: skip
    bot_edits = [row for row in edits if row["command"] != "undo"]
    decided, waiting, reverted = _decisions(database), _waiting(database), _reverted(database)
    saved: Counter = Counter()
    for row in bot_edits:
        saved.update(json.loads(row["rules"]))
    rules = sorted(set(saved) | set(decided) | set(waiting) | set(reverted))
    return Stats(
        by, len(bot_edits), len({row["title"] for row in bot_edits}), sum(row["changes"] for row in bot_edits),
        sum(waiting.values()), len(edits) - len(bot_edits), sum(reverted.values()), _periods(bot_edits, by),
        tuple(RuleTotals(rule, saved[rule], decided[rule][Decision.APPROVED], decided[rule][Decision.REJECTED],
                        waiting[rule], reverted[rule]) for rule in rules),
    )  # fmt: skip


def period_of(stamp: str, by: str) -> str:
    day = datetime.date.fromisoformat(stamp[:10])
    if by == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    return day.isoformat()


def _periods(rows, by: str) -> tuple[PeriodCount, ...]:
    grouped: dict[str, list] = defaultdict(list)
    for row in rows:
        grouped[period_of(row["at"], by)].append(row)
    periods = []
    for period in sorted(grouped):
        changes: Counter = Counter()
        for row in grouped[period]:
            changes.update(json.loads(row["rules"]))
        periods.append(PeriodCount(period, len(grouped[period]), len({row["title"] for row in grouped[period]}), dict(changes)))
    return tuple(periods)


_LATEST = """SELECT c.rule, c.change_id, c.proposal_id, d.id AS decision_id, d.decision FROM change c
             LEFT JOIN decision d ON d.id = (SELECT max(id) FROM decision WHERE proposal_id = c.proposal_id AND number = c.number)"""


def _decisions(database: Database) -> dict[str, Counter]:
    """Per rule, each change's latest decision (a change carried over to newer proposals counts once)."""
    latest: dict[str, tuple[int, str, str]] = {}
    for row in database.query(_LATEST + " WHERE d.id IS NOT NULL"):
        if row["change_id"] not in latest or row["decision_id"] > latest[row["change_id"]][0]:
            latest[row["change_id"]] = (row["decision_id"], row["rule"], row["decision"])
    counts: dict[str, Counter] = defaultdict(Counter)
    for _, rule, decision in latest.values():
        counts[rule][decision] += 1
    return counts


def _waiting(database: Database) -> Counter:
    statuses = ",".join("?" * len(AWAITING))
    rows = database.query(
        _LATEST + f" JOIN proposal p ON p.id = c.proposal_id WHERE p.status IN ({statuses})"
        " AND (d.decision IS NULL OR d.decision = ?)",
        (*AWAITING, Decision.PENDING),
    )  # fmt: skip
    return Counter(row["rule"] for row in rows)


def _reverted(database: Database) -> Counter:
    """Per rule: approved changes of applied proposals that a later proposal of the page holds again."""
    rows = database.query(
        _LATEST + """ JOIN proposal p ON p.id = c.proposal_id
           WHERE p.status = ? AND d.decision = ? AND EXISTS (
               SELECT 1 FROM change n JOIN proposal q ON q.id = n.proposal_id
               WHERE n.change_id = c.change_id AND q.wiki = p.wiki AND q.title = p.title AND q.id > p.id)""",
        (Status.APPLIED, Decision.APPROVED),
    )
    return Counter(row["rule"] for row in {row["change_id"]: row for row in rows}.values())
