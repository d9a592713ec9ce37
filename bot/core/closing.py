"""The page's closing block: the category and interlanguage links at its end, which are tags.

pandoc's MediaWiki reader moves a page's category tags to the end of the page, as links
(``[Category:X](Category:X "wikilink")``), and writes its footnotes after them; interlanguage
links stay where editors put them, at the end too. A category or interlanguage link in that block
was a tag; one in running text was a visible link.
"""

from __future__ import annotations

import re

from bot.core.model import Occurrence, Rule, Syntax
from bot.core.profile import SiteProfile

# pandoc's footnotes: "1.  text" (older writers: a list) or "[1] text" (a paragraph a note, and
# the note's own paragraphs after it).
_NOTES = re.compile(r"^(?:1\.|\[1\])(?:[ \t]|$)", re.M)
# A wikitext tag in the block: [[Category:X]], [[en:Y]].
_TAG = re.compile(r"\[\[\s*:?\s*([^\[\]|:]+):[^\[\]]*\]\]")


def closing_block(text: str, links: list[tuple[Occurrence, Rule]], profile: SiteProfile) -> tuple[int, int]:
    """Where the page's closing block starts and ends (both len(text) when there is none): the
    Markdown category and interlanguage links at the end of the page, with only white space and
    wikitext tags between them, before any footnotes."""
    last = None
    for occurrence, rule in reversed(links):  # the last tag-like link with only notes after it
        if _tag_like(occurrence, rule):
            notes = _NOTES.search(text, occurrence.end)
            end = notes.start() if notes else len(text)
            if _only_tags(text[occurrence.end : end], profile):
                last = occurrence
                break
    if last is None:
        return len(text), len(text)
    start = end
    for occurrence, rule in reversed(links):
        if occurrence.start >= last.end:
            continue
        if not _tag_like(occurrence, rule) or not _only_tags(text[occurrence.end : start], profile):
            break
        start = occurrence.start
    return start, end


def _tag_like(occurrence: Occurrence, rule: Rule) -> bool:
    return rule in (Rule.CATEGORY, Rule.INTERWIKI) and occurrence.syntax in (Syntax.MARKDOWN, Syntax.HTML_A)


def _only_tags(gap: str, profile: SiteProfile) -> bool:
    """True when ``gap`` holds only white space and category or interlanguage tags."""
    for match in _TAG.finditer(gap):
        namespace = profile.namespace(match.group(1))
        interwiki = profile.interwiki(match.group(1))
        if not ((namespace is not None and namespace.id == 14) or (interwiki is not None and interwiki.local)):
            return False
    return not _TAG.sub("", gap).strip()
