"""Proposing a page: its analysis recorded in the review queue, and the part of it a save may carry
(exactly the approved changes). A dry run records but decides nothing: what its auto-approval
rules would approve is shown as approved, never stored."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core import select_changes
from bot.core.model import PageResult
from bot.runs.context import RunContext
from bot.runs.proving import with_proof


@dataclass(frozen=True)
class Proposed:
    full: PageResult  # every change the analysis proposes
    accepted: PageResult  # the approved ones: what a save carries
    proposal_id: int | None  # None: nothing to change, nothing queued

    @property
    def held(self) -> int:
        """Changes waiting for a decision."""
        return len(self.full.changes) - len(self.accepted.changes)


def propose(context: RunContext, revision_id: int, full: PageResult) -> Proposed:
    """Record ``full`` (the analysis of revision ``revision_id``) and say what is approved."""
    queue, auto = context.queue, context.settings.auto_approve
    if not queue.has_proposal(context.session.wiki_id, full.title, revision_id, full.text):  # proven once per revision
        full = with_proof(context, revision_id, full)
    recorded = queue.record(context.session.wiki_id, revision_id, full, context.run_id, auto if context.live else frozenset())
    if recorded.id is None:
        return Proposed(full, full, None)
    proposal = queue.get(recorded.id)
    approved = {item.change.id for item in proposal.approved()}
    if not context.live:
        would = queue.auto_approvable(recorded.id, auto)
        approved |= {item.change.id for item in proposal.changes if item.number in would}
    return Proposed(full, select_changes(full, lambda change: change.id in approved), recorded.id)
