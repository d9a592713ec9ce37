"""A proposal's classes of changes as the HTML pages show them (``linkbot serve`` and the report):
each class with its label, its counts and its samples in their sentences, the odd classes first.

The classes come from bot.core.classes (``group``): over a proposal's changes for the report, or
as the queue counted them (bot.queue.classes, keys ``(proposal id, number)``) for the web app.
Whether a class can be decided at once is the class's own word (``ChangeClass.decidable``).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

from bot.core.classes import ClassGroup, ProofState, group, member
from bot.present.classes import class_label
from bot.present.views import ChangeView
from bot.queue.records import Proposal


@dataclass(frozen=True)
class ClassView:
    id: str
    rule: str
    label: str
    total: int
    undecided: int
    approved: int
    rejected: int
    needs_review: bool  # decided one by one, never as a class
    proven: bool  # False: approving the class needs the reviewer's "include changes the wiki did not prove"
    sample_numbers: tuple[int, ...]
    samples: tuple[ChangeView, ...]  # those of the samples the page has views of


def number_of(key: Hashable) -> int:
    """A change's number from a class member's key: a number, or (proposal id, number)."""
    return key[1] if isinstance(key, tuple) else key  # type: ignore[index]


def proposal_groups(proposal: Proposal) -> list[ClassGroup[int]]:
    """The classes of a proposal's changes (each change classified from its record)."""
    return group(member(item.number, item.change, item.decision) for item in proposal.changes)


def class_views(groups: Iterable[ClassGroup], views: Mapping[int, ChangeView]) -> tuple[ClassView, ...]:
    """The classes with their samples' views (``views``: change views by number)."""
    shown = []
    for found in groups:
        numbers = tuple(number_of(key) for key in found.samples)
        shown.append(ClassView(
            found.id, found.change_class.rule.value, class_label(found.change_class), len(found.members), len(found.undecided),
            found.approved, found.rejected, found.change_class.needs_review, found.change_class.proof == ProofState.PROVEN,
            numbers, tuple(views[number] for number in numbers if number in views),
        ))  # fmt: skip
    return tuple(shown)


def classes_of_numbers(groups: Iterable[ClassGroup]) -> dict[int, str]:
    """Each change's class id, by number."""
    return {number_of(key): found.id for found in groups for key in found.members}
