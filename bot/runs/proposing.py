"""Proposing a page: its analysis recorded in the review queue, and the part of it a save may carry
(exactly the changes approved when the decisions were read, with the mark a save checks them by).
A dry run records but decides nothing: what its auto-approval rules would approve is shown as
approved, never stored. After a save, the changes it did not carry go on in review on the saved
revision (``carry_remaining``)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core import select_changes
from bot.core.model import PageResult
from bot.inputs.limits import Overrun
from bot.queue.records import DecisionMark
from bot.runs.analysis import PageAnalysis
from bot.runs.context import RunContext
from bot.runs.proving import with_proof
from bot.runs.saving import SavePlan
from bot.wiki.save import SaveOutcome
from bot.wiki.sources import LivePage


@dataclass(frozen=True)
class Proposed:
    full: PageResult  # every change the analysis proposes
    accepted: PageResult  # the approved ones: what a save carries
    proposal_id: int | None  # None: nothing to change, nothing queued
    numbers: tuple[int, ...] = ()  # the accepted changes' numbers in the proposal
    mark: DecisionMark | None = None  # the proposal's decisions when they were read

    @property
    def held(self) -> int:
        """Changes waiting for a decision."""
        return len(self.full.changes) - len(self.accepted.changes)

    @property
    def plan(self) -> SavePlan:
        hold = "" if self.accepted.changes else "nothing approved"
        return SavePlan(self.accepted, self.proposal_id, self.numbers, self.mark, self.held > 0, hold)


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
    approved = {item.number for item in proposal.approved()}
    if not context.live:
        approved |= queue.auto_approvable(recorded.id, auto)
    ids = {item.change.id for item in proposal.changes if item.number in approved}
    accepted = select_changes(full, lambda change: change.id in ids)
    return Proposed(full, accepted, recorded.id, tuple(sorted(approved)), mark)


def carry_remaining(context: RunContext, analysis: PageAnalysis, page: LivePage, plan: SavePlan, outcome: SaveOutcome) -> int | None:
    """After a save of ``plan`` onto ``page`` that left some of the proposal's changes (undecided or
    rejected), the saved revision is proposed: those changes wait there, their decisions carried
    over, and stay in review everywhere. Returns the new proposal's id (None when nothing is left or
    the saved text could not be analysed: a later scan of the page finds it)."""
    if not plan.remaining:
        return None
    # As the wiki stores it: MediaWiki trims trailing white space from every saved text.
    saved = LivePage(page.title, plan.result.new_text.rstrip(), outcome.new_revision, page.page)
    full = analysis.result(saved)
    if isinstance(full, Overrun) or not full.changes:
        return None
    return propose(context, saved.revision_id, full).proposal_id
