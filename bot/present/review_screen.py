"""What ``linkbot review`` shows: a proposal's header and its changes, a screenful at a time, and
change numbers as a reviewer reads them in one short line (``306 changes (1–120, 122–306)``).

Rendered with rich (wide CJK characters measured right, lines wrapped to the terminal, styles
only when color is on) into a string; rich's escape sequences are handed over as linkbot's own
styling (``STYLE``), and page text is made visible before rich sees it, so nothing a page holds
can move the cursor or pass for a color (bot.present.terminal). ``ReviewTerminal`` is where it
is shown: the output, the lines typed, the screen's size and the pager.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TextIO

from rich.console import Console
from rich.text import Text

from bot.core.model import Decision
from bot.core.context import change_context
from bot.core.preview import from_json
from bot.present.rules import rule_label
from bot.present.terminal import STYLE, visible
from bot.queue.records import Proposal, QueuedChange
from bot.queue.states import shown_status

DECISION_STYLES = {Decision.APPROVED: "bold green", Decision.REJECTED: "bold red", Decision.PENDING: "yellow"}


@dataclass(frozen=True)
class Screen:
    """The terminal's size: how wide a line is, how many lines a screen of changes may take."""

    width: int = 100
    height: int = 0  # 0: no limit (piped input: everything at once)


def styled(text: Text, width: int, color: bool) -> str:
    """``text`` as the terminal shows it, with linkbot's styling marker in place of ESC."""
    buffer = io.StringIO()
    console = Console(
        file=buffer, width=width, force_terminal=color, no_color=not color, color_system="standard" if color else None,
        highlight=False, emoji=False, markup=False, soft_wrap=False,
    )  # fmt: skip
    console.print(text)
    return buffer.getvalue().replace("\x1b", STYLE)


def header(proposal: Proposal, position: int, total: int) -> Text:
    counts = {decision: 0 for decision in Decision}
    for item in proposal.changes:
        counts[item.decision] += 1
    text = Text()
    text.append(f"page {position}/{total}  ", style="bold")
    text.append(visible(proposal.title), style="bold cyan")
    text.append(f"  (proposal {proposal.id}, {proposal.wiki}, base revision {proposal.base_revid})\n", style="dim")
    text.append(f"{len(proposal.changes)} change(s): ")
    text.append(f"{counts[Decision.APPROVED]} approved", style=DECISION_STYLES[Decision.APPROVED])
    text.append(", ")
    text.append(f"{counts[Decision.REJECTED]} rejected", style=DECISION_STYLES[Decision.REJECTED])
    text.append(", ")
    text.append(f"{counts[Decision.PENDING]} undecided", style=DECISION_STYLES[Decision.PENDING])
    text.append(f"  · status: {shown_status(proposal.status, len(proposal.changes), counts[Decision.PENDING])}", style="bold")
    return text


def change_block(proposal: Proposal, item: QueuedChange) -> Text:
    """One change: number, decision, rule, flag; the sentence with the old text, then with the new."""
    change = item.change
    text = Text()
    text.append(f"[{item.number}] ", style="bold")
    text.append(str(item.decision), style=DECISION_STYLES[item.decision])
    if item.decided_by:
        text.append(f" by {visible(item.decided_by)}", style="dim")
    text.append(f"  {change.rule} · {rule_label(change.rule)}", style="cyan")
    if change.needs_review:
        text.append("  ⚠ needs review", style="bold magenta")
    if change.proof == "proven":
        text.append("  ✔ proven by the wiki", style="green")
    _sentences(text, proposal, item, "  ")
    shown = preview_line(change.preview)
    if shown:
        text.append(f"\n    {shown}", style="cyan")
    if change.note:
        text.append(f"\n    why: {visible(change.note)}", style="italic")
    return text


def preview_line(stored: str) -> str:
    """An image change as the wiki renders it, in words: the size, frame and side a reviewer checks,
    the caption, the image's address ("" when the change has no preview)."""
    preview = from_json(stored)
    if preview is None:
        return ""
    look = ", ".join(part for part in (f"{preview.width}×{preview.height} px", preview.frame, preview.placement or "inline") if part)
    caption = f", caption “{visible(preview.caption)}”" if preview.caption else ", no caption"
    return f"the wiki shows: an image, {look}{caption}: {visible(preview.src)}"


def sample_block(proposal: Proposal, item: QueuedChange) -> Text:
    """A class's sample: its number and decision, then its sentence with the old text and with the new."""
    text = Text("    ")
    text.append(f"[{item.number}] ", style="bold")
    text.append(str(item.decision), style=DECISION_STYLES[item.decision])
    _sentences(text, proposal, item, "      ")
    return text


