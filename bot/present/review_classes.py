"""Classes of changes in the terminal review: the ``c`` list, and what ``c 2``, ``f 2``,
``f md-mirror`` and ``f md-mirror/title/proven`` name.

A proposal's classes are the queue's (bot.queue.classes: each change's class as it was recorded,
so what ``c`` lists is exactly what ``c 2 y`` decides), numbered in the order bot.core.classes
gives them (odd classes first); the number of a class stays while its changes are decided. A
filter is the set of change numbers a rule or a class holds on the page.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from rich.text import Text

from bot.core.classes import ChangeClass, ClassGroup
from bot.core.model import Rule
from bot.present.classes import class_label
from bot.present.review_screen import sample_block
from bot.queue.classes import queue_classes
from bot.queue.proposals import Queue
from bot.queue.records import Proposal


@dataclass(frozen=True)
class ChangeFilter:
    """The changes of a page the screens show: a rule's or a class's, by number."""

    name: str  # as the footer shows it: "md-mirror", "class 2 md-mirror/title/proven"
    numbers: frozenset[int]


def proposal_classes(queue: Queue, proposal_id: int) -> list[ClassGroup[int]]:
    """The proposal's classes, keyed by change number."""
    return [
        replace(found, members=_numbers(found.members), undecided=_numbers(found.undecided), samples=_numbers(found.samples))
        for found in queue_classes(queue, proposal_id)
    ]


def _numbers(keys) -> tuple[int, ...]:
    return tuple(number for _, number in keys)


def find_class(target: str, groups: list[ClassGroup[int]]) -> ClassGroup[int] | str:
    """The class ``target`` names (its number in the ``c`` list or its id), or why none."""
    if target.isdigit():
        if 1 <= int(target) <= len(groups):
            return groups[int(target) - 1]
        return f"no class {target}: this page has classes 1–{len(groups)} (c lists them)"
    change_class = ChangeClass.parse(target)
    if change_class is None:
        return f"not a class number or id: {target!r} (c lists the classes)"
    for found in groups:
        if found.change_class == change_class:
            return found
    return f"no change of this page is in class {change_class.id} (c lists the classes)"


def change_filter(target: str, proposal: Proposal, groups: list[ClassGroup[int]]) -> ChangeFilter | str:
    """The filter ``f TARGET`` sets: a rule id, a class id or a class number; or why none."""
    if target in set(Rule):
        numbers = frozenset(item.number for item in proposal.changes if item.change.rule == target)
        return ChangeFilter(target, numbers) if numbers else f"no change of this page is of rule {target}"
    if not target.isdigit() and ChangeClass.parse(target) is None:
        return f"not a rule, a class or a class number: {target!r} (c lists the classes)"
    found = find_class(target, groups)
    if isinstance(found, str):
        return found
    name = f"class {target} {found.id}" if target.isdigit() else found.id
    return ChangeFilter(name, frozenset(found.members))


def classes_text(proposal: Proposal, groups: list[ClassGroup[int]], only: ClassGroup[int] | None = None) -> Text:
    """The ``c`` list: each class numbered, its id, counts and label (short enough for one screen);
    then how to see, decide or show one. ``only``: that class alone, with its samples in their sentences."""
    items = {item.number: item for item in proposal.changes}
    text = Text()
    for position, found in enumerate(groups, 1):
        if only is not None and found is not only:
            continue
        text.append(f"{position:>2}. ", style="bold")
        text.append(found.id, style="bold cyan")
        text.append(f"  {len(found.members)} change(s): {len(found.undecided)} undecided, {found.approved} approved, "
                    f"{found.rejected} rejected\n")  # fmt: skip
        text.append(f"    {class_label(found.change_class)}\n", style="dim")
        for number in found.samples if only is not None else ():
            text.append_text(sample_block(proposal, items[number]))
            text.append("\n")
    hint = "" if only is not None else "c N: class N with samples in their sentences · "
    text.append(f"{hint}c N y / c N n: approve / reject class N's undecided changes · f N: only class N's changes on the screens",
                style="dim")  # fmt: skip
    return text
