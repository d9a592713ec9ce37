"""The scan loop of a wiki run: each page is proposed (analysed, recorded in the review queue) and,
in a live run, its approved changes are saved.

A change reaches the wiki only when it is approved: by an editor (``linkbot approve``/``review``,
the on-wiki review page), carried over from an earlier decision on the identical change, or by an
auto-approval rule of a live run (never for changes that need review). Both modes print each
page's proposed diff, the edit summary of what a live run saves now, and where the proposal
stands in the queue.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TextIO

from bot.core import exclusion_reason
from bot.core.model import PageResult
from bot.core.pagekind import not_wikitext
from bot.errors import (
    CircuitBreakerError,
    StoppedError,
    WikiError,
    WikiUnavailableError,
)
from bot.inputs.limits import Overrun
from bot.logs import get_logger
from bot.present.report import error_record, to_json_line, wiki_page_output
from bot.runs.analysis import PageAnalysis
from bot.runs.context import RunContext
from bot.runs.proposing import Proposed, carry_remaining, propose
from bot.runs.report import RunReport
from bot.runs.saving import SavePlan, Saver, saved_page
from bot.runs.stops import Stop, StopReason
from bot.wiki.save import SaveStatus
from bot.wiki.sources import LivePage


@dataclass
class ScanLoop:
    """Runs ``run(pages)``: the context's pages proposed and, live, saved; a report back. The
    context's budget bounds the edits and the time of the whole command."""

    context: RunContext
    out: TextIO
    after_page: Callable[[LivePage], None] | None = None  # told of each page once it is fully processed
    color: bool = False
    json_output: bool = False

    def run(self, pages: Iterable[LivePage]) -> RunReport:
        """Process every page; stop at a limit, the emergency stop, the breaker, or a wiki that stays down."""
        report = RunReport()
        saver = Saver(self.context, report)
        with PageAnalysis(self.context) as analysis:
            report.stop = self._pages(pages, analysis, saver, report)
        saver.verify()
        return report

    def _pages(self, pages: Iterable[LivePage], analysis: PageAnalysis, saver: Saver, report: RunReport) -> Stop | None:
        current = None
        try:
            for current in pages:
                stop = self.context.budget.stop(time.monotonic())
                if stop is not None:
                    return stop
                self._page(current, analysis, saver, report)
                if self.after_page is not None:
                    self.after_page(current)
                current = None
        except StoppedError as error:
            return Stop(StopReason.SHUTOFF, str(error))
        except CircuitBreakerError as error:
            return Stop(StopReason.BREAKER, str(error))
        except WikiError as error:
            # Nothing was saved for this page: the next run picks it up again.
            if current is not None and isinstance(error, WikiUnavailableError):
                report.failed.append((current.title, str(error)))
            return Stop(StopReason.WIKI_DOWN, str(error))
        return None

    def _page(self, page: LivePage, analysis: PageAnalysis, saver: Saver, report: RunReport) -> None:
        log = get_logger(page=page.title, revision=page.revision_id)
        started = time.monotonic()
        settings = self.context.settings
        reason = not_wikitext(page.model) or exclusion_reason(page.text, self.context.session.user or "linkbot", settings.in_use_templates)
        if reason is not None:
            report.excluded.append((page.title, reason))
            log.info("page excluded", reason=reason)
            return
        full = analysis.result(page)
        if isinstance(full, Overrun):
            not_analysed(page.title, full, report, self.out if self.json_output else None)
            return
        report.tally.add(full)
        proposed = propose(self.context, page.revision_id, full)
        report.held += proposed.held
        summary = saver.summary(proposed.accepted) if proposed.accepted.changes else ""
        self.out.write(wiki_page_output(
            page.title, page.revision_id, proposed.full, proposed.accepted, proposed.proposal_id, summary,
            json_output=self.json_output, color=self.color, waiting=proposed.held, rejected=proposed.rejected,
            live=self.context.live,
        ))  # fmt: skip
        outcome = self._save(page, proposed, analysis, report, saver)
        log.info(
            "page done",
            changes=len(full.changes),
            accepted=len(proposed.accepted.changes),
            rules=dict(Counter(change.rule.value for change in proposed.accepted.changes)),
            result=outcome.status if outcome else _unsaved_result(proposed),
            new_revision=outcome.new_revision if outcome else None,
            elapsed=round(time.monotonic() - started, 3),
        )

    def _save(self, page: LivePage, proposed: Proposed, analysis: PageAnalysis, report: RunReport, saver: Saver):
        """Save (live runs, approved changes only: as they are at the moment of saving); the changes
        the save leaves go on in review on the saved revision."""
        if not (self.context.live and proposed.accepted.changes):
            return None
        analysed = {page.revision_id: proposed.full}

        def replan(current: LivePage) -> SavePlan:
            """The decisions read again; after an edit conflict, the newer revision analysed and queued first."""
            full = analysed.get(current.revision_id)
            if full is None:
                full = analysis.result(current)
                if isinstance(full, Overrun):
                    not_analysed(current.title, full, report, self.out if self.json_output else None)
                    return SavePlan(PageResult.unchanged(current.title, current.text), hold="not analysed")
                analysed[current.revision_id] = full
            return propose(self.context, current.revision_id, full).plan

        outcome, plan = saver.save(page, proposed.plan, replan)
        if outcome.status == SaveStatus.SAVED and plan.remaining:
            carry_remaining(self.context, analysis, saved_page(page, plan, outcome), plan.proposal_id)
        return outcome


def not_analysed(title: str, overrun: Overrun, report: RunReport, json_out: TextIO | None) -> None:
    """A page over the limits: counted, logged, and (JSON output) given an error record."""
    report.unanalysed.append((title, overrun.reason))
    get_logger(page=title).warning("page not analysed", reason=overrun.reason)
    if json_out is not None:
        json_out.write(to_json_line(error_record(title, f"not analysed: {overrun.reason}")) + "\n")


def _unsaved_result(proposed) -> str:
    """What became of a page nothing was saved for, for the log."""
    if proposed.accepted.changes:
        return "dry-run"
    if proposed.held:
        return "waiting-for-review"
    return "unchanged"
