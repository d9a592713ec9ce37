"""What ``linkbot review`` shows: a proposal's header and its changes, a screenful at a time.

Rendered with rich (wide CJK characters measured right, lines wrapped to the terminal, styles
only when color is on) into a string; rich's escape sequences are handed over as linkbot's own
styling (``STYLE``), and page text is made visible before rich sees it, so nothing a page holds
can move the cursor or pass for a color (bot.present.terminal).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from rich.console import Console
from rich.text import Text

from bot.core.model import Decision
from bot.core.context import change_context
from bot.present.rules import rule_label
from bot.present.terminal import STYLE, visible
from bot.queue.records import Proposal, QueuedChange

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
    return text


def change_block(proposal: Proposal, item: QueuedChange) -> Text:
    """One change: number, decision, rule, flag; the sentence with the old text, then with the new."""
    change = item.change
    context = change_context(proposal.base_text, change.start, change.end)
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
    for sign, changed, style in (("-", change.old, "red"), ("+", change.new, "green")):
        text.append(f"\n  {sign} ", style=style)
        text.append(_flat(context.before), style="dim")
        text.append(_flat(changed), style=f"bold {style} reverse" if not changed.strip() else f"bold {style}")
        text.append(_flat(context.after), style="dim")
    if change.note:
        text.append(f"\n    why: {visible(change.note)}", style="italic")
    return text


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


def footer(shown: range, total: int, page_count: int, screen_index: int) -> Text:
    text = Text(style="dim")
    where = f"changes {shown.start + 1}-{shown.stop} of {total}" if total else "no changes"
    text.append(f"{where} · screen {screen_index + 1}/{page_count} · ")
    text.append("y/n", style="bold")
    text.append(" this screen · ")
    text.append("N y", style="bold")
    text.append(" one or more (1-5 y, 1,3 n) · ")
    text.append("Enter", style="bold")
    text.append(" more · ")
    text.append("?", style="bold")
    text.append(" help")
    return text


def numbered_lines(text: str) -> str:
    """The page's text with line numbers, for the pager."""
    return "".join(f"{number:5} | {visible(line)}\n" for number, line in enumerate(text.splitlines(), 1))
