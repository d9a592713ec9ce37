"""Decisions read from a review subpage, into a real queue: a change, a class (exactly its undecided
changes), the whole proposal (an approval its proven changes that do not need review, a rejection
also those not proven), never a change that needs review, only changes the page listed; a withdrawal of a class or proposal
decision, a closed proposal and nothing to take are refused with why."""

from __future__ import annotations

import dataclasses

import pytest

from bot.core import ZH_WIKIPEDIA, analyze
from bot.errors import InputError
from bot.queue.proposals import Queue
from bot.queue.store import Database
from bot.runs.review_decisions import NOTHING, WITHDRAWN, take_decision
from bot.core.attribution import WikiDecision

BROKEN = '[{0}](../Page/{0}.md "wikilink")'
PAGE = "。".join([BROKEN.format("A"), BROKEN.format("B"), "[C](https://zh.wikipedia.org/wiki/C)", BROKEN.format("D"), BROKEN.format("E")])
# A, B: md-mirror/title/proven; C: md-url/title/proven; D: md-mirror/title/unproven; E: proven but needs review.
PROOFS = ("proven", "proven", "proven", "unproven: the wiki could not say", "proven")


@pytest.fixture
def queue(tmp_path):
    result = analyze(PAGE, ZH_WIKIPEDIA, title="页")
    changes = tuple(dataclasses.replace(change, proof=proof, needs_review=number == 5)
                    for number, (change, proof) in enumerate(zip(result.changes, PROOFS, strict=True), 1))  # fmt: skip
    database = Database(tmp_path / "queue.sqlite3", create=True)
    store = Queue(database)
    store.record("sandbox:sandbox", 1, dataclasses.replace(result, changes=changes), "r")
    yield store
    database.close()


def decided(queue: Queue) -> dict[int, str]:
    return {item.number: str(item.decision) for item in queue.get(1).changes}


SHOWN = frozenset(f"1.{number}" for number in range(1, 6))  # the subpage listed every change


def wiki(field: str, decision: str = "approved", shown: frozenset[str] = SHOWN) -> WikiDecision:
    return WikiDecision(field, decision, "Editor", 42, True, shown=shown)


def test_a_class_decides_exactly_its_undecided_changes(queue):
    queue.decide(1, [2], "rejected", "Other")
    assert take_decision(queue, wiki("1/md-mirror/title/proven")) == 1
    assert decided(queue) == {1: "approved", 2: "rejected", 3: "pending", 4: "pending", 5: "pending"}
    (entry,) = [entry for entry in queue.audit(1) if entry.who == "Editor"]
    assert (entry.number, entry.source, entry.reason) == (1, "wiki", "class md-mirror/title/proven; on-wiki decision, revision 42")


def test_the_whole_proposal(queue):
    assert take_decision(queue, wiki("1")) == 3  # A, B, C: proven, no review
    assert decided(queue) == {1: "approved", 2: "approved", 3: "approved", 4: "pending", 5: "pending"}
    assert take_decision(queue, wiki("1", "rejected")) == 1  # D, not proven: a rejection takes it; E needs review
    assert decided(queue)[4] == "rejected" and decided(queue)[5] == "pending"
    with pytest.raises(InputError, match=NOTHING.format(id=1)):
        take_decision(queue, wiki("1"))


def test_only_changes_the_page_listed(queue):
    """Change 2 was decided when the page was published, and withdrawn elsewhere since: the class approval
    made on that page would take a change the reviewer did not see listed. Refused; nothing decided."""
    with pytest.raises(InputError, match=r"class md-mirror/title/proven now holds undecided change\(s\) the page did not list .*\(1\.2\)"):
        take_decision(queue, wiki("1/md-mirror/title/proven", shown=SHOWN - {"1.2"}))
    with pytest.raises(InputError, match=r"\(1\.2\)"):
        take_decision(queue, wiki("1", shown=SHOWN - {"1.2"}))
    assert set(decided(queue).values()) == {"pending"}


def test_refused_with_why(queue):
    with pytest.raises(InputError, match=WITHDRAWN):
        take_decision(queue, wiki("1/md-mirror/title/proven", "pending"))
    with pytest.raises(InputError, match="not proven"):
        take_decision(queue, wiki("1/md-mirror/title/unproven"))
    assert take_decision(queue, wiki("1.5")) == 1  # a change that needs review: one by one, on its own field
    queue.record("sandbox:sandbox", 2, analyze(PAGE + "。新的一句", ZH_WIKIPEDIA, title="页"), "r")  # supersedes proposal 1
    with pytest.raises(InputError, match="is superseded; decisions are for open proposals; the page.s open proposal is 2"):
        take_decision(queue, wiki("1/md-url/title/proven"))
