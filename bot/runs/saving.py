"""Saving in a live run: the emergency stop read before each save, one edit per page (bot.wiki.save),
the circuit breaker, and the saved revisions verified in batches (merges and transforms reported)."""

from __future__ import annotations

from collections.abc import Callable

from bot.core import edit_summary
from bot.core.model import PageResult
from bot.errors import CircuitBreakerError, WikiUnavailableError
from bot.logs import get_logger
from bot.runs.breaker import Breaker
from bot.runs.context import RunContext
from bot.runs.journal import record_edit
from bot.runs.report import RunReport
from bot.wiki.save import VERIFY_BATCH, SaveOutcome, SaveStatus, save_page, verify_saved
from bot.wiki.sources import LivePage

FAILED = frozenset({SaveStatus.REFUSED, SaveStatus.CONFLICT})  # outcomes that count against the breaker


class Saver:
    """Saves pages for one run, counting into its ``report``."""

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

    def save(self, page: LivePage, accepted: PageResult, recompute: Callable[[LivePage], PageResult]) -> SaveOutcome:
        """Save ``accepted`` onto ``page`` (``recompute`` gives the changes for a newer revision after
        an edit conflict). Raises ``StoppedError`` at the emergency stop, ``CircuitBreakerError``
        when saves keep failing."""
        settings = self.context.settings
        self.context.shutoff.check(self.context.session.site, settings.retry)
        outcome = save_page(page, accepted, recompute, self.summary, minor=settings.minor, policy=settings.retry)
        self.report.outcomes[outcome.status] += 1
        if outcome.status == SaveStatus.SAVED:
            record_edit(self.context, outcome)  # at once: a run killed later still answers for this edit
            self.report.edits += 1
            self.report.saved_changes += outcome.changes
            self.unverified.append(outcome)
            if len(self.unverified) >= VERIFY_BATCH:
                self.verify()
        if outcome.status in FAILED:
            self.report.failed.append((page.title, outcome.detail))
        reason = self.breaker.record(outcome.status in FAILED)
        if reason is not None:
            raise CircuitBreakerError(reason)
        return outcome

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