def _sentences(text: Text, proposal: Proposal, item: QueuedChange, indent: str) -> None:
    """The change's sentence twice: ``-`` with the old text, ``+`` with the new, the change in bold."""
    change = item.change
    context = change_context(proposal.base_text, change.start, change.end)
    for sign, changed, style in (("-", change.old, "red"), ("+", change.new, "green")):
        text.append(f"\n{indent}{sign} ", style=style)
        text.append(_flat(context.before), style="dim")
        text.append(_flat(changed), style=f"bold {style} reverse" if not changed.strip() else f"bold {style}")
        text.append(_flat(context.after), style="dim")


def _flat(text: str) -> str:
    """Page text on one screen line: its line breaks shown as ↵, its controls made visible."""
    return visible(text.replace("\n", "↵"))


def screens(blocks: Sequence[str], height: int) -> list[range]:
    """The changes (by index) each screen shows: as many whole blocks as fit in ``height`` lines
    (at least one a screen); one screen for all when ``height`` is 0."""
    if not height:
        return [range(0, len(blocks))] if blocks else []
    pages, start, used = [], 0, 0
    for index, block in enumerate(blocks):
        lines = block.count("\n")
        if index > start and used + lines > height:
            pages.append(range(start, index))
            start, used = index, 0
        used += lines
    if start < len(blocks):
        pages.append(range(start, len(blocks)))
    return pages


def footer(shown: Sequence[int], total: int, page_count: int, screen_index: int, only: str = "", matching: int = 0) -> Text:
    """The filter (``only``: its name, and how many changes match it), where the screen is (its
    changes by number, the screen of how many), then the keys: a line each."""
    text = Text(style="dim")
    if only:
        text.append(f"filter {only}: {matching} change(s)", style="bold yellow")
        text.append(" (f alone shows every change)\n")
    where = f"changes {ranges_text([index + 1 for index in shown])} of {total}" if shown else "no changes"
    text.append(f"{where} · screen {screen_index + 1}/{page_count}\n")
    keys = (("y/n", "screen"), ("N y", "one"), ("a/r", "page"), ("c", "classes"), ("g N", "go to"), ("f", "filter"),
            ("u", "undo"), ("Enter", "next"), ("?", "keys"))  # fmt: skip
    for key, does in keys:
        text.append(key, style="bold")
        text.append(f" {does}" + (" · " if key != "?" else ""))
    return text


def numbered_lines(text: str) -> str:
    """The page's text with line numbers, for the pager."""
    return "".join(f"{number:5} | {visible(line)}\n" for number, line in enumerate(text.splitlines(), 1))


def numbers_phrase(numbers: Sequence[int]) -> str:
    """``change 7`` or ``306 changes (1–120, 122–306)``: never a list of every number."""
    if len(numbers) == 1:
        return f"change {numbers[0]}"
    return f"{len(numbers)} changes ({ranges_text(numbers)})"


def ranges_text(numbers: Sequence[int], limit: int = 40) -> str:
    """Numbers as runs: ``1–120, 122, 124–306``; past ``limit`` characters the rest is ``…``."""
    runs: list[list[int]] = []
    for number in sorted(set(numbers)):
        if runs and number == runs[-1][1] + 1:
            runs[-1][1] = number
        else:
            runs.append([number, number])
    parts = [f"{low}" if low == high else f"{low}, {high}" if high == low + 1 else f"{low}–{high}" for low, high in runs]
    shown = ""
    for part in parts:
        if shown and len(shown) + len(part) > limit:
            return shown + ", …"
        shown += (", " if shown else "") + part
    return shown


@dataclass(frozen=True)
class ReviewTerminal:
    """Where the review talks: lines typed in (``read_line`` raises EOFError at the end of input),
    text written out, colored or not, a screen's size, and a pager for long text (None: piped)."""

    read_line: Callable[[str], str]
    out: TextIO
    color: bool = False
    screen: Screen = Screen()
    pager: Callable[[str], None] | None = None

    def say(self, line: str) -> None:
        self.out.write(line + "\n")

    def draw(self, text: Text) -> str:
        return styled(text, self.screen.width, self.color)

    def show(self, text: Text) -> None:
        self.out.write(self.draw(text))

    def ask(self, question: str) -> bool:
        """A yes/no question; anything but y (the end of input too) is no."""
        try:
            answer = self.read_line(question)
        except EOFError:
            return False
        return answer.strip().lower() in ("y", "yes")

    def page_through(self, text: str) -> None:
        """Long text: through the pager in a terminal (the page's controls shown, linkbot's colors
        as escapes, since the pager writes to the terminal itself), else on the output."""
        if self.pager is None:
            self.out.write(text)
        else:
            self.out.flush()
            self.pager(visible(text).replace(STYLE, "\x1b"))
