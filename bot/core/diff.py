"""Unified diffs of a page before and after its changes (what a reviewer reads).

The pipeline knows exactly which spans changed, so hunks are built from those spans
directly: linear in the page size, where difflib's matcher slows down on pages with
thousands of changed lines. The output is the standard unified format (``patch`` applies it).
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

_NO_NEWLINE = "\\ No newline at end of file\n"


def unified_diff(
    old: str,
    new: str,
    name: str,
    old_spans: Sequence[tuple[int, int]],
    new_spans: Sequence[tuple[int, int]],
    context: int = 3,
) -> str:
    """A unified diff of ``old`` -> ``new``, where only ``old_spans`` became ``new_spans``."""
    if old == new:
        return ""
    old_lines, old_starts = _lines(old)
    new_lines, new_starts = _lines(new)
    blocks = _changed_blocks(old_spans, new_spans, old_starts, new_starts)
    out = [f"--- a/{name}\n", f"+++ b/{name}\n"]
    for group in _groups(blocks, context):
        first, last = group[0], group[-1]
        old_lo = max(0, first[0] - context)
        old_hi = min(len(old_lines), last[1] + context)
        new_lo = first[2] - (first[0] - old_lo)
        new_hi = last[3] + (old_hi - last[1])
        out.append(f"@@ -{_range(old_lo, old_hi)} +{_range(new_lo, new_hi)} @@\n")
        cursor = old_lo
        for o_lo, o_hi, n_lo, n_hi in group:
            out.extend(_emit(" ", old_lines[cursor:o_lo]))
            out.extend(_emit("-", old_lines[o_lo:o_hi]))
            out.extend(_emit("+", new_lines[n_lo:n_hi]))
            cursor = o_hi
        out.extend(_emit(" ", old_lines[cursor:old_hi]))
    return "".join(out)


def _lines(text: str) -> tuple[list[str], list[int]]:
    lines = text.splitlines(keepends=True)
    starts, offset = [], 0
    for line in lines:
        starts.append(offset)
        offset += len(line)
    return lines, starts


def _line_of(starts: list[int], offset: int) -> int:
    return max(0, bisect.bisect_right(starts, offset) - 1)


def _changed_blocks(old_spans, new_spans, old_starts, new_starts) -> list[tuple[int, int, int, int]]:
    """Merged (old_lo, old_hi, new_lo, new_hi) line ranges holding the changes."""
    blocks: list[list[int]] = []
    for (o_start, o_end), (n_start, n_end) in zip(old_spans, new_spans):
        o_lo, n_lo = _line_of(old_starts, o_start), _line_of(new_starts, n_start)
        o_hi = _line_of(old_starts, max(o_start, o_end - 1)) + 1
        n_hi = _line_of(new_starts, max(n_start, n_end - 1)) + 1
        if blocks and o_lo <= blocks[-1][1]:
            blocks[-1][1] = max(blocks[-1][1], o_hi)
            blocks[-1][3] = max(blocks[-1][3], n_hi)
        else:
            blocks.append([o_lo, o_hi, n_lo, n_hi])
    return [tuple(block) for block in blocks]  # type: ignore[misc]


def _groups(blocks, context: int):
    """Blocks whose context lines touch form one hunk."""
    group: list = []
    for block in blocks:
        if group and block[0] - group[-1][1] > 2 * context:
            yield group
            group = []
        group.append(block)
    if group:
        yield group


def _emit(prefix: str, lines: list[str]) -> list[str]:
    out = []
    for line in lines:
        if line.endswith(("\n", "\r")):
            out.append(prefix + line)
        else:
            out.append(prefix + line + "\n" + _NO_NEWLINE)
    return out


def _range(lo: int, hi: int) -> str:
    count = hi - lo
    start = lo + 1 if count else lo
    return f"{start}" if count == 1 else f"{start},{count}"
