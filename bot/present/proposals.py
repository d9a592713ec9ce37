"""How proposals of the review queue are shown: a line, a JSON record."""

from __future__ import annotations

from collections import Counter

from bot.present.report import change_record
from bot.queue.listing import Counts, ProposalSummary
from bot.queue.records import Proposal
from bot.queue.states import Status, shown_status


def proposal_line(proposal: Proposal) -> str:
    """One line per proposal: id, status, page, base revision, decisions so far, rules."""
    decisions = Counter(item.decision for item in proposal.changes)
    rules = Counter(item.change.rule.value for item in proposal.changes)
    counts = Counts(len(proposal.changes), decisions["approved"], decisions["rejected"], decisions["pending"])
    return _line(proposal.id, proposal.status, proposal.title, proposal.base_revid, counts, sorted(rules.items()))


def listed_line(summary: ProposalSummary) -> str:
    """The same line, from a list's summary (no page text or changes loaded)."""
    return _line(summary.id, summary.status, summary.title, summary.base_revid, summary.counts, summary.rules)


def _line(number: int, status: Status, title: str, base_revid: int, counts: Counts, rules) -> str:
    rule_text = ",".join(f"{rule}:{count}" for rule, count in rules)
    shown = shown_status(status, counts.total, counts.pending)
    return (
        f"{number:>5}  {shown:<10}  {title}  r{base_revid}  "
        f"{counts.total} change(s): {counts.approved} approved, {counts.rejected} rejected, "
        f"{counts.pending} pending  [{rule_text}]"
    )


def proposal_record(proposal: Proposal, audit: list | None = None) -> dict:
    """A proposal as JSON (``linkbot list/show --format json``); with ``audit``, also its diff and audit trail."""
    record = {
        "id": proposal.id,
        "wiki": proposal.wiki,
        "page": proposal.title,
        "base_revid": proposal.base_revid,
        "base_sha1": proposal.base_sha1,
        "status": proposal.status,
        "review_status": shown_status(proposal.status, len(proposal.changes), sum(1 for item in proposal.changes if item.decision == "pending")),
        "created_at": proposal.created_at,
        "run_id": proposal.run_id,
        "saved_revid": proposal.saved_revid,
        "error": proposal.error,
        "changes": [
            {"number": item.number, **change_record(item.change), "decision": item.decision, "decided_by": item.decided_by}
            for item in proposal.changes
        ],
    }
    if audit is not None:
        record["diff"] = proposal.diff
        record["audit"] = [decision.__dict__ for decision in audit]
    return record
