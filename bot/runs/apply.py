"""``linkbot apply``: save the approved changes of queued proposals, and only those.

Each proposal's decisions are read when its page comes up, and checked again at the moment of
saving (bot.runs.saving): a change rejected or withdrawn while the apply runs is not saved, one
approved meanwhile is. Each page is read again first. Unchanged since the scan: its approved
changes are saved. Changed: the approved changes are rebased onto the current text
(bot.core.rebase) and saved if that is unambiguous and passes the checks; otherwise the proposal is
marked stale and a fresh proposal of the current text is queued for review. A page that already
holds exactly the approved result (a run killed after saving) is marked applied without saving
again. The changes a save leaves (undecided, rejected) go on in review on the saved revision.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import TextIO

from bot.core.model import PageResult
from bot.core.rewrite import apply_changes
from bot.errors import CircuitBreakerError, StoppedError, WikiUnavailableError
from bot.inputs.limits import Overrun
from bot.logs import get_logger
from bot.present.report import colorize_diff
from bot.queue.listing import Filters, Listing
from bot.queue.states import Status
from bot.runs.analysis import PageAnalysis
from bot.runs.context import RunContext
from bot.runs.journal import adopt_edit
from bot.runs.proposing import carry_remaining, carry_unfinished
from bot.runs.proving import with_proof
from bot.runs.report import RunReport
from bot.runs.saving import SavePlan, Saver, saved_page
from bot.runs.scan import not_analysed
from bot.runs.stops import Stop, StopReason
from bot.wiki.save import SaveStatus
from bot.wiki.sources import LivePage, pages_named, read_pages

# Why a proposal's page is not saved (SavePlan.hold), besides "nothing approved".
ALREADY = "already applied"
STALE = "stale: "


class Applier:
    """Applies the approved proposals of one wiki, counting into ``report``."""

    def __init__(self, context: RunContext, out: TextIO, color: bool, analysis: PageAnalysis, report: RunReport) -> None:
        self.context, self.out, self.color, self.analysis, self.report = context, out, color, analysis, report
        self.saver = Saver(context, report)

    def apply(self, proposal_id: int, title: str, page: LivePage | None) -> None:
        queue = self.context.queue
        self.report.applied += 1
        if page is None:
            queue.mark(proposal_id, Status.FAILED, error="the page no longer exists")
            self.report.failed.append((title, "the page no longer exists"))
            return
        plan = self.plan(proposal_id, page)
        if self.context.live and plan.result.changes:
            outcome, plan = self.saver.save(page, plan, lambda current: self.plan(proposal_id, current))
            if outcome.status == SaveStatus.SAVED:
                self._show(plan)  # what was saved: the decisions may have changed since the first plan
                if plan.remaining:
                    carry_remaining(self.context, self.analysis, saved_page(page, plan, outcome), proposal_id)
            elif outcome.status == SaveStatus.REFUSED:
                queue.mark(proposal_id, Status.FAILED, error=outcome.detail)
            get_logger(proposal=proposal_id, page=title).info(str(outcome.status), new_revision=outcome.new_revision)
        else:
            self._show(plan)  # a dry run: what would be saved now
        self._held(proposal_id, title, page, plan)

    def _show(self, plan: SavePlan) -> None:
        if plan.result.changes:
            self.out.write(colorize_diff(plan.result.diff, self.color))
            self.out.write(f"summary: {self.saver.summary(plan.result)}\n")

    def plan(self, proposal_id: int, page: LivePage) -> SavePlan:
        """The save of the proposal's changes approved now, onto the page's current revision."""
        queue = self.context.queue
        mark = queue.decision_mark(proposal_id)  # before the decisions: see bot.runs.proposing.propose
        proposal = queue.get(proposal_id)
        items = sorted(proposal.approved(), key=lambda item: item.change.start)
        if proposal.status != Status.APPROVED or not items:
            return SavePlan(_unchanged(page), hold=f"nothing approved now (the proposal is {proposal.status})")
        approved = [item.change for item in items]
        numbers, remaining = tuple(item.number for item in items), len(items) < len(proposal.changes)
        intended, _ = apply_changes(proposal.base_text, approved)
        if page.text.rstrip() == intended.rstrip():
            return SavePlan(_unchanged(page), proposal_id, numbers, mark, remaining, hold=ALREADY)
        rebased = self.analysis.rebased(page, proposal.base_text, approved)
        if isinstance(rebased, Overrun):
            return SavePlan(_unchanged(page), proposal_id, hold=f"{STALE}the current text was not analysed: {rebased.reason}")
        if rebased.result is None:
            return SavePlan(_unchanged(page), proposal_id, hold=STALE + rebased.reason)
        return SavePlan(rebased.result, proposal_id, numbers, mark, remaining)

    def _held(self, proposal_id: int, title: str, page: LivePage, plan: SavePlan) -> None:
        """What a plan that saved nothing means for the proposal."""
        if plan.hold == ALREADY:
            self.already(proposal_id, title, page, plan)
        elif plan.hold.startswith(STALE):
            self.stale(proposal_id, title, page, plan.hold.removeprefix(STALE))
        elif plan.hold:
            self.out.write(f"not saved: proposal {proposal_id} ({title}): {plan.hold}\n")

    def already(self, proposal_id: int, title: str, page: LivePage, plan: SavePlan) -> None:
        """The page already holds the approved changes: a run stopped after its save and before it
        recorded it (or someone made exactly these edits). The edit, when it is the bot's, is
        recorded for the run that made it, and the changes it left go on in review."""
        self.context.queue.mark_applied(proposal_id, page.revision_id, plan.remaining)
        get_logger(proposal=proposal_id, page=title).info("already applied", revision=page.revision_id)
        if self.context.live:
            adopt_edit(self.context, page, proposal_id, plan.numbers)
        if plan.remaining:
            carry_remaining(self.context, self.analysis, page, proposal_id)

    def stale(self, proposal_id: int, title: str, page: LivePage, reason: str) -> None:
        """The page changed where an approved change sits: a fresh proposal of it goes to review."""
        self.context.queue.mark(proposal_id, Status.STALE, error=reason)
        fresh = self.analysis.result(page)
        if isinstance(fresh, Overrun):
            not_analysed(page.title, fresh, self.report, None)
            self.out.write(f"stale: proposal {proposal_id} ({title}): {reason}; no new proposal\n")
            return
        # No auto-approval: the successor of a stale proposal waits for a person (proven like any other).
        fresh = with_proof(self.context, page.revision_id, fresh)
        recorded = self.context.queue.record(self.context.session.wiki_id, page.revision_id, fresh, self.context.run_id)
        self.out.write(f"stale: proposal {proposal_id} ({title}): {reason}; new proposal {recorded.id} queued\n")
        get_logger(proposal=proposal_id, page=title).info("stale", reason=reason, new_proposal=recorded.id)


def _unchanged(page: LivePage) -> PageResult:
    return PageResult.unchanged(page.title, page.text)


def apply_approved(context: RunContext, out: TextIO, color: bool = False) -> RunReport:
    """Apply every approved proposal of the context's wiki (a dry run shows what would be saved),
    within the context's budget."""
    report = RunReport()
    waiting = Listing(context.queue.db).summaries(Filters(status=Status.APPROVED, wiki=context.session.wiki_id))
    approved = [(summary.id, summary.title) for summary in waiting]  # no page text read until its page comes up
    with PageAnalysis(context) as analysis:
        applier = Applier(context, out, color, analysis, report)
        carry_unfinished(context, analysis)
        try:
            for (proposal_id, title), page in _with_pages(context, approved):
                report.stop = context.budget.stop(time.monotonic())
                if report.stop is not None:
                    break
                applier.apply(proposal_id, title, page)
        except StoppedError as error:
            report.stop = Stop(StopReason.SHUTOFF, str(error))
        except CircuitBreakerError as error:
            report.stop = Stop(StopReason.BREAKER, str(error))
        except WikiUnavailableError as error:
            report.stop = Stop(StopReason.WIKI_DOWN, str(error))
        applier.saver.verify()
    return report


def _with_pages(context: RunContext, proposals: list[tuple[int, str]]) -> Iterator[tuple[tuple[int, str], LivePage | None]]:
    site, settings = context.session.site, context.settings
    pages = pages_named(site, [title for _, title in proposals])
    by_title = {page.title: page for page in read_pages(site, pages, settings.retry, shutoff=context.reading())}
    for proposal in proposals:
        title = proposal[1]
        yield proposal, by_title.get(title.replace("_", " "), by_title.get(title))
