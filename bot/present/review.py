"""``linkbot review``: go through pending proposals in a terminal and decide on their changes.

A screen shows one page's changes, as many as fit the terminal, each in its sentence, colored
(bot.present.review_screen); a decision prints one line, never the screen again. Input is read a
line at a time (the keys: bot.present.review_keys), so the same review runs in a terminal, over
SSH, in tmux and from a script's pipe (then every change is on one screen and nothing pages).
rich draws the screens: it measures wide CJK characters and wraps to the terminal; a full-screen
toolkit (prompt_toolkit, textual) would take the terminal over and lose piped input.
"""

from __future__ import annotations

import os
import shlex
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

from bot.errors import InputError
from bot.present.report import colorize_diff
from bot.present.review_keys import KEYS_HELP, Command, Key, parse_command
from bot.present.review_screen import Screen, change_block, footer, header, numbered_lines, screens, styled
from bot.present.terminal import STYLE, visible
from bot.queue.listing import WAITING, Filters, Listing
from bot.queue.proposals import Queue
from bot.queue.records import Proposal
from bot.queue.states import Decision, Source

__all__ = ["KEYS_HELP", "Review", "Screen"]


@dataclass(frozen=True)
class _Undo:
    """What one decision replaced: the proposal's position in the review and each change's decision before."""

    index: int
    proposal_id: int
    before: tuple[tuple[int, Decision], ...]


class Review:
    def __init__(self, queue: Queue, who: str, read_line: Callable[[str], str], out: TextIO, color: bool = False,
                 screen: Screen = Screen(), pager: Callable[[str], None] | None = None) -> None:  # fmt: skip
        self.queue, self.who, self.read_line, self.out, self.color = queue, who, read_line, out, color
        self.screen, self.pager = screen, pager
        self.decided = 0
        self.undo: list[_Undo] = []

    def run(self) -> int:
        waiting = [summary.id for summary in Listing(self.queue.db).summaries(Filters(status=WAITING, undecided=True))]
        if not waiting:
            self.out.write("nothing is waiting for review\n")
            return 0
        self.out.write(f"{len(waiting)} page(s) to review as {self.who}; type ? for the keys\n")
        index = 0
        while 0 <= index < len(waiting):
            step = _ProposalReview(self, waiting, index).run()
            if step is None:
                break
            index = step
        self.out.write(f"\n{self.decided} decision(s) recorded as {self.who}\n")
        return 0

    def show(self, text) -> None:
        self.out.write(styled(text, self.screen.width, self.color))

    def page_through(self, text: str) -> None:
        """Long text: through the pager in a terminal (the page's controls shown, linkbot's colors
        as escapes, since the pager writes to the terminal itself), else on the output."""
        if self.pager is None:
            self.out.write(text)
        else:
            self.out.flush()
            self.pager(visible(text).replace(STYLE, "\x1b"))

    def decide(self, index: int, proposal: Proposal, numbers: list[int], decision: Decision, reason: str = "",
               bulk: bool = False) -> bool:  # fmt: skip
        """Record a decision (and how to undo it); False, with the reason shown, when the queue refuses it.
        A ``bulk`` decision (y/n/a/r) takes only the changes still undecided when it is written: a
        decision someone else made meanwhile stands."""
        before = tuple((item.number, item.decision) for item in proposal.changes if item.number in set(numbers))
        try:
            if bulk:
                decided = self.queue.decide_undecided(proposal.id, numbers, decision, self.who, reason, source=Source.REVIEW)
                if len(decided) < len(numbers):
                    self.out.write(f"decided meanwhile by someone else, left as they are: {_numbers_text(sorted(set(numbers) - set(decided)))}\n")
                before, numbers = tuple(entry for entry in before if entry[0] in decided), decided
            else:
                self.queue.decide(proposal.id, numbers, decision, self.who, reason, source=Source.REVIEW)
        except InputError as error:
            self.out.write(f"{error}\n")
            return False
        if not numbers:
            return True
        self.undo.append(_Undo(index, proposal.id, before))
        self.decided += len(numbers)
        what = "withdrawn" if decision == Decision.PENDING else decision
        self.out.write(f"{_numbers_text(numbers)}: {what} by {self.who}\n")
        return True

    def undo_last(self) -> int | None:
        """Undo the last decision; the position of its proposal, or None when there is nothing to undo."""
        if not self.undo:
            self.out.write("nothing to undo\n")
            return None
        last = self.undo.pop()
        for decision in dict.fromkeys(decision for _, decision in last.before):
            numbers = [number for number, earlier in last.before if earlier == decision]
            self.queue.decide(last.proposal_id, numbers, decision, self.who, "undo", source=Source.REVIEW)
            self.out.write(f"undone: {_numbers_text(numbers)} {decision} again\n")
        self.decided -= len(last.before)
        return last.index


