"""Proposals as the HTML pages show them (the static report and ``linkbot serve``): each change in
its sentence, counts per rule, and links to the wiki's page, base revision and diff.

Plain values for the templates (bot/present/templates): the templates only lay them out.
"""

from __future__ import annotations

import urllib.parse
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bot.core.model import Decision
from bot.core.context import change_context
from bot.present.rules import rule_label
from bot.queue.listing import ProposalSummary, RuleCount
from bot.queue.records import Proposal, QueuedChange


@dataclass(frozen=True)
class WikiLinks:
    page: str  # the page as it is now
    revision: str  # the base revision the proposal was made from
    diff: str  # what changed on the wiki since the base revision


def wiki_links(index_url: str, title: str, base_revid: int) -> WikiLinks | None:
    """Links into the wiki through its index.php (None when the queue does not know the wiki's address)."""
    if not index_url:
        return None
    name = urllib.parse.quote(title.replace(" ", "_"), safe="/:")
    return WikiLinks(f"{index_url}?title={name}", f"{index_url}?oldid={base_revid}", f"{index_url}?diff=cur&oldid={base_revid}")


@dataclass(frozen=True)
class ChangeView:
    number: int
    change_id: str
    rule: str
    rule_label: str
    needs_review: bool
    note: str
    decision: str
    decided_by: str
    before: str  # the sentence up to the change
    old: str
    new: str
    after: str
    proof: str = ""  # "proven", "disagrees: why", "unproven: why", "" (not asked)


@dataclass(frozen=True)
class RuleStats:
    rule: str
    label: str
    total: int
    approved: int
    rejected: int
    pending: int


@dataclass(frozen=True)
class ProposalView:
    id: int
    title: str
    wiki: str
    status: str
    base_revid: int
    saved_revid: int | None
    error: str
    created_at: str
    links: WikiLinks | None
    changes: tuple[ChangeView, ...]
    rules: tuple[RuleStats, ...]
    needs_review_pending: int

    @property
    def pending(self) -> int:
        return sum(rule.pending for rule in self.rules)


def change_view(proposal: Proposal, item: QueuedChange) -> ChangeView:
    change = item.change
    context = change_context(proposal.base_text, change.start, change.end)
    return ChangeView(
        item.number, change.id, change.rule.value, rule_label(change.rule), change.needs_review, change.note,
        str(item.decision), item.decided_by, context.before, change.old, change.new, context.after, change.proof,
    )  # fmt: skip


def proposal_view(proposal: Proposal, wiki_urls: Mapping[str, str]) -> ProposalView:
    changes = tuple(change_view(proposal, item) for item in proposal.changes)
    pending_review = sum(1 for c in changes if c.needs_review and c.decision == Decision.PENDING)
    return ProposalView(
        proposal.id, proposal.title, proposal.wiki, str(proposal.status), proposal.base_revid, proposal.saved_revid,
        proposal.error or "", proposal.created_at, wiki_links(wiki_urls.get(proposal.wiki, ""), proposal.title, proposal.base_revid),
        changes, rule_counts(changes), pending_review,
    )  # fmt: skip


def rule_counts(changes: Iterable[ChangeView]) -> tuple[RuleStats, ...]:
    """Per rule (in the order first met): how many changes, and how many of each decision."""
    totals: dict[str, Counter] = {}
    labels: dict[str, str] = {}
    for change in changes:
        totals.setdefault(change.rule, Counter())[change.decision] += 1
        labels[change.rule] = change.rule_label
    return tuple(
        RuleStats(rule, labels[rule], sum(counts.values()), counts["approved"], counts["rejected"], counts["pending"])
        for rule, counts in totals.items()
    )


@dataclass(frozen=True)
class ListedView:
    """A proposal as a list shows it (no page text, no contexts): bot.queue.listing's summary."""

    id: int
    title: str
    status: str
    base_revid: int
    changes: int
    pending: int
    rules: tuple[tuple[str, int], ...]
    links: WikiLinks | None


def listed_view(summary: ProposalSummary, wiki_urls: Mapping[str, str]) -> ListedView:
    links = wiki_links(wiki_urls.get(summary.wiki, ""), summary.title, summary.base_revid)
    return ListedView(summary.id, summary.title, str(summary.status), summary.base_revid, summary.counts.total,
                      summary.counts.pending, summary.rules, links)  # fmt: skip


def listed_rule_stats(counts: Iterable[RuleCount]) -> tuple[RuleStats, ...]:
    """Per rule over a whole list, as the queue counted it."""
    return tuple(
        RuleStats(count.rule, rule_label(count.rule), count.counts.total, count.counts.approved, count.counts.rejected,
                  count.counts.pending)
        for count in counts
    )  # fmt: skip
