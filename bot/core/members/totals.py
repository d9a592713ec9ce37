"""A stated total (``该网络由116个城市``) brought in step with the registry: the number only, in the
page's own digits, for review. A number the page does not write as plain text (in a template, a
table, a tag) is left alone with a warning: it is made, not written."""

from __future__ import annotations

import re
import unicodedata

import mwparserfromhell
from mwparserfromhell.nodes import Text

from bot.core.model import Change, Display, Rule
from bot.core.registry import MemberList


def total_change(text: str, registry: MemberList, listed: int) -> tuple[list[Change], list[str]]:
    """The change of the stated total to the registry's count, or why there is none."""
    if not registry.total_pattern:
        return [], []
    matches = list(re.finditer(registry.total_pattern, text))
    if not matches:
        return [], []
    if len(matches) > 1:
        # Which one is the total is a guess (a founding year matches (\d+) as well): a person decides.
        found = "、".join(repr(other.group(0)) for other in matches[:3])
        return [], [f"{registry.name}: total_pattern matches {len(matches)} places ({found}); not changed: make it match the stated total only"]
    match = matches[0]
    stated = match.group(1)
    if not stated or not stated.isdecimal():  # int() reads decimal digits of every script, not ² or ①
        return [], [f"{registry.name}: total_pattern matched {match.group(0)!r}, whose group 1 is not a number"]
    count = sum(len(section.members) for section in registry.sections)
    if int(stated) == count:
        return [], []
    said = f"{registry.name}: the page states {stated} members ({match.group(0)!r}) but lists {listed}, the registry has {count}"
    digits = _written_like(stated, count)
    if digits is None:
        return [], [f"{said}; not changed: its digits are of more than one kind"]
    if not _plain_text_at(text, match.start(1), match.end(1)):
        return [], [f"{said}; not changed: the number is made by a template, a table or a tag"]
    note = f"{stated}→{digits}: {said}"
    return [Change(Rule.MEMBER_TOTAL, match.start(1), match.end(1), stated, digits, needs_review=True,
                   display=Display.MEMBER, note=note)], []  # fmt: skip


def _written_like(sample: str, number: int) -> str | None:
    """``number`` in ``sample``'s digits (ASCII, full-width, …), or None when ``sample`` mixes them."""
    zeros = {ord(character) - unicodedata.digit(character) for character in sample}
    if len(zeros) != 1:
        return None
    zero = zeros.pop()
    return "".join(chr(zero + int(digit)) for digit in str(number))


def _plain_text_at(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` lies in one top-level text node (no template, table, tag or link)."""
    position = 0
    for node in mwparserfromhell.parse(text).nodes:
        length = len(str(node))
        if position <= start and end <= position + length:
            return isinstance(node, Text)
        position += length
    return False