class _ProposalReview:
    """One page's proposal on screen: which screen of its changes is shown, and the keys."""

    def __init__(self, review: Review, waiting: list[int], index: int) -> None:
        self.review, self.waiting, self.index = review, waiting, index
        self.proposal = review.queue.get(waiting[index])
        self.screen_index = 0
        self._rendered: tuple[Proposal, list[str]] | None = None  # the changes drawn for this state of the proposal

    def run(self) -> int | None:
        """The position of the proposal to go to next, or None when the reviewer quits."""
        self._show()
        while True:
            try:
                command = parse_command(self.review.read_line("review> "))
            except EOFError:
                return None
            step = self._handle(command)
            if step is not _STAY:
                return step
            self.proposal = self.review.queue.get(self.proposal.id)
            if not self.proposal.undecided():
                return self.index + 1

    def _handle(self, command: Command):
        review, key = self.review, command.key
        if key is Key.QUIT:
            return None
        if key is Key.SKIP:
            return self.index + 1
        if key is Key.UNDO:
            index = review.undo_last()
            return _STAY if index is None or index == self.index else index
        if key is Key.NUMBERS:
            review.decide(self.index, self.proposal, list(command.numbers), command.decision)
        elif key in (Key.SCREEN, Key.ALL):
            self._bulk(command)
        elif key in (Key.NEXT, Key.BACK):
            self._move(1 if key is Key.NEXT else -1)
        else:
            self._other(command)
        return _STAY

    def _other(self, command: Command) -> None:
        review = self.review
        if command.key is Key.HELP:
            review.out.write(KEYS_HELP + "\n")
        elif command.key is Key.PAGE_TEXT:
            review.page_through(numbered_lines(self.proposal.base_text))
        elif command.key is Key.DIFF:
            review.page_through(colorize_diff(self.proposal.diff, review.color))
        else:
            review.out.write(command.error + "\n")

    def _bulk(self, command: Command) -> None:
        """y / n on the screen's undecided changes, a / r on the page's; approving leaves the changes
        that need review to a second answer."""
        shown = self._pages()[self.screen_index] if command.key is Key.SCREEN else range(len(self.proposal.changes))
        items = [self.proposal.changes[i] for i in shown if self.proposal.changes[i].decision == Decision.PENDING]
        held = [item for item in items if item.change.needs_review and command.decision == Decision.APPROVED]
        plain = [item.number for item in items if item not in held]
        if plain and not self.review.decide(self.index, self.proposal, plain, command.decision, bulk=True):
            return
        if held and self._confirm(held):
            self.review.decide(self.index, self.review.queue.get(self.proposal.id), [item.number for item in held],
                               Decision.APPROVED, "confirmed: needs review", bulk=True)  # fmt: skip
        if not items:
            self.review.out.write("nothing undecided here\n")
        self._after_decision()

    def _confirm(self, held: list) -> bool:
        self.review.out.write(f"{len(held)} change(s) need review and were not approved: {_numbers_text([i.number for i in held])}\n")
        try:
            answer = self.review.read_line("approve them too? [y/N] ")
        except EOFError:
            return False
        return answer.strip().lower() in ("y", "yes")

    def _after_decision(self) -> None:
        """Go on to the next screen once this one is decided."""
        self.proposal = self.review.queue.get(self.proposal.id)
        pages = self._pages()
        if self.proposal.undecided() and all(
            self.proposal.changes[i].decision != Decision.PENDING for i in pages[self.screen_index]
        ):
            self._move(1)

    def _move(self, step: int) -> None:
        pages = self._pages()
        target = self.screen_index + step
        if not 0 <= target < len(pages):
            edge = "last" if step > 0 else "first"
            self.review.out.write(f"this is the {edge} screen of this page's changes; s: next page, ?: keys\n")
            return
        self.screen_index = target
        self._show()

    def _show(self) -> None:
        review = self.review
        pages = self._pages()
        review.show(header(self.proposal, self.index + 1, len(self.waiting)))
        for i in pages[self.screen_index]:
            review.out.write(self._blocks()[i])
        review.show(footer(pages[self.screen_index], len(self.proposal.changes), len(pages), self.screen_index))

    def _blocks(self) -> list[str]:
        """Each change drawn; drawn again only after a decision changed the proposal."""
        if self._rendered is None or self._rendered[0] is not self.proposal:
            review = self.review
            blocks = [styled(change_block(self.proposal, item), review.screen.width, review.color) for item in self.proposal.changes]
            self._rendered = (self.proposal, blocks)
        return self._rendered[1]

    def _pages(self) -> list[range]:
        height = self.review.screen.height
        return screens(self._blocks(), max(height - 5, 1) if height else 0) or [range(0)]


_STAY = object()  # a key that keeps the review on the same proposal


def _numbers_text(numbers: list[int]) -> str:
    return ("change " if len(numbers) == 1 else "changes ") + ", ".join(str(number) for number in numbers)


def terminal_pager(environ=os.environ) -> Callable[[str], None]:
    """Show text in ``$PAGER`` (default ``less -R``: colors pass), the way git does; without one, print it."""
    command = shlex.split(environ.get("PAGER") or "less -R")

    def page(text: str) -> None:
        try:
            subprocess.run(command, input=text, text=True, check=False)
        except OSError:
            print(text, end="")

    return page
