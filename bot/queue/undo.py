"""Undoing a bulk decision: the changes it decided are undecided again, unless decided since.

A reviewer approves a page's or a class's 290 changes and at once thinks better of it. The undo
names the numbers the bulk decision took and the decision it made; it withdraws exactly those whose
latest decision is still that one, by the same reviewer (a change someone decided since, or the same
reviewer decided otherwise one by one, stands). One transaction; the trail keeps every row.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.queue.proposals import Queue, now, refresh_status
from bot.queue.records import placeholders
from bot.queue.states import Decision, Source


def withdraw(queue: Queue, proposal_id: int, numbers: Sequence[int], decision: Decision, who: str,
             reason: str = "undo", source: Source = Source.CLI) -> list[int]:  # fmt: skip
    """Set back to undecided those of ``numbers`` whose latest decision is still ``decision`` by
    ``who``; the numbers withdrawn."""
    if not numbers or decision == Decision.PENDING:
        return []
    chosen = sorted(set(numbers))
    with queue.db.transaction() as sql:
        queue.check_open(sql, proposal_id)
        rows = sql.execute(
            f"""SELECT c.number FROM change c JOIN decision d ON d.id = (
                    SELECT id FROM decision WHERE proposal_id = c.proposal_id AND number = c.number ORDER BY id DESC LIMIT 1)
                WHERE c.proposal_id = ? AND c.decision = ? AND d.who = ? AND c.number IN ({placeholders(chosen)})
                ORDER BY c.number""",
            (proposal_id, decision, who, *chosen),
        ).fetchall()  # fmt: skip
        withdrawn = [row["number"] for row in rows]
        stamp = now()
        sql.executemany(
            "INSERT INTO decision (proposal_id, number, decision, who, at, reason, source) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(proposal_id, number, Decision.PENDING, who, stamp, reason, source) for number in withdrawn],
        )
        if withdrawn:
            refresh_status(sql, proposal_id)
    return withdrawn
