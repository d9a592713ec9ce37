"""One page's proposal in the terminal review: its changes a screenful at a time, and the keys.

The review opens on the screen holding the first undecided change (a resumed session does not
show again what is decided), ``g 150`` goes to the screen holding change 150, ``f`` narrows the
screens to a rule's or a class's changes (and ``y``/``n``/``a``/``r`` to what they show), ``c``
lists the page's classes and ``c 2 y`` decides one. After a decision that leaves the screen with
nothing undecided the next screen with something undecided is shown; a page with nothing
undecided hands over to the next page.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.classes import ClassGroup, ProofState, proof_state
from bot.present.report import colorize_diff
from bot.present.review_classes import ChangeFilter, change_filter, classes_text, find_class, proposal_classes
from bot.present.review_keys import KEYS_HELP, Command, Key, parse_command
from bot.present.review_ledger import Ledger
from bot.present.review_screen import ReviewTerminal, change_block, footer, header, numbered_lines, numbers_phrase, screens
from bot.queue.states import Decision

RESERVED_LINES = 8  # a screen's lines not for changes: the header (2), the footer (3), the prompt, an answer, a spare


@dataclass(frozen=True)
class Step:
    """Where the review goes from a page: the next page, a page to go back to (an undo), or nowhere (quit)."""

    quit: bool = False
    proposal_id: int | None = None  # None: the next page


class ProposalReview:
    """One page's proposal on screen: its state (filter, screen), the keys."""

    def __init__(self, terminal: ReviewTerminal, ledger: Ledger, proposal_id: int, position: tuple[int, int]) -> None:
        self.terminal, self.ledger, self.position = terminal, ledger, position
        self.proposal = ledger.queue.get(proposal_id)
        self.only: ChangeFilter | None = None
        self._drawn: dict[tuple, str] = {}  # each change as drawn, by its number and decision
        self.screen_index = self._undecided_screen(0) or 0

    def run(self) -> Step:
        self._show()
        groups = self._classes_of()
        if len(groups) > 1:
            self.terminal.say(f"{len(groups)} classes of changes here: c lists them with samples, c N y approves class N")
        while True:
            try:
                command = parse_command(self.terminal.read_line("review> "))
            except EOFError:
                return Step(quit=True)
            step = self._handle(command)
            if step is not None:
                return step
            self.proposal = self.ledger.queue.get(self.proposal.id)
            if not self.proposal.undecided():
                return Step()

    def _handle(self, command: Command) -> Step | None:
        key = command.key
        if key is Key.QUIT:
            return Step(quit=True)
        if key is Key.SKIP:
            return Step()
        if key is Key.UNDO:
            proposal_id = self.ledger.undo_last()
            return None if proposal_id in (None, self.proposal.id) else Step(proposal_id=proposal_id)
        if key is Key.NUMBERS:
            self.ledger.decide(self.proposal, list(command.numbers), command.decision)
            self._after_decision()
        elif key in (Key.SCREEN, Key.ALL):
            self._bulk(command)
        elif key is Key.CLASS:
            self._class_decision(command)
        elif key in (Key.NEXT, Key.BACK):
            self._move(1 if key is Key.NEXT else -1)
        else:
            self._other(command)
        return None

    def _other(self, command: Command) -> None:
        terminal, key = self.terminal, command.key
        if key is Key.HELP:
            terminal.say(KEYS_HELP)
        elif key is Key.PAGE_TEXT:
            terminal.page_through(numbered_lines(self.proposal.base_text))
        elif key is Key.DIFF:
            terminal.page_through(colorize_diff(self.proposal.diff, terminal.color))
        elif key is Key.GOTO:
            self._goto(command.numbers[0])
        elif key is Key.FILTER:
            self._filter(command.target)
        elif key is Key.CLASSES:
            self._classes(command.target)
        else:
            terminal.say(command.error)

    def _bulk(self, command: Command) -> None:
        """y / n on the screen's undecided changes, a / r on the page's (with a filter: the matching
        ones); approving leaves the changes that need review to a second answer."""
        shown = self._pages()[self.screen_index] if command.key is Key.SCREEN else self._view()
        items = [self.proposal.changes[i] for i in shown if self.proposal.changes[i].decision == Decision.PENDING]
        approving = command.decision == Decision.APPROVED
        held = [item for item in items if approving and item.change.needs_review]
        unproven = [item for item in items if approving and item not in held and proof_state(item.change.proof) != ProofState.PROVEN]
        plain = [item.number for item in items if item not in held and item not in unproven]
        if not items:
            self.terminal.say("nothing undecided here")
            return
        if plain and not self.ledger.decide(self.proposal, plain, command.decision, bulk=True):
            return
        for group, why, reason in ((unproven, "not proven by the wiki", "confirmed: not proven"),
                                   (held, "needs review", "confirmed: needs review")):  # fmt: skip
            if group:
                self.terminal.say(f"{numbers_phrase([i.number for i in group])}: {why}, not approved")
                if self.terminal.ask("approve them too? [y/N] "):
                    self.ledger.decide(self.ledger.queue.get(self.proposal.id), [item.number for item in group],
                                       Decision.APPROVED, reason, bulk=True)  # fmt: skip
        self._after_decision()

    def _class_decision(self, command: Command) -> None:
        found = find_class(command.target, self._classes_of())
        if isinstance(found, str):
            self.terminal.say(found)
            return
        self.ledger.class_decision(self.proposal, found, command.decision)
        self._after_decision()

    def _classes(self, target: str) -> None:
        """c: every class of the page; c N (or an id): that class alone."""
        groups = self._classes_of()
        found = find_class(target, groups) if target else None
        if isinstance(found, str):
            self.terminal.say(found)
            return
        text = classes_text(self.proposal, groups, found)
        if found is None:
            self.terminal.show(text)
        else:  # a class's samples in their sentences can be longer than a screen
            self.terminal.page_through(self.terminal.draw(text))

    def _classes_of(self) -> list[ClassGroup[int]]:
        return proposal_classes(self.ledger.queue, self.proposal.id)

    def _filter(self, target: str) -> None:
        """f TARGET: only a rule's or a class's changes on the screens; f alone: every change again."""
        if not target:
            if self.only is None:
                self.terminal.say("no filter is set: every change is shown")
                return
            self.only = None
        else:
            found = change_filter(target, self.proposal, self._classes_of())
            if isinstance(found, str):
                self.terminal.say(found)
                return
            self.only = found
        self.screen_index = self._undecided_screen(0) or 0
        self._show()

    def _goto(self, number: int) -> None:
        total = len(self.proposal.changes)
        if not 1 <= number <= total:
            self.terminal.say(f"no change {number}: this page has changes 1–{total}")
            return
        if self.only is not None and number not in self.only.numbers:
            self.terminal.say(f"change {number} is not in the filter {self.only.name}; f alone shows every change")
            return
        self.screen_index = next(index for index, shown in enumerate(self._pages()) if number - 1 in shown)
        self._show()

    def _after_decision(self) -> None:
        """Once the screen has nothing undecided, the next screen that has, the filter's or (every
        change of the filter decided) the page's; the next page comes from run() once the page is decided."""
        self.proposal = self.ledger.queue.get(self.proposal.id)
        if not self.proposal.undecided() or self._undecided_in(self._pages()[self.screen_index]):
            return
        target = self._undecided_screen(self.screen_index)
        if target is None:  # a filter's changes are all decided: back to the page's others
            self.terminal.say(f"every change of the filter {self.only.name} is decided: the filter is cleared")
            self.only = None
            target = self._undecided_screen(0)
        self.screen_index = target or 0
        self._show()

    def _move(self, step: int) -> None:
        pages = self._pages()
        target = self.screen_index + step
        if not 0 <= target < len(pages):
            edge = "last" if step > 0 else "first"
            self.terminal.say(f"this is the {edge} screen of this page's changes; s: next page, g N: change N, ?: keys")
            return
        self.screen_index = target
        self._show()

    def _show(self) -> None:
        self.proposal = self.ledger.queue.get(self.proposal.id)  # what others decided meanwhile shows too
        pages, view = self._pages(), self._view()
        self.screen_index = min(self.screen_index, len(pages) - 1)
        shown = pages[self.screen_index]
        self.terminal.show(header(self.proposal, *self.position))
        blocks = self._blocks()
        for index in shown:
            self.terminal.out.write(blocks[index])
        only = (self.only.name, len(view)) if self.only is not None else ("", 0)
        self.terminal.show(footer(shown, len(self.proposal.changes), len(pages), self.screen_index, *only))

    def _view(self) -> list[int]:
        """The changes (by index) the screens page through: all, or the filter's."""
        if self.only is None:
            return list(range(len(self.proposal.changes)))
        return [index for index, item in enumerate(self.proposal.changes) if item.number in self.only.numbers]

    def _blocks(self) -> list[str]:
        """Each change drawn; drawn again only when its decision changed."""
        blocks = []
        for item in self.proposal.changes:
            key = (item.number, item.decision, item.decided_by)
            if key not in self._drawn:
                self._drawn[key] = self.terminal.draw(change_block(self.proposal, item))
            blocks.append(self._drawn[key])
        return blocks

    def _pages(self) -> list[tuple[int, ...]]:
        """The changes (by index) each screen shows: as many as fit the terminal (all when piped)."""
        view, blocks, height = self._view(), self._blocks(), self.terminal.screen.height
        found = screens([blocks[index] for index in view], max(height - RESERVED_LINES, 1) if height else 0)
        return [tuple(view[i] for i in shown) for shown in found] or [()]

    def _undecided_in(self, shown: tuple[int, ...]) -> bool:
        return any(self.proposal.changes[index].decision == Decision.PENDING for index in shown)

    def _undecided_screen(self, start: int) -> int | None:
        """The first screen from ``start`` on, then from the first, with an undecided change; None when none has."""
        pages = self._pages()
        for index in [*range(start, len(pages)), *range(0, start)]:
            if self._undecided_in(pages[index]):
                return index
        return None
