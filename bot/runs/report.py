"""What a wiki run did: pages and changes (the summary table's tally), saves by outcome, pages left
alone, not analysed or not saved, and why it stopped. Reports add up: a scheduled run's report is
its scan's plus its apply's."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from bot.present.report import Tally
from bot.runs.stops import Stop


@dataclass
class RunReport:
    tally: Tally = field(default_factory=Tally)
    outcomes: Counter = field(default_factory=Counter)  # saved, merged, transformed, refused, conflict, nothing
    excluded: list[tuple[str, str]] = field(default_factory=list)  # ({{nobots}}, in use)
    merged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    unanalysed: list[tuple[str, str]] = field(default_factory=list)  # pages (or dumps) over the limits, unreadable
    held: int = 0  # changes waiting for a decision
    saved_changes: int = 0  # approved changes that went into saved edits
    edits: int = 0
    applied: int = 0  # approved proposals an apply went through
    stop: Stop | None = None  # why the run stopped early (None: it did all it was given)

    def __add__(self, other: RunReport) -> RunReport:
        return RunReport(
            self.tally + other.tally,
            self.outcomes + other.outcomes,
            self.excluded + other.excluded,
            self.merged + other.merged,
            self.failed + other.failed,
            self.unanalysed + other.unanalysed,
            self.held + other.held,
            self.saved_changes + other.saved_changes,
            self.edits + other.edits,
            self.applied + other.applied,
            self.stop or other.stop,
        )

    @property
    def stopped(self) -> str:
        """Why the run stopped early, in words ("" when it did not)."""
        return self.stop.message if self.stop else ""

    def render(self) -> str:
        # An apply analyses no pages of its own: its first line counts the proposals it went through.
        if self.tally.pages or not self.applied:
            lines = [self.tally.render().rstrip("\n")]
        else:
            lines = [f"{self.applied} approved proposal(s): {self.saved_changes} approved change(s) saved"]
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
        if self.stop:
            lines.append(f"stopped early: {self.stop.message}")
        return "\n".join(lines) + "\n"
