"""What a line typed in ``linkbot review`` asks for: a command, the change numbers or the class it names.

Numbers come as a list and ranges in any mix: ``1-5 y``, ``1,3 n``, ``2 4 7 y``, ``y 1-3``, ``3y``.
A jump names one change (``g 150``); a filter and a class decision name a rule, a class id or a
class's number in the ``c`` list (``f md-mirror``, ``f 2``, ``c md-mirror/title/proven y``, ``c 2 n``).
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
  a / r         approve / reject every undecided change of the page (with a filter: the matching ones;
                a asks again for changes that need review)
  c             the page's classes of changes, numbered, with counts and samples in their sentences
  c 2 y / n     approve / reject class 2's undecided changes (or name it: c md-mirror/title/proven y)
  g 150         go to the screen holding change 150
  f md-mirror   show only the changes of a rule, of a class (f md-mirror/title/proven) or of class 2 (f 2);
                f alone shows every change again
  u             undo the last decision (the audit trail keeps both); also offered after the last page
  Enter / b     next / previous screen of changes
  s             skip to the next page (nothing decided)
  o / d         read the page's text / the whole diff in a pager (less; q returns)
  q             quit (decisions made so far are kept)
  ?             this help
Changes that "need review" (images, galleries, member-list removals) are never approved by a bulk key
without a second answer, nor by a class; a class the wiki did not prove is approved only after a
second answer. Decisions go to the queue at once; linkbot apply saves the approved ones."""


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
    GOTO = "goto"  # g 150
    FILTER = "filter"  # f RULE | f CLASS | f N | f (clears)
    CLASSES = "classes"  # c (all) | c CLASS (one)
    CLASS = "class"  # c CLASS y | c CLASS n
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Command:
    key: Key
    decision: Decision | None = None
    numbers: tuple[int, ...] = ()
    target: str = ""  # for FILTER, CLASSES, CLASS: the rule, class id or class number typed
    error: str = ""  # for UNKNOWN: what is wrong with the line


_SIMPLE = {
    "": Key.NEXT, "b": Key.BACK, "s": Key.SKIP, "q": Key.QUIT, "quit": Key.QUIT, "?": Key.HELP, "h": Key.HELP,
    "help": Key.HELP, "u": Key.UNDO, "o": Key.PAGE_TEXT, "d": Key.DIFF,
}  # fmt: skip
MAX_RANGE = 10_000  # no page has more changes; a typo like 1-99999999 is refused, not expanded
_VERDICTS = {"y": Decision.APPROVED, "n": Decision.REJECTED}
_GOTO = re.compile(r"^g(?:\s*(?P<number>\S+))?$")
_FILTER = re.compile(r"^f(?:\s+(?P<target>\S+))?$")
_CLASS = re.compile(r"^c(?:\s+(?P<target>\S+)(?:\s+(?P<verdict>[yn]))?)?$")
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
    named = _named(text)
    if named is not None:
        return named
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


def _named(text: str) -> Command | None:
    """g N, f [TARGET], c [TARGET [y|n]]; None for a line of another kind."""
    if match := _GOTO.match(text):
        number = match.group("number") or ""
        if not number.isdigit():
            return Command(Key.UNKNOWN, error="g takes one change number: g 150")
        return Command(Key.GOTO, numbers=(int(number),))
    if match := _FILTER.match(text):
        return Command(Key.FILTER, target=match.group("target") or "")
    if match := _CLASS.match(text):
        verdict = match.group("verdict")
        if verdict is None:
            return Command(Key.CLASSES, target=match.group("target") or "")
        return Command(Key.CLASS, _VERDICTS[verdict], target=match.group("target"))
    return None


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
