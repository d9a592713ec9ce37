"""What a line typed in ``linkbot review`` asks for: a command, the change numbers it names.

Numbers come as a list and ranges in any mix: ``1-5 y``, ``1,3 n``, ``2 4 7 y``, ``y 1-3``, ``3y``.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from bot.core.model import Decision

KEYS_HELP = """\
keys (type one and press Enter):
  y / n         approve / reject the changes on the screen (y asks again for changes that need review)
  N y / N n     approve / reject change N; also lists and ranges: 1-5 y, 1,3 n, 2 4 7 y, y 1-3
  a / r         approve / reject every undecided change of the page (a asks again for changes that need review)
  u             undo the last decision (the audit trail keeps both)
  Enter / b     next / previous screen of changes
  s             skip to the next page (nothing decided)
  o / d         read the page's text / the whole diff in a pager (less; q returns)
  q             quit (decisions made so far are kept)
  ?             this help
Changes that "need review" (images, galleries, member-list removals) are never approved by a bulk key
without a second answer. Decisions go to the queue at once; linkbot apply saves the approved ones."""


class Key(enum.Enum):
    NEXT = "next"
    BACK = "back"
    SKIP = "skip"
    QUIT = "quit"
    HELP = "help"
    UNDO = "undo"
    PAGE_TEXT = "page-text"
    DIFF = "diff"
    SCREEN = "screen"  # y / n on the changes shown
    ALL = "all"  # a / r
    NUMBERS = "numbers"  # N y, 1-5 n ...
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Command:
    key: Key
    decision: Decision | None = None
    numbers: tuple[int, ...] = ()
    error: str = ""  # for UNKNOWN: what is wrong with the line


_SIMPLE = {
    "": Key.NEXT, "b": Key.BACK, "s": Key.SKIP, "q": Key.QUIT, "quit": Key.QUIT, "?": Key.HELP, "h": Key.HELP,
    "help": Key.HELP, "u": Key.UNDO, "o": Key.PAGE_TEXT, "d": Key.DIFF,
}  # fmt: skip
MAX_RANGE = 10_000  # no page has more changes; a typo like 1-99999999 is refused, not expanded
_VERDICTS = {"y": Decision.APPROVED, "n": Decision.REJECTED}
_NUMBERED = re.compile(r"^(?:(?P<before>[\d\s,\-]+?)\s*(?P<verdict>[yn])|(?P<first>[yn])\s*(?P<after>[\d\s,\-]+))$")


def parse_command(line: str) -> Command:
    """The command a typed line asks for (never raises: a line it cannot read is UNKNOWN)."""
    text = line.strip().lower()
    if text in _SIMPLE:
        return Command(_SIMPLE[text])
    if text in _VERDICTS:
        return Command(Key.SCREEN, _VERDICTS[text])
    if text in ("a", "r"):
        return Command(Key.ALL, Decision.APPROVED if text == "a" else Decision.REJECTED)
    match = _NUMBERED.match(text)
    if match is None:
        return Command(Key.UNKNOWN, error=f"unknown command {line.strip()!r}; type ? for the keys")
    spec = match.group("before") or match.group("after")
    verdict = match.group("verdict") or match.group("first")
    try:
        numbers = change_numbers(spec)
    except ValueError as error:
        return Command(Key.UNKNOWN, error=str(error))
    return Command(Key.NUMBERS, _VERDICTS[verdict], numbers)


def change_numbers(spec: str) -> tuple[int, ...]:
    """``"1-3, 5 7"`` -> (1, 2, 3, 5, 7), in the order given, each once."""
    numbers: list[int] = []
    for part in re.split(r"[\s,]+", spec.strip()):
        if not part:
            continue
        low, dash, high = part.partition("-")
        if not low.isdigit() or (dash and not high.isdigit()):
            raise ValueError(f"not a change number or range: {part!r}")
        first, last = int(low), int(high) if dash else int(low)
        if last < first:
            raise ValueError(f"a range runs upwards: {part!r}")
        if last - first >= MAX_RANGE:
            raise ValueError(f"a range of at most {MAX_RANGE} changes: {part!r}")
        numbers += [number for number in range(first, last + 1) if number not in numbers]
    if not numbers:
        raise ValueError("no change number given")
    return tuple(numbers)
