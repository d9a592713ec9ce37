"""Classes of changes: changes a person can judge at once, and the few that differ.

A seed page's 300 changes are mostly alike: ``[X](../Page/X.md "wikilink")`` becomes ``[[X]]``,
proven by the wiki, readers see the same label. A *class* is what a reviewer judges in one look:
the rule, what readers get (the link shows its title, another label, a label split into link and
trail, a category tag, an interlanguage link, an image, a member-list item...), the proof state
(MediaWiki's word: bot.core.proof) and whether the change needs review. Its id is a short path
(``md-mirror/title/proven``) that every way of reviewing shows and the command line takes.

Deciding a class decides its undecided members, but never a change that needs review (those are
decided one by one) and never one the wiki did not prove unless the reviewer says so
(``decidable``). Each class comes with a few samples: the members least like the others first
(a label with brackets, digits, Latin letters, a fragment...), then a typical one.
"""

from __future__ import annotations

import enum
import unicodedata
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import mwparserfromhell
from mwparserfromhell.nodes import ExternalLink, Text, Wikilink

from bot.core.model import Change, Decision, Display, Rule

Key = TypeVar("Key", bound=Hashable)  # a change's key: its number in a proposal, or (proposal, number) in a queue
SAMPLES = 4


class Outcome(enum.StrEnum):
    """What readers get from a change."""

    TITLE = "title"  # a link showing its title, as the label did
    LABEL = "label"  # a link showing another label than its title (a piped link)
    TRAIL = "trail"  # the label split into the link and a trail of letters after it
    EXTERNAL = "external"  # an external link showing its label
    URL = "url"  # a bare address shown as it is
    CATEGORY = "category-tag"  # inline text became an invisible category tag
    INTERLANGUAGE = "interlanguage"  # inline text became a link beside the page
    IMAGE = "image"  # a link became an embedded image
    NUMBERED = "numbered"  # a numbered external link now shows the title
    BRACKETS = "brackets"  # stray brackets around a link go
    MEMBER = "member"  # a member-list item added or removed
    OTHER = "other"  # anything else: worth a look of its own


class ProofState(enum.StrEnum):
    PROVEN = "proven"  # MediaWiki's rendering shows what the change declares
    DISAGREES = "disagrees"
    UNPROVEN = "unproven"  # the wiki could not say (or images: a person checks them)
    UNASKED = "unasked"  # no wiki was asked (an offline scan, [proof] mode = off)


_DISPLAYED = {
    Display.CATEGORY_TAG: Outcome.CATEGORY, Display.INTERLANGUAGE: Outcome.INTERLANGUAGE, Display.IMAGE: Outcome.IMAGE,
    Display.NUMBERED: Outcome.NUMBERED, Display.BRACKETS: Outcome.BRACKETS, Display.MEMBER: Outcome.MEMBER,
}  # fmt: skip


@dataclass(frozen=True)
class ChangeClass:
    rule: Rule
    outcome: Outcome
    proof: ProofState
    needs_review: bool = False

    @property
    def id(self) -> str:
        return f"{self.rule}/{self.outcome}/{self.proof}" + ("/review" if self.needs_review else "")

    def decidable(self, include_unproven: bool = False) -> str:
        """Why a class decision cannot take this class's changes ("" when it can)."""
        if self.needs_review:
            return "its changes need review: they are decided one by one"
        if self.proof == ProofState.DISAGREES:
            return "the wiki's rendering disagrees with its changes: they are decided one by one"
        if self.proof != ProofState.PROVEN and not include_unproven:
            why = "no wiki was asked" if self.proof == ProofState.UNASKED else "the wiki could not prove them"
            return f"its changes are not proven ({why}): say so to approve them anyway (--include-unproven)"
        return ""

    @classmethod
    def parse(cls, text: str) -> ChangeClass | None:
        """The class of an id (None when it names no class)."""
        parts = text.strip().split("/")
        review = parts[3:] == ["review"]
        if len(parts) not in (3, 4) or (len(parts) == 4 and not review):
            return None
        try:
            return cls(Rule(parts[0]), Outcome(parts[1]), ProofState(parts[2]), review)
        except ValueError:
            return None


def class_of(change: Change) -> ChangeClass:
    return ChangeClass(change.rule, outcome(change), proof_state(change.proof), change.needs_review)


def proof_state(proof: str) -> ProofState:
    """The state of a change's recorded proof ("proven", "disagrees: why", "unproven: why", "")."""
    word = proof.partition(":")[0].strip()
    return ProofState(word) if word in ProofState.__members__.values() else ProofState.UNASKED


