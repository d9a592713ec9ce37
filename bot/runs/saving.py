"""Saving in a live run: a decision counts at the moment of saving.

A save carries a ``SavePlan``: the approved changes on one revision, and the proposal's decisions
as they stood when they were read (its ``DecisionMark``). Before each save the emergency stop and
the run's other checks are read (after pywikibot's put throttle is waited out); then, inside one queue
transaction, the mark is compared with the queue's (a decision made, changed or withdrawn anywhere
since changes it), the one save request is sent, and the saved revision and the proposal's
``applied`` are recorded. A decision that arrives while the request is under way waits for that
transaction, so it comes after the save; a changed mark means planning again from the decisions
as they are now. An edit conflict means reading the page again and planning again. Transient
failures retry the whole attempt (the queue is not held through the back-off).

Saved revisions are verified in batches (merges and transforms reported); the circuit breaker
stops a run whose saves keep failing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from bot.core import edit_summary
from bot.core.model import PageResult
from bot.errors import CircuitBreakerError, WikiUnavailableError
from bot.logs import get_logger
from bot.queue.records import DecisionMark
from bot.runs.breaker import Breaker
from bot.runs.context import RunContext
from bot.runs.journal import record_edit
from bot.runs.report import RunReport
from bot.wiki.retry import with_retries
from bot.wiki.save import VERIFY_BATCH, SaveOutcome, SaveStatus, attempt_save, verify_saved, wait_for_edit_slot
from bot.wiki.sources import LivePage, reread

FAILED = frozenset({SaveStatus.REFUSED, SaveStatus.CONFLICT})  # outcomes that count against the breaker
MAX_ATTEMPTS = 5  # plans of one page: after edit conflicts, or decisions changing while it was planned


@dataclass(frozen=True)
class SavePlan:
    """What one save of a page carries, and the decisions it was planned from."""

    result: PageResult  # the approved changes, on the revision the page was read at
    proposal_id: int | None = None  # the proposal they belong to
    numbers: tuple[int, ...] = ()  # their numbers in the proposal
    mark: DecisionMark | None = None  # the proposal's decisions as read: the save checks them again
    remaining: bool = False  # the proposal has changes the save does not carry (undecided or rejected)
    hold: str = ""  # why nothing is saved ("" when something is): for the caller's report


Planner = Callable[[LivePage], SavePlan]  # plans a page's save from its current revision and the decisions as they are


def saved_page(page: LivePage, plan: SavePlan, outcome: SaveOutcome) -> LivePage:
    """The page as the save left it (MediaWiki trims trailing white space from every saved text)."""
    return LivePage(page.title, plan.result.new_text.rstrip(), outcome.new_revision, page.page, page.model)


class Saver:
    """Saves pages for one run, counting into its ``report`` and its budget."""

    def __init__(self, context: RunContext, report: RunReport) -> None:
        self.context, self.report = context, report
        run = context.settings.run
        self.breaker = Breaker(run.breaker_failures, run.breaker_rate, run.breaker_minimum)
        self.unverified: list[SaveOutcome] = []

    def summary(self, result: PageResult) -> str:
        """The edit summary of a save of ``result``'s changes, in the wiki's language."""
        settings = self.context.settings
        text = edit_summary(result.changes, self.context.session.language, settings.summaries)
        link = settings.proof.summary_link
        if link and result.changes and all(change.proof == "proven" for change in result.changes):
            text += f" [[{link}|✔ {len(result.changes)}/{len(result.changes)}]]"  # every change proven by the wiki
        return settings.bot.summary(text)

    def save(self, page: LivePage, plan: SavePlan, replan: Planner) -> tuple[SaveOutcome, SavePlan]:
        """Save ``plan`` onto ``page`` (``replan`` plans again after a conflict or changed decisions);
        the outcome and the plan it ended with. Raises ``StoppedError`` at the emergency stop,
        ``CircuitBreakerError`` when saves keep failing."""
        outcome = SaveOutcome(SaveStatus.CONFLICT, page.title, page.revision_id,
                              detail=f"the page or its decisions kept changing through {MAX_ATTEMPTS} attempts")  # fmt: skip
        for attempt_number in range(MAX_ATTEMPTS):
            if not plan.result.changes:
                outcome = SaveOutcome(SaveStatus.NOTHING, page.title, page.revision_id, detail=plan.hold or "nothing to save")
                break
            stop = self.context.budget.stop(time.monotonic()) if attempt_number else None
            if stop is not None:  # the run's deadline passed while the page kept changing
                outcome = SaveOutcome(SaveStatus.NOTHING, page.title, page.revision_id, detail=stop.message)
                break
            attempt = self._attempt(page, plan)
            if attempt is None:  # a decision changed since the plan was made
                get_logger(page=page.title, proposal=plan.proposal_id).info("decisions changed before saving; planning again")
                plan = replan(page)
            elif attempt.status == SaveStatus.CONFLICT:
                page = reread(page, self.context.settings.retry)
                plan = replan(page)
            else:
                outcome = attempt
                break
        self._account(outcome)
        return outcome, plan

    def _attempt(self, page: LivePage, plan: SavePlan) -> SaveOutcome | None:
        """One attempt, retried as a whole on transient failures; None when the decisions changed."""
        settings, session = self.context.settings, self.context.session
        wait_for_edit_slot(session.site)  # first: the checks below must be as late as they can be
        self.context.shutoff.check(session.site, settings.retry)
        if self.context.before_save is not None:
            self.context.before_save()
        summary = self.summary(plan.result)
        return with_retries(lambda: self._guarded(page, plan, summary), settings.retry, f"saving {page.title}")

    def _guarded(self, page: LivePage, plan: SavePlan, summary: str) -> SaveOutcome | None:
        """Inside one queue transaction: the decisions checked, the request sent, the save recorded."""
        queue = self.context.queue
        with queue.db.transaction():
            if plan.mark is not None and queue.decision_mark(plan.proposal_id) != plan.mark:
                return None
            decided = queue.last_decision()  # the trail as it stands while the save is sent: nobody writes to it meanwhile
            outcome = attempt_save(page, plan.result, summary, minor=self.context.settings.minor)
            if outcome.status == SaveStatus.SAVED:
                # In the save's transaction: a run killed after it still answers for this edit.
                record_edit(self.context, outcome, plan.proposal_id, plan.numbers, decided)
                if plan.proposal_id is not None:
                    queue.mark_applied(plan.proposal_id, outcome.new_revision, plan.remaining)
            return outcome

    def _account(self, outcome: SaveOutcome) -> None:
        self.report.outcomes[outcome.status] += 1
        if outcome.status == SaveStatus.SAVED:
            self.context.budget.edits += 1
            self.report.edits += 1
            self.report.saved_changes += outcome.changes
            self.unverified.append(outcome)
            if len(self.unverified) >= VERIFY_BATCH:
                self.verify()
        if outcome.status in FAILED:
            self.report.failed.append((outcome.title, outcome.detail))
        reason = self.breaker.record(outcome.status in FAILED)
        if reason is not None:
            raise CircuitBreakerError(reason)

    def verify(self) -> None:
        """Check the saved revisions against the intended texts (batched), and report merges."""
        pending, self.unverified = self.unverified, []
        if not pending:
            return
        try:
            differing = verify_saved(self.context.session.site, pending, self.context.settings.retry)
        except WikiUnavailableError as error:
            get_logger().warning("saved revisions not verified", error=str(error), revisions=len(pending))
            return
        for outcome in differing:
            self.report.outcomes[outcome.status] += 1
            self.report.outcomes[SaveStatus.SAVED] -= 1
            log = get_logger(page=outcome.title)
            if outcome.status == SaveStatus.MERGED:
                self.report.merged.append(outcome.title)
                log.warning("merged with a concurrent edit", new_revision=outcome.new_revision)
            else:
                self.report.failed.append((outcome.title, outcome.detail))
                log.error("saved text changed by the wiki", new_revision=outcome.new_revision, detail=outcome.detail)
