"""Scan pages of a live wiki: analyze each, record the proposal in the review queue, and in live
mode save the approved changes.

A change reaches the wiki only when it is approved: by an editor (``linkbot approve``/``review``),
carried over from an earlier decision on the identical change, or by an auto-approval rule
(never for changes that need review). Both modes print each page's proposed diff, the edit
summary of what a live run saves now, and where the proposal stands in the queue.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TextIO

from bot.inputs.limits import Bounded, Overrun, with_site
from bot.core import analyze, edit_summary, exclusion_reason, select_changes
from bot.core.members import item_targets
from bot.core.model import PageResult
from bot.core.summary import SUMMARIES, SummaryText
from bot.errors import (
    CircuitBreakerError,
    StoppedError,
    WikiError,
    WikiUnavailableError,
)
from bot.logs import get_logger
from bot.queue.proposals import Queue
from bot.inputs.registries import for_page
from bot.present.report import Tally, colorize_diff, error_record, page_record, to_json_line
from bot.settings import Settings
from bot.wiki.save import VERIFY_BATCH, SaveOutcome, save_page, verify_saved
from bot.wiki.session import WikiSession
from bot.wiki.shutoff import Shutoff
from bot.wiki.sources import LivePage, resolve_redirects


@dataclass
class RunReport:
    tally: Tally = field(default_factory=Tally)
    outcomes: Counter = field(default_factory=Counter)  # saved, merged, transformed, refused, conflict, nothing
    excluded: list[tuple[str, str]] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    unanalysed: list[tuple[str, str]] = field(default_factory=list)  # pages (or dumps) over the limits, unreadable
    held: int = 0  # changes waiting for a decision
    saved_changes: int = 0  # approved changes that went into saved edits
    edits: int = 0
    stopped: str = ""  # why the run stopped early
    stopped_by_shutoff: bool = False

    def render(self) -> str:
        lines = [self.tally.render().rstrip("\n")]
        lines.append(
            f"edits: {self.edits} saved ({self.outcomes['merged']} merged with a concurrent edit), "
            f"{self.held} change(s) waiting for review, {len(self.excluded)} page(s) excluded, "
            f"{len(self.failed)} page(s) not saved"
        )
        if self.unanalysed:
            lines.append(f"{len(self.unanalysed)} page(s) or input(s) not analysed")
        lines += [f"excluded: {title}: {why}" for title, why in self.excluded]
        lines += [f"not analysed: {title}: {why}" for title, why in self.unanalysed]
        lines += [f"not saved: {title}: {why}" for title, why in self.failed]
        lines += [f"merged: {title}: MediaWiki merged a concurrent edit into the saved revision" for title in self.merged]
        if self.stopped:
            lines.append(f"stopped early: {self.stopped}")
        return "\n".join(lines) + "\n"


def shutoff_for(settings: Settings) -> Shutoff:
    return Shutoff(settings.shutoff_page, settings.shutoff_run_value, settings.shutoff_max_age)


@dataclass
class Scanner:
    session: WikiSession
    settings: Settings
    queue: Queue
    out: TextIO
    run_id: str = ""
    color: bool = False
    json_output: bool = False
    report: RunReport = field(default_factory=RunReport)
    unverified: list[SaveOutcome] = field(default_factory=list)
    last_proposal: int | None = None
    registries: list = field(default_factory=list)  # member lists, matched to pages by title
    deadline: float | None = None  # time.monotonic() after which no new page is started
    after_page: object = None  # called with each page once it is fully processed
    save_attempts: int = 0
    save_failures: int = 0
    failures_in_a_row: int = 0
    shutoff: Shutoff | None = None  # the emergency stop; built from the settings unless given
    analysis: Bounded | None = None  # the core's page functions under the time limit (started on first use)

    def __post_init__(self) -> None:
        if self.shutoff is None:
            self.shutoff = shutoff_for(self.settings)

    def bounded(self, page: LivePage, function, *args, **kwargs) -> Any:
        """``function(*args, profile=..., options=..., **kwargs)`` of the core, for ``page``: an
        ``Overrun`` instead when the page is over the size limit or its analysis over the time limit."""
        too_large = self.settings.limits.oversize(page.text)
        if too_large is not None:
            return too_large
        if self.analysis is None:
            self.analysis = Bounded(self.settings.limits.seconds, partial(with_site, self.session.profile, self.settings.options))
        return self.analysis.call(function, *args, **kwargs)

    def not_analysed(self, title: str, overrun: Overrun) -> None:
        self.report.unanalysed.append((title, overrun.reason))
        get_logger(page=title).warning("page not analysed", reason=overrun.reason)
        if self.json_output:
            self.out.write(to_json_line(error_record(title, f"not analysed: {overrun.reason}")) + "\n")

    def close(self) -> None:
        if self.analysis is not None:
            self.analysis.close()

    def reading(self) -> Shutoff | None:
        """The stop to read along with each batch of pages: only a live run saves."""
        return self.shutoff if self.settings.mode == "live" else None

    def run(self, pages: Iterable[LivePage]) -> RunReport:
        """Process every page; stop at the emergency stop, the edit limit, or a wiki that stays down."""
        current = None
        try:
            for current in pages:
                if self.settings.max_edits and self.report.edits >= self.settings.max_edits:
                    self.report.stopped = f"--max-edits {self.settings.max_edits} reached"
                    break
                if self.deadline is not None and time.monotonic() > self.deadline:
                    self.report.stopped = f"max_minutes {self.settings.run.max_minutes:g} reached"
                    break
                self.process(current)
                if self.after_page is not None:
                    self.after_page(current)
                current = None
        except StoppedError as error:
            self.report.stopped, self.report.stopped_by_shutoff = str(error), True
        except WikiError as error:
            # Nothing was saved for this page (or the breaker opened): the next run picks it up again.
            if current is not None and isinstance(error, WikiUnavailableError):
                self.report.failed.append((current.title, str(error)))
            self.report.stopped = str(error)
        finally:
            self.close()
        self.verify()
        return self.report

    def verify(self) -> None:
        """Check the saved revisions against the intended texts (batched), and report merges."""
        pending, self.unverified = self.unverified, []
        if not pending:
            return
        try:
            differing = verify_saved(self.session.site, pending, self.settings.retry)
        except WikiUnavailableError as error:
            get_logger().warning("saved revisions not verified", error=str(error), revisions=len(pending))
            return
        for outcome in differing:
            self.report.outcomes[outcome.status] += 1
            self.report.outcomes["saved"] -= 1
            log = get_logger(page=outcome.title)
            if outcome.status == "merged":
                self.report.merged.append(outcome.title)
                log.warning("merged with a concurrent edit", new_revision=outcome.new_revision)
            else:
                self.report.failed.append((outcome.title, outcome.detail))
                log.error("saved text changed by the wiki", new_revision=outcome.new_revision, detail=outcome.detail)

    def process(self, page: LivePage) -> None:
        log = get_logger(page=page.title, revision=page.revision_id)
        started = time.monotonic()
        reason = exclusion_reason(page.text, self.session.user or "linkbot", self.settings.in_use_templates)
        if reason is not None:
            self.report.excluded.append((page.title, reason))
            log.info("page excluded", reason=reason)
            return
        full = self.analyze(page)
        if isinstance(full, Overrun):
            self.not_analysed(page.title, full)
            return
        self.report.tally.add(full)
        proposal_id, accepted = self.record(page, full)
        self.report.held += len(full.changes) - len(accepted.changes)
        self.show(page, full, accepted, proposal_id)
        outcome = None
        if self.settings.mode == "live" and accepted.changes:
            outcome = self.save(page, accepted)
            if outcome.status == "saved" and self.last_proposal is not None:
                # After a conflict this is the proposal recorded for the revision actually saved on.
                self.queue.mark(self.last_proposal, "applied", saved_revid=outcome.new_revision)
        log.info(
            "page done",
            changes=len(full.changes),
            accepted=len(accepted.changes),
            rules=dict(Counter(change.rule.value for change in accepted.changes)),
            result=outcome.status if outcome else ("dry-run" if accepted.changes else "unchanged"),
            new_revision=outcome.new_revision if outcome else None,
            elapsed=round(time.monotonic() - started, 3),
        )

    def analyze(self, page: LivePage) -> PageResult | Overrun:
        members = for_page(self.registries, page.title)
        redirects = self.redirects(page, members) if members is not None else None
        return self.bounded(page, analyze, page.text, title=page.title, members=members, redirects=redirects)

    def redirects(self, page: LivePage, members) -> dict[str, str]:
        """Where the member list's links redirect to (one batched query per managed page)."""
        targets = item_targets(page.text, members, self.session.profile)
        return resolve_redirects(self.session.site, targets, self.settings.retry) if targets else {}

    def record(self, page: LivePage, full: PageResult) -> tuple[int | None, PageResult]:
        """Queue the proposal; the accepted result holds exactly its approved changes. A dry run
        records the proposal but decides nothing: what its auto-approval rules would approve is
        shown, not stored."""
        live = self.settings.mode == "live"
        auto = self.settings.auto_approve
        recorded = self.queue.record(self.session.wiki_id, page.revision_id, full, self.run_id, auto if live else frozenset())
        self.last_proposal = recorded.id
        if recorded.id is None:
            return None, full
        proposal = self.queue.get(recorded.id)
        approved = {item.change.id for item in proposal.approved()}
        if not live:
            would = self.queue.auto_approvable(recorded.id, auto)
            approved |= {item.change.id for item in proposal.changes if item.number in would}
        return recorded.id, select_changes(full, lambda change: change.id in approved)

    def accepted(self, page: LivePage) -> PageResult:
        """After an edit conflict: analyze the new revision, queue it, keep what is approved
        (nothing, when the new revision is over the limits)."""
        full = self.analyze(page)
        if isinstance(full, Overrun):
            self.not_analysed(page.title, full)
            return PageResult.unchanged(page.title, page.text)
        return self.record(page, full)[1]

    def summary(self, result: PageResult) -> str:
        return edit_summary(result.changes, self.session.language, self._summary_texts())

    def save(self, page: LivePage, accepted: PageResult, recompute=None) -> SaveOutcome:
        self.shutoff.check(self.session.site, self.settings.retry)
        outcome = save_page(
            page, accepted, recompute or self.accepted, self.summary, minor=self.settings.minor, policy=self.settings.retry
        )
        self.report.outcomes[outcome.status] += 1
        if outcome.status == "saved":
            self.report.edits += 1
            self.report.saved_changes += outcome.changes
            self.unverified.append(outcome)
            if len(self.unverified) >= VERIFY_BATCH:
                self.verify()
        if outcome.status in ("refused", "conflict"):
            self.report.failed.append((page.title, outcome.detail))
        self._breaker(outcome.status in ("refused", "conflict"))
        return outcome

    def _breaker(self, failed: bool) -> None:
        """Stop saving after N failures in a row, or when the share of failed saves passes the threshold."""
        run = self.settings.run
        self.save_attempts += 1
        self.save_failures += failed
        self.failures_in_a_row = self.failures_in_a_row + 1 if failed else 0
        if run.breaker_failures and self.failures_in_a_row >= run.breaker_failures:
            raise CircuitBreakerError(f"circuit breaker: {self.failures_in_a_row} saves failed in a row")
        share = self.save_failures / self.save_attempts
        if self.save_attempts >= run.breaker_minimum and share > run.breaker_rate:
            raise CircuitBreakerError(
                f"circuit breaker: {self.save_failures} of {self.save_attempts} saves failed ({share:.0%})"
            )

    def show(self, page: LivePage, full: PageResult, accepted: PageResult, proposal_id: int | None) -> None:
        approved = {change.id for change in accepted.changes}
        if self.json_output:
            record = page_record(page.title, full)
            record.update(
                revision=page.revision_id,
                proposal=proposal_id,
                approved=sorted(approved),
                summary=self.summary(accepted) if accepted.changes else "",
            )
            self.out.write(to_json_line(record) + "\n")
            return
        for warning in full.warnings:
            self.out.write(f"{page.title}: warning: {warning}\n")
        if not full.changes:
            return
        self.out.write(colorize_diff(full.diff, self.color))
        if accepted.changes:
            self.out.write(f"summary: {self.summary(accepted)}\n")
        waiting = len(full.changes) - len(accepted.changes)
        self.out.write(
            f"queued: proposal {proposal_id}, {len(accepted.changes)} change(s) approved, {waiting} waiting for review\n"
        )

    def _summary_texts(self):
        texts = dict(SUMMARIES)
        for language, table in self.settings.summaries.items():
            base = texts.get(language, SUMMARIES["en"])
            texts[language] = SummaryText(
                table.get("template", base.template),
                table.get("separator", base.separator),
                table.get("detail", base.detail),
                {**base.labels, **table.get("labels", {})},
            )
        return texts
