"""Taking decisions back (bot.queue.takeback): only a change still holding the reviewer's own decision;
a bulk decision's undo, exactly its changes still so decided."""

from __future__ import annotations

import pytest

from bot.core import ZH_WIKIPEDIA, analyze
from bot.errors import InputError
from bot.queue.states import Decision, Source, Status
from bot.queue.takeback import take_back

PAGE = '[北京](../Page/北京.md "wikilink")、[上海](../Page/上海.md "wikilink")、[广州](../Page/广州.md "wikilink")'
FOUR = '[北京](../Page/北京.md "wikilink")、[上海](../Page/上海.md "wikilink")、[广州](../Page/广州.md "wikilink")、[深圳](../Page/深圳.md "wikilink")'


def test_only_the_reviewers_own_standing_decisions_are_taken_back(queue):
    proposal = queue.record("zh", 1, analyze(PAGE, ZH_WIKIPEDIA, title="P"), "run").id
    queue.decide(proposal, [3], Decision.REJECTED, "bo")
    queue.decide(proposal, [1, 2, 3], Decision.APPROVED, "ann")
    queue.decide(proposal, [2], Decision.REJECTED, "bo")  # decided since by someone else
    taken = take_back(queue, proposal, [(1, Decision.APPROVED, Decision.PENDING), (2, Decision.APPROVED, Decision.PENDING),
                                        (3, Decision.APPROVED, Decision.REJECTED)], "ann", Source.WEB)  # fmt: skip
    assert taken.undone == ((1, Decision.PENDING), (3, Decision.REJECTED)) and taken.left == ((2, "bo", Decision.REJECTED),)
    assert [item.decision for item in queue.get(proposal).changes] == ["pending", "rejected", "rejected"]
    assert [(e.number, e.decision, e.who, e.reason) for e in queue.audit(proposal)][-2:] == [
        (1, "pending", "ann", "undo"), (3, "rejected", "ann", "undo")]
    assert take_back(queue, proposal, [(1, Decision.APPROVED, Decision.PENDING)], "ann", Source.WEB).left  # nothing twice


def test_a_closed_proposal_takes_nothing_back(queue):
    proposal = queue.record("zh", 1, analyze(PAGE, ZH_WIKIPEDIA, title="P"), "run").id
    queue.decide(proposal, [1], Decision.APPROVED, "ann")
    queue.record("zh", 2, analyze(PAGE + "。", ZH_WIKIPEDIA, title="P"), "run")
    with pytest.raises(InputError, match="superseded"):
        take_back(queue, proposal, [(1, Decision.APPROVED, Decision.PENDING)], "ann", Source.WEB)


def withdraw(queue, proposal, numbers, decision, who, source=Source.CLI) -> list[int]:
    """A bulk decision's undo, as the web app asks for it: back to undecided."""
    return [n for n, _ in take_back(queue, proposal, [(n, decision, Decision.PENDING) for n in numbers], who, source).undone]


def test_only_the_changes_still_so_decided_by_the_same_reviewer(queue):
    proposal = queue.record("zh", 1, analyze(FOUR, ZH_WIKIPEDIA, title="P"), "run").id
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
    proposal = queue.record("zh", 1, analyze(FOUR, ZH_WIKIPEDIA, title="P"), "run").id
    queue.mark(proposal, Status.SUPERSEDED)
    with pytest.raises(InputError, match="decisions are for open proposals"):
        withdraw(queue, proposal, [1], Decision.APPROVED, "ann")
    with pytest.raises(InputError, match="no such proposal"):
        withdraw(queue, 99, [1], Decision.APPROVED, "ann")
