"""Classes of changes as reviewers read them (bot.core.classes): a label, a line, a JSON record.

The same words in every way of reviewing: the class's id (what ``--class`` takes), the rule's label,
what readers get, and the proof; a class that needs review or is not proven says what a class
decision will and will not do with it.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from bot.core.classes import ChangeClass, ClassGroup, Outcome, ProofState
from bot.present.rules import rule_label

OUTCOME_LABELS = {
    Outcome.TITLE: "the link shows its title, as the label did",
    Outcome.LABEL: "the link keeps its label (piped to another title)",
    Outcome.TRAIL: "the label is split into the link and its trail",
    Outcome.EXTERNAL: "an external link with its label",
    Outcome.URL: "a bare address, shown as it is",
    Outcome.CATEGORY: "the text becomes a category tag (not shown in the text)",
    Outcome.INTERLANGUAGE: "the text becomes an interlanguage link (shown beside the page)",
    Outcome.IMAGE: "the link becomes an embedded image",
    Outcome.NUMBERED: "a numbered link now shows the title",
    Outcome.BRACKETS: "stray brackets around the link go",
    Outcome.MEMBER: "a member-list item",
    Outcome.OTHER: "something else: look at each",
}
PROOF_LABELS = {
    ProofState.PROVEN: "proven by the wiki",
    ProofState.DISAGREES: "the wiki's rendering disagrees",
    ProofState.UNPROVEN: "not proven by the wiki",
    ProofState.UNASKED: "no wiki asked (not proven)",
}


def class_label(change_class: ChangeClass) -> str:
    """``md-mirror/title/proven`` -> "Markdown → mirror page · the link shows its title, as the label did · proven by the wiki"."""
    parts = [rule_label(change_class.rule), OUTCOME_LABELS[change_class.outcome], PROOF_LABELS[change_class.proof]]
    if change_class.needs_review:
        parts.append("needs review: one by one")
    return " · ".join(parts)


def class_line(found: ClassGroup, sample_text: Callable[[Hashable], str]) -> str:
    """One class for the command line: id, counts, label, then its samples (``sample_text`` shows one)."""
    head = (f"{found.id:<36} {len(found.members):>5} change(s): {len(found.undecided)} undecided, {found.approved} approved, "
            f"{found.rejected} rejected\n    {class_label(found.change_class)}")  # fmt: skip
    return head + "".join(f"\n    e.g. {sample_text(key)}" for key in found.samples)


def class_record(found: ClassGroup, key_record: Callable[[Hashable], dict]) -> dict:
    return {
        "class": found.id, "label": class_label(found.change_class), "changes": len(found.members),
        "undecided": len(found.undecided), "approved": found.approved, "rejected": found.rejected,
        "proven": found.change_class.proof == ProofState.PROVEN,
        "decidable": not found.change_class.decidable(include_unproven=True),  # by a class decision at all
        "approval_needs": "" if not found.change_class.decidable() else "--include-unproven"
        if not found.change_class.decidable(include_unproven=True) else "one by one",
        "samples": [key_record(key) for key in found.samples],
    }  # fmt: skip
