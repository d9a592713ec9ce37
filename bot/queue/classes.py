"""A queue's classes of changes (bot.core.classes): counted for one proposal or for every proposal
waiting for review, and decided at once.

Each change's class is a column written when the change is recorded, so a whole queue's classes
are read without parsing a change again. A class decision on a proposal is one transaction (over the
whole queue, one per 500 proposals, so that other writers never wait for all of it): it takes
exactly the class's changes still undecided when it is written (a decision made meanwhile stands),
of open proposals only, never a change that needs review (its class says so), and records each
change's decision in the audit trail with the class named.
"""

from __future__ import annotations

from functools import lru_cache

from bot.core.classes import ChangeClass, ClassGroup, ClassMember, group
from bot.errors import InputError
from bot.queue.proposals import Queue, now, refresh_status
from bot.queue.records import placeholders
from bot.queue.states import AWAITING, OPEN, Decision, Source

Key = tuple[int, int]  # (proposal id, change number)


def queue_classes(queue: Queue, proposal_id: int | None = None, wiki: str = "") -> list[ClassGroup[Key]]:
    """The classes of one proposal's changes (any status), or of every waiting proposal's (of ``wiki``)."""
    clauses, parameters = _scope(proposal_id, wiki, AWAITING)
    rows = queue.db.query(
        f"SELECT c.proposal_id, c.number, c.class, c.new, c.decision FROM change c JOIN proposal p ON p.id = c.proposal_id "
        f"WHERE {clauses} ORDER BY c.proposal_id, c.number", parameters,
    )  # fmt: skip
    members = [ClassMember((row["proposal_id"], row["number"]), _parsed(row["class"]), row["new"], Decision(row["decision"])) for row in rows]
    return group(members)


def decide_class(queue: Queue, class_id: str, decision: Decision, who: str, *, proposal_id: int | None = None, wiki: str = "",
                 include_unproven: bool = False, reason: str = "", source: Source = Source.CLI) -> dict[int, list[int]]:  # fmt: skip
    """Approve or reject a class's undecided changes, of one proposal or of every open one (of
    ``wiki``): {proposal id: the numbers decided} (empty: nothing of it was left undecided). Refused
    (``InputError``) for an id that names no class or a class the proposals do not have, a class of
    changes that need review, and an approval of changes the wiki did not prove (disagreeing ones
    never; the others with ``include_unproven``)."""
    change_class = ChangeClass.parse(class_id)
    if change_class is None:
        raise InputError(f"class {class_id!r}", "is not a class (rule/outcome/proof, as linkbot classes lists them)")
    why = change_class.decidable(include_unproven or decision != Decision.APPROVED)
    if why and (decision == Decision.APPROVED or change_class.needs_review):
        raise InputError(f"class {class_id}", why)
    note = f"class {change_class.id}" + (f"; {reason}" if reason else "")
    if proposal_id is not None:
        chunks = [[proposal_id]]
    else:  # the whole queue: a transaction per chunk of proposals, so that no writer waits for all of them
        clauses, parameters = _scope(None, wiki, OPEN)
        ids = [row[0] for row in queue.db.query(
            f"SELECT DISTINCT c.proposal_id FROM change c INDEXED BY change_by_class JOIN proposal p ON p.id = c.proposal_id "
            f"WHERE c.class = ? AND {clauses} ORDER BY c.proposal_id", (change_class.id, *parameters))]  # fmt: skip
        chunks = [ids[start : start + CHUNK] for start in range(0, len(ids), CHUNK)]
    if not chunks or not chunks[0]:
        raise InputError(f"class {change_class.id}", "the open proposals have no change of this class (linkbot classes lists theirs)")
    decided: dict[int, list[int]] = {}
    for chunk in chunks:
        decided.update(_decide_in(queue, chunk, change_class.id, decision, who, note, source, named=proposal_id is not None))
    return decided


CHUNK = 500  # proposals a transaction, when a class is decided over the whole queue


def _decide_in(queue: Queue, proposal_ids: list[int], class_id: str, decision: Decision, who: str, note: str, source: Source,
               named: bool) -> dict[int, list[int]]:  # fmt: skip
    """One transaction: the class's changes of these proposals still undecided and open as it is written."""
    decided: dict[int, list[int]] = {}
    with queue.db.transaction() as sql:
        if named:
            queue.check_open(sql, proposal_ids[0])  # an unknown or closed proposal is an error, not an empty class
        rows = sql.execute(
            f"SELECT c.proposal_id, c.number, c.decision FROM change c JOIN proposal p ON p.id = c.proposal_id "
            f"WHERE p.id IN ({placeholders(proposal_ids)}) AND p.status IN ({placeholders(OPEN)}) AND c.class = ? "
            "ORDER BY c.proposal_id, c.number", (*proposal_ids, *sorted(OPEN), class_id),
        ).fetchall()  # fmt: skip
        if named and not rows:
            raise InputError(f"class {class_id}", f"proposal {proposal_ids[0]} has no change of this class (linkbot classes lists its classes)")
        rows = [row for row in rows if row["decision"] == Decision.PENDING]
        stamp = now()
        sql.executemany(
            "INSERT INTO decision (proposal_id, number, decision, who, at, reason, source) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(row["proposal_id"], row["number"], decision, who, stamp, note, source) for row in rows],
        )
        for row in rows:
            decided.setdefault(row["proposal_id"], []).append(row["number"])
        for decided_id in decided:
            refresh_status(sql, decided_id)
    return decided


def _scope(proposal_id: int | None, wiki: str, statuses) -> tuple[str, list]:
    if proposal_id is not None:
        return "p.id = ?", [proposal_id]
    clauses, parameters = [f"p.status IN ({placeholders(statuses)})"], sorted(statuses)
    if wiki:
        clauses.append("p.wiki = ?")
        parameters.append(wiki)
    return " AND ".join(clauses), parameters


@lru_cache(maxsize=256)
def _parsed(class_id: str) -> ChangeClass:
    parsed = ChangeClass.parse(class_id)
    if parsed is None:  # written by linkbot itself: an id it cannot read is a damaged queue
        raise InputError(f"class {class_id!r}", "is not a class this linkbot knows (a queue of another version?)")
    return parsed
