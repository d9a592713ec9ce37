"""Unified diffs of a page before and after its changes (what a reviewer reads).

The pipeline knows exactly which spans changed, so hunks are built from those spans
directly: linear in the page size, where difflib's matcher slows down on pages with
thousands of changed lines (here it only compares the lines of one small changed block).
The output is the standard unified format (``patch`` applies it).
"""

from __future__ import annotations

import bisect
import difflib
from collections.abc import Sequence

_NO_NEWLINE = "\\ No newline at end of file\n"
_MATCHED_BLOCK = 40_000  # old × new lines of a block compared line by line (a 200-line block)


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
    blocks = _changed_blocks(old_spans, new_spans, (old_starts, len(old)), (new_starts, len(new)))
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
            out.extend(_block(old_lines[o_lo:o_hi], new_lines[n_lo:n_hi]))
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


def _changed_blocks(old_spans, new_spans, old_text, new_text) -> list[tuple[int, int, int, int]]:
    """Merged (old_lo, old_hi, new_lo, new_hi) line ranges holding the changes.

    ``old_text`` and ``new_text`` are (line starts, length). A change of whole lines on both sides (a
    member's line added or removed) covers exactly those lines: the line after an inserted one is
    context, not a line the diff removes and adds back.
    """
    blocks: list[list[int]] = []
    for (o_start, o_end), (n_start, n_end) in zip(old_spans, new_spans):
        old_lines = _whole_lines(*old_text, o_start, o_end)
        new_lines = _whole_lines(*new_text, n_start, n_end)
        if old_lines is None or new_lines is None:
            old_lines = _touched_lines(old_text[0], o_start, o_end)
            new_lines = _touched_lines(new_text[0], n_start, n_end)
        (o_lo, o_hi), (n_lo, n_hi) = old_lines, new_lines
        if blocks and o_lo <= blocks[-1][1]:
            blocks[-1][1] = max(blocks[-1][1], o_hi)
            blocks[-1][3] = max(blocks[-1][3], n_hi)
        else:
            blocks.append([o_lo, o_hi, n_lo, n_hi])
    return [tuple(block) for block in blocks]  # type: ignore[misc]


def _touched_lines(starts: list[int], start: int, end: int) -> tuple[int, int]:
    """The lines a span touches (the line it sits in, when empty)."""
    return _line_of(starts, start), _line_of(starts, max(start, end - 1)) + 1


def _whole_lines(starts: list[int], length: int, start: int, end: int) -> tuple[int, int] | None:
    """The lines [lo, hi) a span is made of, when it starts and ends at line boundaries (none when empty)."""
    lo, hi = _boundary(starts, length, start), _boundary(starts, length, end)
    return None if lo is None or hi is None else (lo, hi)


def _boundary(starts: list[int], length: int, offset: int) -> int | None:
    """The index of the line starting at ``offset`` (the line count at the end of the text), else None."""
    index = bisect.bisect_left(starts, offset)
    if index < len(starts) and starts[index] == offset:
        return index
    return len(starts) if offset == length else None


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


def _block(old: list[str], new: list[str]) -> list[str]:
    """A changed block's lines: those it keeps shown as context (a table row group rewritten as one
    change keeps most of its rows), when the block is small enough for difflib to stay quick."""
    if len(old) * len(new) > _MATCHED_BLOCK:
        return _emit("-", old) + _emit("+", new)
    out = []
    for tag, o_lo, o_hi, n_lo, n_hi in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            out.extend(_emit(" ", old[o_lo:o_hi]))
        else:
            out.extend(_emit("-", old[o_lo:o_hi]) + _emit("+", new[n_lo:n_hi]))
    return out


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
