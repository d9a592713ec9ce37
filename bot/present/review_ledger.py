"""The terminal review's decisions: recorded in the queue at once, answered in one short line, undone
the last first.

A decision names changes (``3 y``), a screen or a page (``y``, ``a``: only the changes still
undecided when it is written, so a decision someone else made meanwhile stands) or a class
(``c 2 y``: bot.queue.classes.decide_class, one transaction, the class named in the audit trail).
Each is answered as ``approved 306 changes (1–306)`` whatever its size, and remembered with what it
replaced, so ``u`` puts every change it took back as it was: the trail keeps both rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.classes import ClassGroup
from bot.errors import InputError
from bot.present.review_screen import ReviewTerminal, numbers_phrase
from bot.queue.classes import decide_class
from bot.queue.proposals import Queue
from bot.queue.records import Proposal
from bot.queue.states import Decision, Source
from bot.queue.takeback import take_back


@dataclass(frozen=True)
class _Undo:
    """What one decision did: its proposal, the decision, and each change's decision before."""

    proposal_id: int
    made: Decision
    before: tuple[tuple[int, Decision], ...]


class Ledger:
    """The decisions of one review session, as one reviewer, and how to undo them."""

    def __init__(self, queue: Queue, who: str, terminal: ReviewTerminal) -> None:
        self.queue, self.who, self.terminal = queue, who, terminal
        self.decided = 0
        self.undo: list[_Undo] = []

    def decide(self, proposal: Proposal, numbers: list[int], decision: Decision, reason: str = "", bulk: bool = False) -> bool:
        """Record a decision (and how to undo it); False, with the reason shown, when the queue refuses it.
        A ``bulk`` decision (y/n/a/r) takes only the changes still undecided when it is written."""
        wanted = set(numbers)
        before = tuple((item.number, item.decision) for item in proposal.changes if item.number in wanted)
        try:
            if bulk:
                decided = self.queue.decide_undecided(proposal.id, numbers, decision, self.who, reason, source=Source.REVIEW)
                self._meanwhile(sorted(wanted - set(decided)))
                before, numbers = tuple(entry for entry in before if entry[0] in decided), decided
            else:
                self.queue.decide(proposal.id, numbers, decision, self.who, reason, source=Source.REVIEW)
        except InputError as error:
            self.terminal.say(str(error))
            return False
        self._remember(proposal.id, before, decision)
        return True

    def class_decision(self, proposal: Proposal, found: ClassGroup[int], decision: Decision) -> None:
        """Approve or reject a class's undecided changes of the proposal: never a class that needs
        review; an approval of changes the wiki did not prove only after a second answer."""
        change_class, say = found.change_class, self.terminal.say
        if change_class.needs_review:
            say(f"class {found.id}: {change_class.decidable()}")
            return
        if not found.undecided:
            say(f"nothing undecided in class {found.id}")
            return
        unproven = decision == Decision.APPROVED and change_class.decidable() != ""
        if unproven:
            say(f"class {found.id}: {len(found.undecided)} undecided change(s), {change_class.proof}: not proven by the wiki")
            if not self.terminal.ask("approve changes the wiki did not prove? [y/N] "):
                say("nothing decided")
                return
        try:
            decided = decide_class(self.queue, found.id, decision, self.who, proposal_id=proposal.id,
                                   include_unproven=unproven, source=Source.REVIEW).get(proposal.id, [])  # fmt: skip
        except InputError as error:
            say(str(error))
            return
        self._meanwhile(sorted(set(found.undecided) - set(decided)))
        self._remember(proposal.id, tuple((number, Decision.PENDING) for number in decided), decision, f" of class {found.id}")

    def undo_last(self) -> int | None:
        """Undo the last decision, where it still stands (a decision someone made since is left as it
        is, and said): the id of its proposal, or None when there is nothing to undo."""
        if not self.undo:
            self.terminal.say("nothing to undo")
            return None
        last = self.undo.pop()
        try:
            taken = take_back(self.queue, last.proposal_id, [(number, last.made, before) for number, before in last.before],
                              self.who, Source.REVIEW)  # fmt: skip
        except InputError as error:  # the proposal was closed meanwhile (applied, superseded)
            self.terminal.say(str(error))
            return None
        for decision in dict.fromkeys(decision for _, decision in taken.undone):
            numbers = [number for number, again in taken.undone if again == decision]
            again = "undecided" if decision == Decision.PENDING else str(decision)
            self.terminal.say(f"undone: {numbers_phrase(numbers)} {again} again")
        for who in dict.fromkeys(who for _, who, _ in taken.left):
            numbers = [number for number, by, _ in taken.left if by == who]
            self.terminal.say(f"decided since by {who or 'nobody'}, left as it is: {numbers_phrase(numbers)}")
        self.decided -= len(taken.undone)
        return last.proposal_id

    def _remember(self, proposal_id: int, before: tuple[tuple[int, Decision], ...], decision: Decision, what: str = "") -> None:
        """One line for a decision that took changes, and its undo."""
        if not before:
            return
        self.undo.append(_Undo(proposal_id, decision, before))
        self.decided += len(before)
        done = "withdrawn" if decision == Decision.PENDING else str(decision)
        self.terminal.say(f"{done} {numbers_phrase([number for number, _ in before])}{what}")

    def _meanwhile(self, numbers: list[int]) -> None:
        if numbers:
            self.terminal.say(f"decided meanwhile by someone else, left as they are: {numbers_phrase(numbers)}")
