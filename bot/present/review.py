"""``linkbot review``: go through pending proposals in a terminal and decide on each change.

Line-based on purpose (one command per line, read with ``input``): it works the same in a plain
terminal, over SSH, in tmux and with piped input, and needs no curses. Keys:

    a        approve every change of this proposal     r      reject every change
    N y      approve change N (also "Ny", "y N")       N n    reject change N
    s        skip to the next proposal                  o      show the whole page text
    q        quit (decisions already made are kept)     ?      this help
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TextIO

from bot.errors import InputError
from bot.present.proposals import proposal_line
from bot.present.report import colorize_diff
from bot.queue.proposals import Proposal, Queue
from bot.queue.states import AWAITING, Decision, Source

HELP = "[a] approve all  [r] reject all  [N y] approve N  [N n] reject N  [s] skip  [o] open page  [q] quit  [?] help"
_ONE = re.compile(r"^\s*(?:(\d+)\s*([yn])|([yn])\s*(\d+))\s*$", re.I)


class Review:
    def __init__(self, queue: Queue, who: str, read_line: Callable[[str], str], out: TextIO, color: bool = False):
        self.queue, self.who, self.read_line, self.out, self.color = queue, who, read_line, out, color
        self.decided = 0

    def run(self) -> int:
        waiting = [p for p in self.queue.list() if p.status in AWAITING and p.undecided()]
        if not waiting:
            self.out.write("nothing is waiting for review\n")
            return 0
        for index, proposal in enumerate(waiting, 1):
            self.out.write(f"\n=== {index}/{len(waiting)} ===\n")
            if not self._proposal(proposal.id):
                break
        self.out.write(f"\n{self.decided} decision(s) recorded as {self.who}\n")
        return 0

    def _proposal(self, proposal_id: int) -> bool:
        """Work on one proposal; False when the reviewer quits."""
        self._show(self.queue.get(proposal_id))
        while True:
            try:
                command = self.read_line("review> ").strip().lower()
            except EOFError:
                return False
            if command in ("q", "quit"):
                return False
            if command in ("s", "skip", ""):
                return True
            if command in ("a", "r"):
                self._decide(proposal_id, None, Decision.APPROVED if command == "a" else Decision.REJECTED)
                return True
            if command == "o":
                self._page(self.queue.get(proposal_id))
            elif (match := _ONE.match(command)) is not None:
                number = int(match.group(1) or match.group(4))
                verdict = (match.group(2) or match.group(3)).lower()
                self._decide(proposal_id, [number], Decision.APPROVED if verdict == "y" else Decision.REJECTED)
                proposal = self.queue.get(proposal_id)
                self._changes(proposal)
                if not proposal.undecided():
                    return True
            else:
                self.out.write(HELP + "\n")

    def _decide(self, proposal_id: int, numbers: list[int] | None, decision: Decision) -> None:
        try:
            proposal = self.queue.decide(proposal_id, numbers, decision, self.who, source=Source.REVIEW)
        except InputError as error:  # an unknown change number: say so, keep reviewing
            self.out.write(f"{error}\n")
            return
        self.decided += len(proposal.changes) if numbers is None else len(numbers)
        self.out.write(f"{decision} by {self.who}\n")

    def _show(self, proposal: Proposal) -> None:
        self.out.write(proposal_line(proposal).strip() + "\n")
        self.out.write(colorize_diff(proposal.diff, self.color))
        self._changes(proposal)
        self.out.write(HELP + "\n")

    def _changes(self, proposal: Proposal) -> None:
        for item in proposal.changes:
            change = item.change
            flag = " (needs review)" if change.needs_review else ""
            who = f" by {item.decided_by}" if item.decided_by else ""
            self.out.write(f"  [{item.number}] {item.decision}{who} {change.rule}{flag}: {change.old!r} -> {change.new!r}\n")

    def _page(self, proposal: Proposal) -> None:
        for number, line in enumerate(proposal.base_text.splitlines(), 1):
            self.out.write(f"{number:5} | {line}\n")

