"""CommonMark's emphasis rules for ``*`` and ``_`` in a Markdown link label.

A run of ``*`` or ``_`` is emphasis only when CommonMark's delimiter-run rules pair it with
another (https://spec.commonmark.org/0.31.2/#emphasis-and-strong-emphasis): it must be
left-flanking to open and right-flanking to close, an underscore inside a word neither opens
nor closes (``snake_case``), and the "rule of 3" keeps ``*foo**bar*`` apart. Runs that pair with
nothing are literal text. ``pair_runs`` answers, for each run, what it becomes: its emphasis
markers and the characters left over as text, in order.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field


@dataclass
class Run:
    """A run of one delimiter character in a label, with what CommonMark lets it do."""

    char: str
    length: int
    can_open: bool
    can_close: bool
    left: int = field(init=False)  # delimiters not used yet
    opened: list[int] = field(default_factory=list)  # emphasis sizes (1 or 2) opened here, in match order
    closed: list[int] = field(default_factory=list)  # emphasis sizes closed here, in match order

    def __post_init__(self) -> None:
        self.left = self.length


def delimiter_run(char: str, length: int, before: str, after: str) -> Run:
    """A run of ``length`` ``char`` between the characters ``before`` and ``after`` ("" at the
    label's ends, which count as white space)."""
    left_flanking = _flanking(after, before)
    right_flanking = _flanking(before, after)
    if char == "*":
        return Run(char, length, left_flanking, right_flanking)
    can_open = left_flanking and (not right_flanking or _is_punctuation(before))
    can_close = right_flanking and (not left_flanking or _is_punctuation(after))
    return Run(char, length, can_open, can_close)


def _flanking(inner: str, outer: str) -> bool:
    """Left-flanking is ``_flanking(after, before)``, right-flanking ``_flanking(before, after)``."""
    if _is_space(inner):
        return False
    return not _is_punctuation(inner) or _is_space(outer) or _is_punctuation(outer)


def _is_space(char: str) -> bool:
    return not char or char.isspace()


def _is_punctuation(char: str) -> bool:
    return bool(char) and unicodedata.category(char)[0] in "PS"


def pair_runs(runs: list[Run]) -> None:
    """Pair openers with closers as CommonMark's "process emphasis" does; fills each run's
    ``opened``/``closed`` sizes and leaves in ``left`` the delimiters that stay literal."""
    openers: list[Run] = []
    for run in runs:
        if run.can_close:
            _close(run, openers)
        if run.left and run.can_open:
            openers.append(run)


def _close(closer: Run, openers: list[Run]) -> None:
    while closer.left:
        index = _matching_opener(closer, openers)
        if index is None:
            return
        opener = openers[index]
        size = 2 if opener.left >= 2 and closer.left >= 2 else 1
        opener.left -= size
        closer.left -= size
        opener.opened.append(size)
        closer.closed.append(size)
        del openers[index + 1 :]  # delimiters between the two can no longer pair: literal text
        if not opener.left:
            del openers[index]


def _matching_opener(closer: Run, openers: list[Run]) -> int | None:
    for index in range(len(openers) - 1, -1, -1):
        opener = openers[index]
        if opener.char != closer.char:
            continue
        both = opener.can_close or closer.can_open
        if both and (opener.length + closer.length) % 3 == 0 and not (opener.length % 3 == 0 and closer.length % 3 == 0):
            continue  # the rule of 3
        return index
    return None
