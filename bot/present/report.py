"""How results are shown: colored diffs, the summary table, and the JSON page records.

The JSON record (``page_record``) is a stable interface; its schema is documented in
README.md ("JSON output") and versioned by ``SCHEMA_VERSION``.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field

from bot.core.model import Change, PageResult, Rule, Skip
from bot.present.terminal import STYLE

SCHEMA_VERSION = 1

# Written with STYLE for ESC: the output stream makes a page's own ESC visible, then turns these into ESC.
_COLORS = {"+": f"{STYLE}[32m", "-": f"{STYLE}[31m", "@": f"{STYLE}[36m"}
_BOLD, _RESET = f"{STYLE}[1m", f"{STYLE}[0m"


def colorize_diff(diff: str, color: bool) -> str:
    if not color:
        return diff
    lines = []
    for line in diff.splitlines(keepends=True):
        if line.startswith(("+++", "---")):
            lines.append(f"{_BOLD}{line.rstrip(chr(10))}{_RESET}\n")
        elif line[:1] in _COLORS:
            lines.append(f"{_COLORS[line[0]]}{line.rstrip(chr(10))}{_RESET}\n")
        else:
            lines.append(line)
    return "".join(lines)


def change_record(change: Change) -> dict:
    return {
        "id": change.id,
        "rule": change.rule.value,
        "start": change.start,
        "end": change.end,
        "old": change.old,
        "new": change.new,
        "needs_review": change.needs_review,
        "display": change.display.value,
        "note": change.note,
        "proof": change.proof,
        "preview": json.loads(change.preview) if change.preview else None,
    }


def skip_record(skip: Skip) -> dict:
    return {
        "rule": skip.rule.value if skip.rule else None,
        "start": skip.start,
        "end": skip.end,
        "text": skip.text,
        "reason": skip.reason.value,
        "detail": skip.detail,
    }


def page_record(source: str, result: PageResult, with_text: bool = True) -> dict:
    """A page's JSON record; ``with_text=False`` leaves out the new text (dump scans: the diff
    says it, and a dump's pages would add up to gigabytes)."""
    record = {
        "schema": SCHEMA_VERSION,
        "page": source,
        "status": "changed" if result.changed else "unchanged",
        "forms": result.forms,
        "mixed_forms": result.mixed_forms,
        "changes": [change_record(change) for change in result.changes],
        "skipped": [skip_record(skip) for skip in result.skipped],
        "warnings": list(result.warnings),
        "new_text": result.new_text,
        "diff": result.diff,
    }
    if not with_text:
        del record["new_text"]
    return record


def error_record(source: str, message: str) -> dict:
    return {"schema": SCHEMA_VERSION, "page": source, "status": "error", "error": message}


def to_json_line(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False, sort_keys=False)


@dataclass(frozen=True)
class PageCounts:
    """What the summary table counts of one page: small enough to send back from a worker."""

    changed: bool
    mixed: bool
    forms: dict[str, int]
    changes: tuple[tuple[str, bool], ...]  # (rule, needs review)
    skipped: tuple[tuple[str, str], ...]  # (rule or "-", reason)

    @classmethod
    def of(cls, result: PageResult) -> PageCounts:
        return cls(
            result.changed,
            result.mixed_forms,
            result.forms,
            tuple((change.rule.value, change.needs_review) for change in result.changes),
            tuple((skip.rule.value if skip.rule else "-", skip.reason.value) for skip in result.skipped),
        )


