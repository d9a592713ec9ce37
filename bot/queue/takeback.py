"""Taking a reviewer's own decisions back (an undo in ``linkbot review`` or ``linkbot serve``).

An undo puts each change back as it was before the reviewer's decision, but only a change that still
holds that decision, made by that reviewer: when someone decided it since, their decision stands and
the undo says so. One transaction; the audit trail keeps every row (the undo is rows of its own).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.queue.proposals import Queue, now, refresh_status
from bot.queue.states import Decision, Source


@dataclass(frozen=True)
class TakenBack:
    undone: tuple[tuple[int, Decision], ...]  # (number, the decision it holds again)
    left: tuple[tuple[int, str, Decision], ...]  # (number, who decided it since, what): left as it is


def take_back(queue: Queue, proposal_id: int, entries: Sequence[tuple[int, Decision, Decision]], who: str,
              source: Source, reason: str = "undo", made_as: str = "") -> TakenBack:  # fmt: skip
    """For each (number, the decision ``who`` made, the decision before it): back to the one before,
    when the change's latest decision is still ``who``'s own and the same; with ``made_as``, only when
    that decision's reason ends with it too (a bulk decision's own mark: the same reviewer deciding the
    change again since, from another window, is a decision since)."""
    undone, left = [], []
    with queue.db.transaction() as sql:
        queue.check_open(sql, proposal_id)
        stamp = now()
        for number, made, before in entries:
            latest = sql.execute("SELECT decision, who, reason FROM decision WHERE proposal_id = ? AND number = ? ORDER BY id DESC LIMIT 1",
                                 (proposal_id, number)).fetchone()  # fmt: skip
            if latest is None or latest["decision"] != made or latest["who"] != who or not latest["reason"].endswith(made_as):
                left.append((number, latest["who"] if latest else "", Decision(latest["decision"]) if latest else Decision.PENDING))
                continue
            sql.execute("INSERT INTO decision (proposal_id, number, decision, who, at, reason, source) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (proposal_id, number, before, who, stamp, reason, source))  # fmt: skip
            undone.append((number, before))
        refresh_status(sql, proposal_id)
    return TakenBack(tuple(undone), tuple(left))
