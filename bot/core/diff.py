"""Unified diffs of a page before and after its changes (what a reviewer reads)."""

from __future__ import annotations

import difflib


def unified_diff(old: str, new: str, name: str, context: int = 3) -> str:
    """A unified diff, or "" when nothing changed. Lines keep their endings; a missing
    final newline is marked the way ``diff`` marks it."""
    if old == new:
        return ""
    lines = difflib.unified_diff(
        _lines(old), _lines(new), fromfile=f"a/{name}", tofile=f"b/{name}", n=context
    )
    return "".join(lines)


def _lines(text: str) -> list[str]:
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += "\n\\ No newline at end of file\n"
    return lines
