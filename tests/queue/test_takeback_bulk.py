"""Undoing a bulk decision (bot.queue.takeback): exactly its changes still so decided by the same
reviewer, in one transaction, the trail keeping every row."""

from __future__ import annotations

import pytest

from bot.core import ZH_WIKIPEDIA, analyze
from bot.errors import InputError
from bot.queue.proposals import Queue
from bot.queue.states import Decision, Source, Status
from bot.queue.store import Database
from bot.queue.takeback import take_back

PAGE = '[北京](../Page/北京.md "wikilink")、[上海](../Page/上海.md "wikilink")、[广州](../Page/广州.md "wikilink")、[深圳](../Page/深圳.md "wikilink")'


@pytest.fixture
def queue(tmp_path):
    database = Database(tmp_path / "queue.sqlite3", create=True)
    yield Queue(database)
    database.close()


def withdraw(queue, proposal, numbers, decision, who, source=Source.CLI) -> list[int]:
    """A bulk decision's undo, as the web app asks for it: back to undecided."""
    return [n for n, _ in take_back(queue, proposal, [(n, decision, Decision.PENDING) for n in numbers], who, source).undone]


def test_only_the_changes_still_so_decided_by_the_same_reviewer(queue):
    proposal = queue.record("zh", 1, analyze(PAGE, ZH_WIKIPEDIA, title="P"), "run").id
    bulk = queue.decide_undecided(proposal, None, Decision.APPROVED, "ann", source=Source.WEB)
    assert bulk == [1, 2, 3, 4]
    queue.decide(proposal, [2], Decision.REJECTED, "bo")  # someone else, since
    queue.decide(proposal, [3], Decision.REJECTED, "ann")  # the same reviewer, otherwise, one by one
    assert withdraw(queue, proposal, bulk, Decision.APPROVED, "ann", source=Source.WEB) == [1, 4]
    after = queue.get(proposal)
    assert [str(item.decision) for item in after.changes] == ["pending", "rejected", "rejected", "pending"]
    assert after.status == Status.PENDING
    assert [(e.number, e.decision, e.reason) for e in queue.audit(proposal)][-2:] == [(1, "pending", "undo"), (4, "pending", "undo")]
    assert withdraw(queue, proposal, bulk, Decision.APPROVED, "ann") == []  # nothing left: nothing written
    assert len(queue.audit(proposal)) == 8


def test_a_closed_or_unknown_proposal_is_refused(queue):
    proposal = queue.record("zh", 1, analyze(PAGE, ZH_WIKIPEDIA, title="P"), "run").id
    queue.mark(proposal, Status.SUPERSEDED)
    with pytest.raises(InputError, match="decisions are for open proposals"):
        withdraw(queue, proposal, [1], Decision.APPROVED, "ann")
    with pytest.raises(InputError, match="no such proposal"):
        withdraw(queue, 99, [1], Decision.APPROVED, "ann")