def outcome(change: Change) -> Outcome:
    """What readers get: from the change's declared display, else from the shape of its new text."""
    if change.display in _DISPLAYED:
        return _DISPLAYED[change.display]
    nodes = [node for node in mwparserfromhell.parse(change.new).nodes if not (isinstance(node, Text) and not str(node))]
    if not nodes or len(nodes) > 2 or (len(nodes) == 2 and not _trail(nodes[1])):
        return Outcome.OTHER
    link = nodes[0]
    if isinstance(link, ExternalLink):
        return Outcome.URL if link.title is None and not link.brackets else Outcome.EXTERNAL if len(nodes) == 1 else Outcome.OTHER
    if not isinstance(link, Wikilink):
        return Outcome.OTHER
    if len(nodes) == 2:
        return Outcome.TRAIL if link.text is None else Outcome.OTHER
    return Outcome.TITLE if link.text is None else Outcome.LABEL


def _trail(node) -> bool:
    """Letters right after a link (no space, no markup): what MediaWiki's link trail joins to it."""
    return isinstance(node, Text) and bool(str(node)) and all(unicodedata.category(char)[0] == "L" for char in str(node))


@dataclass(frozen=True)
class ClassMember(Generic[Key]):
    """A change as a class holds it: its key, its class, its new text (for samples), its decision."""

    key: Key
    change_class: ChangeClass
    new: str
    decision: Decision


def member(key: Key, change: Change, decision: Decision) -> ClassMember[Key]:
    return ClassMember(key, class_of(change), change.new, decision)


@dataclass(frozen=True)
class ClassGroup(Generic[Key]):
    """A class's changes: all of them, the undecided ones, and samples (the oddest first)."""

    change_class: ChangeClass
    members: tuple[Key, ...]
    undecided: tuple[Key, ...]
    approved: int
    rejected: int
    samples: tuple[Key, ...]

    @property
    def id(self) -> str:
        return self.change_class.id


def group(members: Iterable[ClassMember[Key]], samples: int = SAMPLES) -> list[ClassGroup[Key]]:
    """The classes of ``members``, the odd classes first: those that need review, then those not
    proven, then the smaller before the larger (whatever is decided: a class keeps its place while a
    reviewer decides)."""
    by_class: dict[ChangeClass, list[ClassMember[Key]]] = {}
    for item in members:
        by_class.setdefault(item.change_class, []).append(item)
    groups = [_group(change_class, found, samples) for change_class, found in by_class.items()]
    return sorted(groups, key=lambda g: (not g.change_class.needs_review, g.change_class.proof == ProofState.PROVEN,
                                         len(g.members), g.id))  # fmt: skip


def _group(change_class: ChangeClass, members: Sequence[ClassMember[Key]], count: int) -> ClassGroup[Key]:
    decisions = Counter(item.decision for item in members)
    return ClassGroup(
        change_class, tuple(item.key for item in members), tuple(item.key for item in members if item.decision == Decision.PENDING),
        decisions[Decision.APPROVED], decisions[Decision.REJECTED], pick_samples([(item.key, item.new) for item in members], count),
    )  # fmt: skip


def pick_samples(members: Sequence[tuple[Key, str]], count: int = SAMPLES) -> tuple[Key, ...]:
    """Up to ``count`` members (key, new text): one of each rarest look first (how the new text is
    written: brackets, digits, Latin letters, escapes, a fragment, its length), the commonest look last."""
    if not members:
        return ()
    looks: dict[tuple, list[Key]] = {}
    for key, new in members:
        looks.setdefault(look(new), []).append(key)
    ordered = sorted(looks.values(), key=len)
    chosen = [keys[0] for keys in ordered[: count - 1]]
    if ordered[-1][0] not in chosen:
        chosen.append(ordered[-1][0])
    for keys in ordered:  # fewer looks than samples: more of the rarest
        chosen += [key for key in keys if key not in chosen][: count - len(chosen)]
    return tuple(chosen[:count])


_ODD = {"(": "brackets", ")": "brackets", "#": "fragment", "%": "escape", "\\": "escape", "_": "underscore", ":": "colon",
        "&": "entity", "'": "quote", "|": "pipe"}  # fmt: skip


def look(text: str) -> tuple:
    """How a change's new text is written, in the features a reviewer would check it for."""
    features = {_ODD[char] for char in text if char in _ODD}
    if any(char.isdigit() for char in text):
        features.add("digits")
    if any("a" <= char.lower() <= "z" for char in text):
        features.add("latin")
    size = "long" if len(text) > 80 else "short" if len(text) < 20 else ""
    return tuple(sorted(features)) + (size,)
