"""The preselection of a wiki run from a dump (``-xml:``): the titles of the pages whose dumped text
has a change planned, read on all cores by ``dumpscan``; what the dump says besides, told to the caller.

Pages the dump leaves out for what they are (not wikitext, hidden text) are said in one line a dump:
a wiki run reads only the namespaces it is set to, so a line per module or stylesheet of a whole
wiki's dump would be noise; the live run says so of any page it reads and leaves alone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator

from bot.core.options import Options
from bot.core.profile import SiteProfile
from bot.errors import InputError
from bot.inputs.dumppage import DumpProblem, DumpWarning, NotAnalysed
from bot.inputs.dumpscan import scan_dump, title_if_changes_planned
from bot.inputs.limits import PageLimits


def planned_titles(
    path: str,
    profile: SiteProfile,
    options: Options,
    on_problem: Callable[[InputError], None],
    limits: PageLimits,
    on_notice: Callable[[str], None] | None = None,
) -> Iterator[str]:
    """The titles of the dump's pages whose dumped text has a change planned. What cannot be read
    of the dump goes to ``on_problem``; its warnings, and at its end one line for the pages it
    leaves out for what they are, to ``on_notice``; the rest is still scanned."""
    left_out: Counter = Counter()
    notice = on_notice or (lambda line: None)
    try:
        for item in scan_dump(path, profile, options, examine=title_if_changes_planned, limits=limits):
            if isinstance(item, DumpProblem):
                on_problem(InputError(path, item.message))
            elif isinstance(item, NotAnalysed):
                left_out[item.reason] += 1
            elif isinstance(item, DumpWarning):
                notice(item.message)
            else:
                yield item
    except InputError as error:
        on_problem(error)
    if left_out:
        reasons = ", ".join(f"{why} {count}" for why, count in sorted(left_out.items()))
        notice(f"{sum(left_out.values())} page(s) left out, not analysed: {reasons}")


def notice(item: NotAnalysed | DumpWarning) -> str:
    """The line (after the dump's name) for a page not analysed, or a warning."""
    if isinstance(item, NotAnalysed):
        return f"page {item.title!r}: not analysed: {item.reason}"
    return item.message
