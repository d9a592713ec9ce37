"""Apply changes to a text: every byte outside the changed spans stays where and what it was."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.model import Change


def apply_changes(text: str, changes: Sequence[Change]) -> tuple[str, list[tuple[int, int]]]:
    """The new text, and where each change's new text sits in it (same order as ``changes``).

    ``changes`` must be sorted by offset and must not overlap; each change's ``old``
    must be exactly the text at its span (checked: a mismatch is a bug, not input).
    """
    pieces: list[str] = []
    spans: list[tuple[int, int]] = []
    cursor = 0
    length = 0
    for change in changes:
        if change.start < cursor or text[change.start : change.end] != change.old:
            raise ValueError(f"change at {change.start}:{change.end} does not fit the text")
        gap = text[cursor : change.start]
        pieces.append(gap)
        length += len(gap)
        pieces.append(change.new)
        spans.append((length, length + len(change.new)))
        length += len(change.new)
        cursor = change.end
    pieces.append(text[cursor:])
    return "".join(pieces), spans
