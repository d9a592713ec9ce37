"""Proposals as the HTML pages show them (the static report and ``linkbot serve``): each change in
its sentence, counts per rule, links to the wiki's page, base revision and diff, and the status as
people read it (``partly decided 2/311``, never "approved" for one change of 311).

Plain values for the templates (bot/present/templates): the templates only lay them out. The
content's language (``lang`` on titles, sentences and old/new text, while the interface is English)
comes from the wiki's id: the queue records ``family:code`` (``wikipedia:zh``) and the code is the
language; a wiki named otherwise in the configuration (``[wiki] id``) is taken as Chinese, the
language linkbot serves first.
"""

from __future__ import annotations

import re
import urllib.parse
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from bot.core.context import change_context
from bot.core.model import Decision, Display
from bot.core.preview import ImagePreview, from_json
from bot.present.rules import rule_label
from bot.present.terminal import visible
from bot.queue.listing import ProposalSummary, RuleCount
from bot.queue.records import Proposal, QueuedChange
from bot.queue.states import Status, shown_status

DEFAULT_LANGUAGE = "zh"
_LANGUAGE = re.compile(r"[a-z]{2,3}(-[a-z0-9]{1,8})*")


def content_language(wiki: str) -> str:
    """The language of a wiki's pages (a BCP 47 tag) from its queue id: ``wikipedia:zh`` -> ``zh``."""
    code = wiki.rpartition(":")[2].lower()
    return code.replace("_", "-") if ":" in wiki and _LANGUAGE.fullmatch(code.replace("_", "-")) else DEFAULT_LANGUAGE


def status_key(status: Status, shown: str) -> str:
    """One word for the status's style: undecided, partly, decided, or a closed status."""
    return shown.split()[0] if status in (Status.PENDING, Status.APPROVED, Status.REJECTED) else str(status)


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
    image: bool = False  # the change embeds an image: a person checks its size, placement and caption
    preview: ImagePreview | None = None  # the image as the wiki rendered it, when the scan recorded it


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
    status: str  # as people read it (bot.queue.states.shown_status)
    status_key: str
    lang: str  # the content's language
    base_revid: int
    saved_revid: int | None
    error: str
    created_at: str
    links: WikiLinks | None
    changes: tuple[ChangeView, ...]
    rules: tuple[RuleStats, ...]
    needs_review_pending: int
    total: int  # changes of the proposal (``changes`` holds those shown)

    @property
    def pending(self) -> int:
        return sum(rule.pending for rule in self.rules)


def change_view(proposal: Proposal, item: QueuedChange) -> ChangeView:
    """A change in its sentence; a page's control and bidirectional characters shown as what they are
    (``<U+202E>``), never reordering or hiding what a reviewer reads (bot.present.terminal.visible)."""
    change = item.change
    context = change_context(proposal.base_text, change.start, change.end)
    return ChangeView(
        item.number, change.id, change.rule.value, rule_label(change.rule), change.needs_review, change.note,
        str(item.decision), item.decided_by, visible(context.before), visible(change.old), visible(change.new), visible(context.after),
        change.proof, change.display == Display.IMAGE, from_json(change.preview),
    )  # fmt: skip


def proposal_view(proposal: Proposal, wiki_urls: Mapping[str, str], shown: Collection[int] | None = None) -> ProposalView:
    """The proposal with the changes ``shown`` (their numbers; None: all) in their sentences."""
    items = proposal.changes
    changes = tuple(change_view(proposal, item) for item in items if shown is None or item.number in shown)
    pending = [item for item in items if item.decision == Decision.PENDING]
    status = shown_status(proposal.status, len(items), len(pending))
    return ProposalView(
        proposal.id, visible(proposal.title), proposal.wiki, status, status_key(proposal.status, status), content_language(proposal.wiki),
        proposal.base_revid, proposal.saved_revid, proposal.error or "", proposal.created_at,
        wiki_links(wiki_urls.get(proposal.wiki, ""), proposal.title, proposal.base_revid), changes, rule_counts(items),
        sum(1 for item in pending if item.change.needs_review), len(items),
    )  # fmt: skip


def rule_counts(changes: Iterable[QueuedChange]) -> tuple[RuleStats, ...]:
    """Per rule (in the order first met): how many changes, and how many of each decision."""
    totals: dict[str, Counter] = {}
    labels: dict[str, str] = {}
    for item in changes:
        rule = item.change.rule.value
        totals.setdefault(rule, Counter())[str(item.decision)] += 1
        labels[rule] = rule_label(item.change.rule)
    return tuple(
        RuleStats(rule, labels[rule], sum(counts.values()), counts["approved"], counts["rejected"], counts["pending"])
        for rule, counts in totals.items()
    )


@dataclass(frozen=True)
class ListedView:
    """A proposal as a list shows it (no page text, no contexts): bot.queue.listing's summary."""

    id: int
    title: str
    status: str  # as people read it
    status_key: str
    lang: str
    base_revid: int
    changes: int
    pending: int
    rules: tuple[tuple[str, int], ...]
    links: WikiLinks | None


def listed_view(summary: ProposalSummary, wiki_urls: Mapping[str, str]) -> ListedView:
    links = wiki_links(wiki_urls.get(summary.wiki, ""), summary.title, summary.base_revid)
    status = shown_status(summary.status, summary.counts.total, summary.counts.pending)
    return ListedView(summary.id, visible(summary.title), status, status_key(summary.status, status), content_language(summary.wiki),
                      summary.base_revid, summary.counts.total, summary.counts.pending, summary.rules, links)  # fmt: skip


def listed_rule_stats(counts: Iterable[RuleCount]) -> tuple[RuleStats, ...]:
    """Per rule over a whole list, as the queue counted it."""
    return tuple(
        RuleStats(count.rule, rule_label(count.rule), count.counts.total, count.counts.approved, count.counts.rejected,
                  count.counts.pending)
        for count in counts
    )  # fmt: skip
