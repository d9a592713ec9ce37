"""``linkbot apply``: save the approved changes of queued proposals, and only those.

Each proposal's page is read again first. Unchanged since the scan: its approved changes are
saved. Changed: the approved changes are rebased onto the current text (bot.core.rebase) and
saved if that is unambiguous and passes the checks; otherwise the proposal is marked stale and
a fresh proposal of the current text is queued for review. A page that already holds exactly
the approved result (a run killed after saving) is marked applied without saving again.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator
from typing import TextIO

from bot.core.model import PageResult
from bot.core.rewrite import apply_changes
from bot.errors import CircuitBreakerError, StoppedError, WikiUnavailableError
from bot.inputs.limits import Overrun
from bot.logs import get_logger
from bot.present.report import colorize_diff
from bot.queue.proposals import Proposal
from bot.queue.states import Status
from bot.runs.analysis import PageAnalysis
from bot.runs.context import RunContext
from bot.runs.proving import with_proof
from bot.runs.report import RunReport
from bot.runs.saving import Saver
from bot.runs.scan import not_analysed
from bot.runs.stops import RunLimits, Stop, StopReason
from bot.wiki.save import SaveStatus
from bot.wiki.sources import LivePage, pages_named, read_pages


class Applier:
    """Applies the approved proposals of one wiki, counting into ``report``."""

    def __init__(self, context: RunContext, out: TextIO, color: bool, analysis: PageAnalysis, report: RunReport) -> None:
        self.context, self.out, self.color, self.analysis, self.report = context, out, color, analysis, report
        self.saver = Saver(context, report)

    def apply(self, proposal: Proposal, page: LivePage | None) -> None:
        queue = self.context.queue
        log = get_logger(proposal=proposal.id, page=proposal.title)
        self.report.applied += 1
        if page is None:
            queue.mark(proposal.id, Status.FAILED, error="the page no longer exists")
            self.report.failed.append((proposal.title, "the page no longer exists"))
            return
        approved = sorted((item.change for item in proposal.approved()), key=lambda change: change.start)
        intended, _ = apply_changes(proposal.base_text, approved)
        if page.text.rstrip() == intended.rstrip():
            queue.mark(proposal.id, Status.APPLIED, saved_revid=page.revision_id)
            log.info("already applied", revision=page.revision_id)
            return
        rebased = self.analysis.rebased(page, proposal.base_text, approved)
        if isinstance(rebased, Overrun):
            self.stale(proposal, page, f"the current text was not analysed: {rebased.reason}")
        elif rebased.result is None:
            self.stale(proposal, page, rebased.reason)
        else:
            self.save(proposal, page, approved, rebased.result)

    def save(self, proposal: Proposal, page: LivePage, approved: list, result: PageResult) -> None:
        self.out.write(colorize_diff(result.diff, self.color))
        self.out.write(f"summary: {self.saver.summary(result)}\n")
        if not self.context.live:
            return

        def recompute(fresh: LivePage) -> PageResult:
            again = self.analysis.rebased(fresh, proposal.base_text, approved)
            if isinstance(again, Overrun) or again.result is None:
                return dataclasses.replace(result, changes=())
            return again.result

        outcome = self.saver.save(page, result, recompute)
        queue = self.context.queue
        if outcome.status == SaveStatus.SAVED:
            queue.mark(proposal.id, Status.APPLIED, saved_revid=outcome.new_revision)
        elif outcome.status == SaveStatus.NOTHING:
            self.stale(proposal, page, outcome.detail)
        else:
            queue.mark(proposal.id, Status.FAILED, error=outcome.detail)
        log = get_logger(proposal=proposal.id, page=proposal.title)
        log.info("applied" if outcome.status == SaveStatus.SAVED else outcome.status, new_revision=outcome.new_revision)

    def stale(self, proposal: Proposal, page: LivePage, reason: str) -> None:
        """The page changed where an approved change sits: a fresh proposal of it goes to review."""
        self.context.queue.mark(proposal.id, Status.STALE, error=reason)
        fresh = self.analysis.result(page)
        if isinstance(fresh, Overrun):
            not_analysed(page.title, fresh, self.report, None)
            self.out.write(f"stale: proposal {proposal.id} ({proposal.title}): {reason}; no new proposal\n")
            return
        # No auto-approval: the successor of a stale proposal waits for a person (proven like any other).
        fresh = with_proof(self.context, page.revision_id, fresh)
        recorded = self.context.queue.record(self.context.session.wiki_id, page.revision_id, fresh, self.context.run_id)
        self.out.write(f"stale: proposal {proposal.id} ({proposal.title}): {reason}; new proposal {recorded.id} queued\n")
        get_logger(proposal=proposal.id, page=proposal.title).info("stale", reason=reason, new_proposal=recorded.id)


def apply_approved(context: RunContext, out: TextIO, color: bool = False) -> RunReport:
    """Apply every approved proposal of the context's wiki (a dry run shows what would be saved)."""
    report = RunReport()
    limits = RunLimits(max_edits=context.settings.max_edits)
    proposals = [p for p in context.queue.list(status=Status.APPROVED) if p.wiki == context.session.wiki_id]
    with PageAnalysis(context) as analysis:
        applier = Applier(context, out, color, analysis, report)
        try:
            for proposal, page in _with_pages(context, proposals):
                report.stop = limits.before_page(report.edits, time.monotonic())
                if report.stop is not None:
                    break
                applier.apply(proposal, page)
        except StoppedError as error:
            report.stop = Stop(StopReason.SHUTOFF, str(error))
        except CircuitBreakerError as error:
            report.stop = Stop(StopReason.BREAKER, str(error))
        except WikiUnavailableError as error:
            report.stop = Stop(StopReason.WIKI_DOWN, str(error))
        applier.saver.verify()
    return report


def _with_pages(context: RunContext, proposals: list[Proposal]) -> Iterator[tuple[Proposal, LivePage | None]]:
    site, settings = context.session.site, context.settings
    pages = pages_named(site, [proposal.title for proposal in proposals])
    by_title = {page.title: page for page in read_pages(site, pages, settings.retry, shutoff=context.reading())}
    for proposal in proposals:
        yield proposal, by_title.get(proposal.title.replace("_", " "), by_title.get(proposal.title))
