"""Proposing a page: its analysis recorded in the review queue, and the part of it a save may carry
(exactly the changes approved when the decisions were read, with the mark a save checks them by).
A dry run records but decides nothing: what its auto-approval rules would approve is shown as
approved, never stored. After a save, the changes it did not carry go on in review on the saved
revision (``carry_remaining``)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from bot.core import select_changes
from bot.core.model import Decision, PageResult
from bot.inputs.limits import Overrun
from bot.queue.records import DecisionMark
from bot.runs.analysis import PageAnalysis
from bot.runs.context import RunContext
from bot.runs.proving import with_proof
from bot.runs.saving import SavePlan
from bot.wiki.sources import LivePage, revision_text


@dataclass(frozen=True)
class Proposed:
    full: PageResult  # every change the analysis proposes, with its proof
    accepted: PageResult  # the approved ones: what a save carries (a dry run: what it would carry)
    proposal_id: int | None  # None: nothing to change, nothing queued
    numbers: tuple[int, ...] = ()  # the accepted changes' numbers in the proposal
    mark: DecisionMark | None = None  # the proposal's decisions when they were read
    held: int = 0  # changes waiting for a decision
    rejected: int = 0

    @property
    def plan(self) -> SavePlan:
        hold = "" if self.accepted.changes else "nothing approved"
        remaining = len(self.full.changes) > len(self.accepted.changes)  # undecided or rejected: left for later
        return SavePlan(self.accepted, self.proposal_id, self.numbers, self.mark, remaining, hold)


def propose(context: RunContext, revision_id: int, full: PageResult) -> Proposed:
    """Record ``full`` (the analysis of revision ``revision_id``) and say what is approved."""
    queue, auto = context.queue, context.settings.auto_approve
    if not queue.has_proposal(context.session.wiki_id, full.title, revision_id, full.text):  # proven once per revision
        full = with_proof(context, revision_id, full)
    recorded = queue.record(context.session.wiki_id, revision_id, full, context.run_id, auto if context.live else frozenset())
    if recorded.id is None:
        return Proposed(full, full, None)
    # The mark before the decisions: a decision in between makes the save plan again, never pass unseen.
    mark = queue.decision_mark(recorded.id)
    proposal = queue.get(recorded.id)
    recorded_as = {item.change.id: item.change for item in proposal.changes}  # with the proof recorded, proven now or earlier
    full = dataclasses.replace(full, changes=tuple(recorded_as.get(change.id, change) for change in full.changes))
    approved = {item.number for item in proposal.approved()}
    if not context.live:
        approved |= queue.auto_approvable(recorded.id, auto)
    ids = {item.change.id for item in proposal.changes if item.number in approved}
    accepted = select_changes(full, lambda change: change.id in ids)
    held = sum(item.decision == Decision.PENDING and item.number not in approved for item in proposal.changes)
    rejected = sum(item.decision == Decision.REJECTED for item in proposal.changes)
    return Proposed(full, accepted, recorded.id, tuple(sorted(approved)), mark, held, rejected)


def carry_remaining(context: RunContext, analysis: PageAnalysis, saved: LivePage, proposal_id: int) -> int | None:
    """After a save (``saved``: the page as saved) that left some of the proposal's changes
    (undecided or rejected), the saved revision is proposed: those changes wait there, their
    decisions carried over, and stay in review everywhere. The applied proposal notes where they
    went. Returns the new proposal's id (None when nothing is left or the saved text could not be
    analysed)."""
    full = analysis.result(saved)
    successor = None
    if not isinstance(full, Overrun) and full.changes:
        successor = propose(context, saved.revision_id, full).proposal_id
    context.queue.carried_to(proposal_id, successor)
    return successor


def carry_unfinished(context: RunContext, analysis: PageAnalysis) -> None:
    """Applied proposals whose remaining changes were never proposed again (a run stopped between its
    save and that): proposed now, from the revisions they saved."""
    site, policy = context.session.site, context.settings.retry
    for proposal_id, title, revision in context.queue.uncarried(context.session.wiki_id):
        text = revision_text(site, title, revision, policy)
        if text is None:  # the revision is gone (deleted): a later scan of the page finds what is left
            context.queue.carried_to(proposal_id, None)
            continue
        carry_remaining(context, analysis, LivePage(title, text, revision, None), proposal_id)
