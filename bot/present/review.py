"""``linkbot review``: go through pending proposals in a terminal and decide on their changes.

A screen shows one page's changes, as many as fit the terminal, each in its sentence, colored
(bot.present.review_screen); the keys (bot.present.review_keys) decide changes, screens, pages
and classes of changes (bot.present.review_ledger), jump and filter (bot.present.review_proposal).
A decision prints one short line, never the screen again. Input is read a line at a time, so the
same review runs in a terminal, over SSH, in tmux and from a script's pipe (then every change is on
one screen and nothing pages). After the last page the session offers ``u`` before it ends, so the
decision just made can still be undone. rich draws the screens: it measures wide CJK characters and
wraps to the terminal; a full-screen toolkit (prompt_toolkit, textual) would take the terminal over
and lose piped input.
"""

from __future__ import annotations

import os
import shlex
import subprocess
from collections.abc import Callable
from typing import TextIO

from bot.present.review_keys import KEYS_HELP
from bot.present.review_ledger import Ledger
from bot.present.review_proposal import ProposalReview
from bot.present.review_screen import ReviewTerminal, Screen
from bot.queue.listing import WAITING, Filters, Listing
from bot.queue.proposals import Queue

__all__ = ["KEYS_HELP", "Review", "Screen", "terminal_pager"]


class Review:
    """A review session: the pages waiting for review, one after another, as one reviewer."""

    def __init__(self, queue: Queue, who: str, read_line: Callable[[str], str], out: TextIO, color: bool = False,
                 screen: Screen = Screen(), pager: Callable[[str], None] | None = None) -> None:  # fmt: skip
        self.who = who
        self.terminal = ReviewTerminal(read_line, out, color, screen, pager)
        self.ledger = Ledger(queue, who, self.terminal)

    def run(self) -> int:
        waiting = [summary.id for summary in Listing(self.ledger.queue.db).summaries(Filters(status=WAITING, undecided=True))]
        if not waiting:
            self.terminal.say("nothing is waiting for review")
            return 0
        self.terminal.say(f"{len(waiting)} page(s) to review as {self.who}; type ? for the keys")
        index = 0
        while index is not None:
            if index >= len(waiting):
                back = self._at_the_end()
                index = waiting.index(back) if back in waiting else None
                continue
            step = ProposalReview(self.terminal, self.ledger, waiting[index], (index + 1, len(waiting))).run()
            if step.quit:
                break
            index = waiting.index(step.proposal_id) if step.proposal_id in waiting else index + 1
        self.terminal.say(f"\n{self.ledger.decided} decision(s) recorded as {self.who}")
        return 0

    def _at_the_end(self) -> int | None:
        """After the last page, with decisions made: ``u`` undoes the last one and goes back to its
        page (its proposal id); Enter, q or the end of input end the session (None)."""
        if not self.ledger.undo:
            return None
        left = Listing(self.ledger.queue.db).count(Filters(status=WAITING, undecided=True))
        where = "all pages reviewed" if not left else f"the last page: {left} page(s) still have undecided changes"
        self.terminal.say(f"{where}: u undoes the last decision, Enter ends")
        while True:
            try:
                line = self.terminal.read_line("review> ").strip().lower()
            except EOFError:
                return None
            if line in ("", "q", "quit"):
                return None
            if line == "u":
                return self.ledger.undo_last()
            self.terminal.say("u undoes the last decision, Enter ends")


def terminal_pager(environ=os.environ) -> Callable[[str], None]:
    """Show text in ``$PAGER`` (default ``less -R``: colors pass), the way git does; without one, print it."""
    command = shlex.split(environ.get("PAGER") or "less -R")

    def page(text: str) -> None:
        try:
            subprocess.run(command, input=text, text=True, check=False)
        except OSError:
            print(text, end="")

    return page
