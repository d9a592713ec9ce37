"""Taking decisions back (bot.queue.takeback): only a change still holding the reviewer's own decision."""

from __future__ import annotations

import pytest

from bot.core import ZH_WIKIPEDIA, analyze
from bot.errors import InputError
from bot.queue.proposals import Queue
from bot.queue.states import Decision, Source
from bot.queue.store import Database
from bot.queue.takeback import take_back

PAGE = '[北京](../Page/北京.md "wikilink")、[上海](../Page/上海.md "wikilink")、[广州](../Page/广州.md "wikilink")'


@pytest.fixture
def queue(tmp_path):
    database = Database(tmp_path / "queue.sqlite3", create=True)
    yield Queue(database)
    database.close()


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
