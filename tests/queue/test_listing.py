"""Lists at any size: filters, pages and counts in SQL, the same as the proposals themselves say."""

from __future__ import annotations

import pytest

from bot.core import ZH_WIKIPEDIA, analyze
from bot.queue.listing import WAITING, Filters, Listing
from bot.queue.proposals import Queue
from bot.queue.store import Database

PAGE = '[A](../Page/A.md "wikilink") [B](https://zh.wikipedia.org/wiki/B) [C](../Page/C.md "wikilink")'


@pytest.fixture
def filled(tmp_path):
    """40 proposals: every third approved in part, every fifth all rejected, one applied; two wikis."""
    database = Database(tmp_path / "queue.sqlite3", create=True)
    queue = Queue(database)
    for number in range(40):
        title = f"Page {number:02d}" if number % 7 else f"Other {number:02d}"
        recorded = queue.record("zh" if number < 35 else "ja", 1, analyze(PAGE, ZH_WIKIPEDIA, title=title), "run")
        if number % 3 == 0:
            queue.decide(recorded.id, [1], "approved", "ann")
        if number % 5 == 0:
            queue.decide(recorded.id, None, "rejected", "bob")
    queue.mark(2, "applied", saved_revid=9)
    yield queue, Listing(database)
    database.close()


@pytest.mark.parametrize(
    "filters",
    [Filters(), Filters(status=WAITING), Filters(status="rejected"), Filters(status="applied"), Filters(rule="md-url"),
     Filters(title="other"), Filters(title="page 1"), Filters(wiki="ja"), Filters(exact_title="Page 03"),
     Filters(status=WAITING, undecided=True), Filters(rule="file")],
)  # fmt: skip
def test_a_list_is_what_the_proposals_say(filled, filters):
    queue, listing = filled
    everything = queue.list()
    expected = [p for p in everything if _matches(p, filters)]
    assert [s.id for s in listing.summaries(filters)] == [p.id for p in expected]
    assert listing.count(filters) == len(expected)
    assert [p.id for p in listing.proposals(filters)] == [p.id for p in expected]
    for summary, proposal in zip(listing.summaries(filters), expected, strict=True):
        decisions = [item.decision for item in proposal.changes]
        assert (summary.counts.total, summary.counts.approved, summary.counts.rejected, summary.counts.pending) == (
            len(decisions), decisions.count("approved"), decisions.count("rejected"), decisions.count("pending"))
    per_rule = {count.rule: count.counts.total for count in listing.per_rule(filters)}
    rules: dict[str, int] = {}
    for proposal in expected:
        for item in proposal.changes:
            rules[item.change.rule.value] = rules.get(item.change.rule.value, 0) + 1
    assert per_rule == rules


def _matches(proposal, filters: Filters) -> bool:
    return (
        (not filters.wiki or proposal.wiki == filters.wiki)
        and (not filters.status or (proposal.status in ("pending", "approved") if filters.status == WAITING else proposal.status == filters.status))
        and (not filters.rule or any(item.change.rule.value == filters.rule for item in proposal.changes))
        and (not filters.title or filters.title.lower() in proposal.title.lower())
        and (not filters.exact_title or proposal.title == filters.exact_title)
        and (not filters.undecided or proposal.undecided())
    )  # fmt: skip


def test_pages_of_a_list(filled):
    queue, listing = filled
    every = [s.id for s in listing.summaries(Filters())]
    pages = [[s.id for s in listing.page(Filters(), offset, 15)] for offset in (0, 15, 30, 45)]
    assert pages[0] + pages[1] + pages[2] == every and pages[3] == []
    small = Listing(queue.db, batch=7)  # the streams read in batches: the same, batch by batch
    assert [s.id for s in small.summaries(Filters())] == every and [p.id for p in small.proposals(Filters())] == every


def test_the_tally_follows_every_move(filled):
    """Recording, deciding, withdrawing, superseding and marking move the triggers' tally exactly as
    counting the changes again would."""
    queue, listing = filled
    newer = queue.record("zh", 2, analyze(PAGE.replace("[A](../Page/A.md \"wikilink\")", "[[A]]"), ZH_WIKIPEDIA, title="Page 01"), "run")
    queue.decide(newer.id, [1], "approved", "ann")
    queue.decide(newer.id, [1], "pending", "ann", "undo")
    queue.decide(newer.id, None, "rejected", "bob")
    queue.mark(3, "stale", error="changed")
    for status in ("", WAITING, "pending", "approved", "rejected", "superseded", "applied", "stale"):
        tallied = listing.per_rule(Filters(status=status))
        counted = listing.per_rule(Filters(status=status, title="e"))  # every title has an "e": counted from the changes
        assert tallied == counted, status
