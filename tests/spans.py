"""Test helpers: cut spans out of a text, and where each change's new text sits after rewriting."""

from __future__ import annotations


def outside(text: str, spans: list[tuple[int, int]]) -> list[str]:
    """The pieces of ``text`` between ``spans`` (sorted, non-overlapping)."""
    pieces, cursor = [], 0
    for start, end in spans:
        pieces.append(text[cursor:start])
        cursor = end
    pieces.append(text[cursor:])
    return pieces


def new_spans(result) -> list[tuple[int, int]]:
    """Computed independently of the core's rewriter, from the changes alone."""
    spans, shift = [], 0
    for change in result.changes:
        start = change.start + shift
        spans.append((start, start + len(change.new)))
        shift += len(change.new) - (change.end - change.start)
    return spans
