"""Carry approved changes from the revision they were proposed on to the page's current text.

A change moves only if the lines holding it are unchanged in the current text (so its old
text is found, unambiguously, at the corresponding place) and a fresh analysis of the current
text proposes exactly that change there; the fresh analysis also re-runs every safety check.
Otherwise the proposal is stale: nothing is guessed.
"""

from __future__ import annotations

import bisect
import difflib
from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.analyze import analyze, select_changes
from bot.core.model import Change, PageResult
from bot.core.options import Options
from bot.core.profile import SiteProfile
from bot.core.registry import MemberList


@dataclass(frozen=True)
class Rebased:
    result: PageResult | None  # the current text with exactly the approved changes; None when stale
    reason: str = ""


def rebase(
    base_text: str,
    current_text: str,
    approved: Sequence[Change],
    profile: SiteProfile,
    options: Options,
    title: str = "",
    members: MemberList | None = None,
    redirects=None,
) -> Rebased:
    fresh = analyze(current_text, profile, options, title=title, members=members, redirects=redirects, earlier=base_text)
    mapping = _line_mapping(base_text, current_text)
    wanted: set[tuple[int, str, str]] = set()
    for change in approved:
        start = mapping(change.start, change.end)
        if start is None or current_text[start : start + len(change.old)] != change.old:
            return Rebased(None, f"the line holding change {change.id} ({change.old[:40]!r}) changed since the scan")
        wanted.add((start, change.old, change.new))
    offered = {(change.start, change.old, change.new) for change in fresh.changes}
    missing = wanted - offered
    if missing:
        start, old, _ = sorted(missing)[0]
        return Rebased(None, f"{old[:40]!r} at offset {start} is no longer proposed on the current text")
    return Rebased(select_changes(fresh, lambda change: (change.start, change.old, change.new) in wanted))


def _line_mapping(base: str, current: str):
    """A function mapping a span of ``base`` to its start in ``current``, or None if its lines changed."""
    if base == current:
        return lambda start, end: start
    base_lines = base.splitlines(keepends=True)
    current_lines = current.splitlines(keepends=True)
    base_starts = _starts(base_lines)
    current_starts = _starts(current_lines)
    blocks = difflib.SequenceMatcher(None, base_lines, current_lines, autojunk=False).get_matching_blocks()

    def mapping(start: int, end: int) -> int | None:
        first = _line_at(base_starts, start)
        last = _line_at(base_starts, max(start, end - 1))
        for block in blocks:
            if block.a <= first and last < block.a + block.size:
                shift = current_starts[block.b + (first - block.a)] - base_starts[first]
                return start + shift
        return None

    return mapping


def _starts(lines: list[str]) -> list[int]:
    starts, offset = [], 0
    for line in lines:
        starts.append(offset)
        offset += len(line)
    return starts


def _line_at(starts: list[int], offset: int) -> int:
    return max(0, bisect.bisect_right(starts, offset) - 1)
