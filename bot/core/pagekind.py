"""What kind of text a page is: one that went through the Markdown mirror, or ordinary wikitext.

The Markdown forms linkbot repairs (``[L](T "wikilink")``, ``<https://...>`` autolinks, ``<a href>``,
with emphasis in their labels and link trails pandoc glued on) are what pandoc writes. On an
ordinary page the same characters mean something else: ``2012<http://example.org>`` is a free
link MediaWiki shows between angle brackets, ``[Paris](France)`` is text. So these repairs apply
only to a page that shows the mirror's marks: pandoc's ``"wikilink"`` and ``"fig:"`` link titles, the mirror's
``../Page/`` paths (each in a link the page really has, not in a comment, a code sample or prose), or
the converter's header line. Wikitext repairs (external links to the wiki
itself, doubled brackets) apply to every page. An operator who knows better says so
(``[rules] mirror_forms = "always"`` or ``"never"``).

A page whose content model is not wikitext (a Lua module, CSS, JavaScript, JSON) is not a page of
links at all: it is never analysed (``not_wikitext``).

The kind is decided once per page, from the text as found: a page whose last mirror link was
repaired is still judged as the mirror's when its new text is checked.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable

from bot.core.model import Occurrence, Syntax


class MirrorForms(enum.StrEnum):
    """Where the Markdown forms are repaired."""

    AUTO = "auto"  # on pages that show the mirror's marks
    ALWAYS = "always"  # on every page (the operator knows the pages are the mirror's)
    NEVER = "never"  # on no page: wikitext repairs only


# pandoc's titles on links it made from wikilinks and on figures, the mirror's page paths (Markdown and HTML), and
# the header the converter puts first ("本文内容由…转换而来。", "この記事は…", "This article is converted…").
_MARK = re.compile(r"""\s"(?:wikilink|fig:[^"\n]*)"\)|\]\(\.\./Page/|href=["']?\.\./Page/""")
_MIRROR_SYNTAX = frozenset({Syntax.MARKDOWN, Syntax.HTML_A})
_HEADER = re.compile(r"\A\s*>\s*(?:本文内容由|本文內容由|この記事は|This article is converted from)")


def shows_mirror_marks(text: str) -> bool:
    """Whether ``text`` may show the mirror's marks: the cheap test, true of every page that does
    (``is_mirror_page``) and of pages with the same characters in prose, a comment or a code sample."""
    return _MARK.search(text) is not None or _HEADER.match(text) is not None


def shows_header(text: str) -> bool:
    """Whether the page begins with the converter's header line."""
    return _HEADER.match(text) is not None


def marks_a_link(text: str, link: Occurrence) -> bool:
    """Whether ``link`` (a link occurrence of ``text``) bears a mark of the mirror: pandoc's title,
    a ``../Page/`` path."""
    return link.syntax in _MIRROR_SYNTAX and _MARK.search(text, link.start, link.end) is not None


def is_mirror_page(text: str, links: Iterable[Occurrence]) -> bool:
    """Whether the page shows the mirror's marks: its header, or a mark in one of ``links`` (its
    links outside comments, ``<nowiki>``, code and the like). The same characters in prose, a comment
    or a code sample mark nothing: a hostile editor's ``<!-- "wikilink") -->`` must not make an
    ordinary page's ``Inc. <http://fsf.org/>`` a Markdown autolink to unwrap."""
    return shows_header(text) or any(marks_a_link(text, link) for link in links)


def mirror_forms_apply(text: str, setting: MirrorForms) -> bool:
    """Whether the Markdown forms may be repaired on the page whose text is ``text`` (the cheap test:
    a prefilter's)."""
    if setting is MirrorForms.AUTO:
        return shows_mirror_marks(text)
    return setting is MirrorForms.ALWAYS


def not_wikitext(model: str) -> str | None:
    """Why a page of content model ``model`` is not analysed, or None for a wikitext page."""
    if model == "wikitext":
        return None
    return f"not wikitext (content model {model or 'unknown'})"
