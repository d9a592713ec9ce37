"""Safety checks a change must pass before it may be applied, in the spirit of black's equivalence check.

1. Visible text: what a reader sees of the change's new text equals what they saw
   of the old (unless the change is labelled as a deliberate display change).
2. Nothing else moves: the text outside the changed spans is byte-identical.
3. Structure: each new wikilink or external link parses as exactly that node in the new page.
4. Idempotence: a second pass over the new text proposes nothing.
5. Nothing the pre-save transform would rewrite on saving (the pipe trick, signatures, subst:).
A change that fails is dropped and reported; it is never applied.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.core.labels import fold_space, visible_text
from bot.core.markup import Markup
from bot.core.model import Change, Display


def visible_text_problem(change: Change, old_visible: str) -> str | None:
    """Why the change alters what readers see, or None."""
    if change.display not in (Display.KEPT, Display.BRACKETS):
        return None  # BRACKETS: what stood between the stray brackets is still shown
    new_visible = visible_text(change.new)
    if fold_space(old_visible) != new_visible:
        return f"visible text would change: {fold_space(old_visible)!r} -> {new_visible!r}"
    return None


# What MediaWiki's pre-save transform rewrites when a page is saved: the pipe trick ([[T|]]),
# signatures (~~~) and substitutions ({{subst:X}}). Text holding them would be saved as something
# other than what was reviewed.
_PRE_SAVE = re.compile(r"(?P<pipe>\|\]\])|(?P<signature>~~~)|(?P<subst>\{\{\s*(?:safe)?subst\s*:)", re.I)
_WHAT = {"pipe": "the pipe trick", "signature": "a signature", "subst": "a substitution"}


def pre_save_problem(change: Change) -> str | None:
    """Why saving the change's new text would store something else, or None."""
    found = _PRE_SAVE.search(change.new)
    if found is None:
        return None
    return f"MediaWiki's pre-save transform would rewrite {found.group()!r} ({_WHAT[found.lastgroup]})"


def outside_problem(text: str, new_text: str, changes: Sequence[Change], spans: Sequence[tuple[int, int]]) -> str | None:
    """Why bytes outside the changes differ, or None."""
    old_cursor = new_cursor = 0
    for change, (new_start, new_end) in zip(changes, spans):
        if text[old_cursor : change.start] != new_text[new_cursor:new_start]:
            return f"text before offset {change.start} changed"
        old_cursor, new_cursor = change.end, new_end
    if text[old_cursor:] != new_text[new_cursor:]:
        return "text after the last change changed"
    return None


def structure_problems(
    changes: Sequence[Change], spans: Sequence[tuple[int, int]], markup: Markup
) -> dict[int, str]:
    """Index of each change whose new link does not parse as that link in the new page."""
    wikilinks = set(markup.wikilinks)
    ext_links = {(link.start, link.end) for link in markup.ext_links}
    problems: dict[int, str] = {}
    for index, (change, (start, end)) in enumerate(zip(changes, spans)):
        new = change.new
        if new.startswith("[["):
            expected = (start, start + _wikilink_end(new))
            if expected not in wikilinks:
                problems[index] = "new wikilink does not parse as one link in the page"
        elif new.startswith("[") and (start, end) not in ext_links:
            problems[index] = "new external link does not parse as one link in the page"
    return problems


def _wikilink_end(new: str) -> int:
    """Where the wikilink that ``new`` starts with ends (a file link's caption may hold links)."""
    depth = 0
    for match in _BRACKETS.finditer(new):
        depth += 1 if match.group() == "[[" else -1
        if depth == 0:
            return match.end()
    return len(new)


_BRACKETS = re.compile(r"\[\[|\]\]")


def unstable_changes(
    spans: Sequence[tuple[int, int]], second_pass: Sequence[Change]
) -> tuple[dict[int, str], list[tuple[Change, str]]]:
    """Index of each change a second pass would change again (not idempotent), and what the second
    pass proposes elsewhere (at text no change touched), for the caller to account for."""
    problems: dict[int, str] = {}
    elsewhere: list[tuple[Change, str]] = []
    for again in second_pass:
        reason = f"a second pass would change it again ({again.rule})"
        hits = [index for index, (start, end) in enumerate(spans) if again.start <= end and start <= again.end]
        for index in hits:
            problems[index] = reason
        if not hits:
            elsewhere.append((again, f"a second pass would change other text ({again.rule} at {again.old!r})"))
    return problems, elsewhere