@dataclass
class Tally:
    """Running totals for the summary table."""

    pages: int = 0
    changed: int = 0
    mixed: int = 0
    errors: int = 0
    found: Counter = field(default_factory=Counter)
    changes: Counter = field(default_factory=Counter)
    review: Counter = field(default_factory=Counter)
    left_alone: Counter = field(default_factory=Counter)
    reasons: Counter = field(default_factory=Counter)
    unanalysed: Counter = field(default_factory=Counter)  # pages not analysed for what they are, by reason

    def add(self, result: PageResult | PageCounts) -> None:
        counts = result if isinstance(result, PageCounts) else PageCounts.of(result)
        self.pages += 1
        self.changed += counts.changed
        self.mixed += counts.mixed
        self.found.update(counts.forms)
        for rule, needs_review in counts.changes:
            self.changes[rule] += 1
            self.review[rule] += needs_review
        for rule, reason in counts.skipped:
            self.left_alone[rule] += 1
            self.reasons[reason] += 1

    def add_error(self, pages: int = 1) -> None:
        """An input (or a page of one) not processed; ``pages``: how many pages it counts for."""
        self.pages += pages
        self.errors += 1

    def add_unanalysed(self, reason: str, pages: int = 1) -> None:
        """Pages read but not analysed for what they are (not wikitext, no text in a dump)."""
        self.pages += pages
        self.unanalysed[reason] += pages

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            self.pages + other.pages,
            self.changed + other.changed,
            self.mixed + other.mixed,
            self.errors + other.errors,
            *(mine + theirs for mine, theirs in zip(self._counters(), other._counters(), strict=True)),
        )

    def _counters(self) -> tuple[Counter, ...]:
        return self.found, self.changes, self.review, self.left_alone, self.reasons, self.unanalysed

    def render(self) -> str:
        rules = [rule.value for rule in Rule] + (["-"] if self.left_alone["-"] else [])
        rows = {rule: (self.found[rule], self.changes[rule], self.review[rule], self.left_alone[rule]) for rule in rules}
        shown = [rule for rule in rules if any(rows[rule])]
        width = max([12, *map(len, shown)])  # member-new-section is wider than the link rules
        lines = [
            f"{self.pages} page(s): {self.changed} changed, {self.mixed} with mixed link forms, "
            f"{self.errors} not processed" + (f", {sum(self.unanalysed.values())} not analysed" if self.unanalysed else ""),
            f"{'rule':<{width}} {'found':>7} {'changes':>8} {'review':>7} {'left alone':>11}",
        ]
        for rule in shown:
            row = rows[rule]
            lines.append(f"{rule:<{width}} {row[0]:>7} {row[1]:>8} {row[2]:>7} {row[3]:>11}")
        totals = (
            sum(self.found.values()),
            sum(self.changes.values()),
            sum(self.review.values()),
            sum(self.left_alone.values()),
        )
        lines.append(f"{'total':<{width}} {totals[0]:>7} {totals[1]:>8} {totals[2]:>7} {totals[3]:>11}")
        if self.reasons:
            why = ", ".join(f"{reason} {count}" for reason, count in sorted(self.reasons.items()))
            lines.append(f"left alone because: {why}")
        if self.unanalysed:
            lines.append("not analysed: " + ", ".join(f"{why} {count}" for why, count in sorted(self.unanalysed.items())))
        return "\n".join(lines) + "\n"


def describe_skips(source: str, result: PageResult) -> list[str]:
    """One line per item left alone: where, which rule, why (for the text report)."""
    lines = []
    line_of = _line_counter(result.text)
    for skip in result.skipped:
        line_no = line_of(skip.start)
        rule = skip.rule.value if skip.rule else "-"
        snippet = skip.text if len(skip.text) <= 60 else skip.text[:57] + "..."
        detail = f": {skip.detail}" if skip.detail else ""
        lines.append(f"{source}:{line_no}: left alone [{rule}] {skip.reason.value}{detail}: {snippet!r}")
    return lines


def _line_counter(text: str):
    """``offset -> line number`` in ``text``, counting on from the previous offset: asked in page
    order, a page's lines are counted once (from the start for each offset took seconds on a
    page with thousands of skips)."""
    line, counted_to = 1, 0

    def line_of(offset: int) -> int:
        nonlocal line, counted_to
        if offset < counted_to:
            line, counted_to = 1, 0
        line += text.count("\n", counted_to, offset)
        counted_to = offset
        return line

    return line_of


def wiki_page_output(
    title: str, revision: int, full: PageResult, accepted: PageResult, proposal_id: int | None, summary: str,
    *, json_output: bool, color: bool, waiting: int = 0, rejected: int = 0, live: bool = True,
) -> str:  # fmt: skip
    """A wiki page's proposal as a scan prints it: its JSON record (with each change's proof as
    recorded), or its warnings, diff, the edit summary of what a live run saves now, and where the
    proposal stands in the queue (a dry run says what it *would* approve)."""
    approved = sorted(change.id for change in accepted.changes)
    if json_output:
        record = page_record(title, full)
        record.update(revision=revision, proposal=proposal_id, approved=approved, summary=summary, mode="live" if live else "dry-run")
        return to_json_line(record) + "\n"
    lines = [f"{title}: warning: {warning}\n" for warning in full.warnings]
    if full.changes:
        lines.append(colorize_diff(full.diff, color))
        if accepted.changes:
            lines.append(f"summary: {summary}\n")
        verb = "approved" if live else "a live run would approve"
        tail = f", {rejected} rejected" if rejected else ""
        lines.append(f"queued: proposal {proposal_id}, {len(accepted.changes)} change(s) {verb}, {waiting} waiting for review{tail}\n")
    return "".join(lines)
