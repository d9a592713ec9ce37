"""The page-level checks after rewriting, and tracing what they reject to the changes that cause it.

A second pass reads the new page: each new link must parse as that link, and the second pass must
propose nothing more (idempotence). A finding it can pin on one change drops that change. One it
cannot pin (a link elsewhere that now reads differently) is traced by re-checking subsets of the
changes, a bisection, so only the changes that cause it are dropped: a page never loses a change
that passes with the others.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.core import invariants
from bot.core.model import Change, Skip, SkipReason
from bot.core.rewrite import apply_changes

# What the second pass proposes for a page text (the page's plan, without reporting protected links).
SecondPass = Callable[[str], tuple[Sequence[Change], object]]


def checked_rewrite(
    text: str, changes: Sequence[Change], skipped: list[Skip], second_pass: SecondPass
) -> tuple[str, list[Change], list[tuple[int, int]]]:
    """Apply the changes; drop (and report in ``skipped``) those the page-level checks reject.
    Returns the new text, the changes kept and where each sits in the new text."""
    known = _KnownOutcomes(changes, skipped)
    kept = list(changes)

    def findings(subset: list[Change]) -> tuple[dict[int, str], list[str]]:
        new_text, spans = apply_changes(text, subset)
        problem = invariants.outside_problem(text, new_text, subset, spans)
        if problem is not None:  # pragma: no cover - apply_changes guarantees it; kept as a net
            raise AssertionError(problem)
        proposed, markup = second_pass(new_text)
        attributed = invariants.structure_problems(subset, spans, markup)
        unstable, elsewhere = invariants.unstable_changes(spans, proposed)
        attributed.update(unstable)
        return attributed, [reason for again, reason in elsewhere if not known.expected(again, subset, spans)]

    def passes(chosen: list[int]) -> bool:
        attributed, loose = findings([kept[i] for i in chosen])
        return not attributed and not loose

    while kept:
        attributed, loose = findings(kept)
        if attributed:
            dropped = attributed
        elif loose:
            reason = f"{loose[0]}, found by re-checking the page's changes in subsets"
            dropped = {index: reason for index in culprits(list(range(len(kept))), passes)}
        else:
            break
        skipped.extend(rejected(kept[i], reason) for i, reason in sorted(dropped.items()))
        kept = [change for i, change in enumerate(kept) if i not in dropped]
    new_text, spans = apply_changes(text, kept)
    return new_text, kept, spans


def rejected(change: Change, reason: str) -> Skip:
    return Skip(change.start, change.end, change.old, SkipReason.CHECK_FAILED, reason, change.rule)


class _KnownOutcomes:
    """What the first pass said about each link: a second-pass proposal at text no change touched
    is expected when the first pass proposed the same there, or left that link alone on purpose."""

    def __init__(self, changes: Sequence[Change], skipped: Sequence[Skip]) -> None:
        self.proposed = {(change.start, change.end): change.new for change in changes}
        self.left_alone = {(skip.start, skip.end) for skip in skipped}

    def expected(self, again: Change, applied: Sequence[Change], spans: Sequence[tuple[int, int]]) -> bool:
        shift = 0  # from the new text's offsets back to the old text's
        for change, (_start, end) in zip(applied, spans):
            if end <= again.start:
                shift = change.end - end
        old_span = (again.start + shift, again.end + shift)
        return old_span in self.left_alone or self.proposed.get(old_span) == again.new


def culprits(indices: list[int], passes: Callable[[list[int]], bool]) -> list[int]:
    """The indices whose changes make the page fail, by bisection: halves that pass on their own are
    cleared; what fails only in combination is resolved by adding changes back one at a time."""
    if passes(indices):
        return []
    if len(indices) == 1:
        return indices
    middle = len(indices) // 2
    bad = culprits(indices[:middle], passes) + culprits(indices[middle:], passes)
    rest = [index for index in indices if index not in bad]
    if passes(rest):
        return bad
    kept: list[int] = []
    for index in rest:
        if passes([*kept, index]):
            kept.append(index)
        else:
            bad.append(index)
    return bad
