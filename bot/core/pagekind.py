"""What kind of text a page is: one that went through the Markdown mirror, or ordinary wikitext.

The Markdown forms linkbot repairs (``[L](T "wikilink")``, ``<https://...>`` autolinks, ``<a href>``,
with emphasis in their labels and link trails pandoc glued on) are what pandoc writes. On an
ordinary page the same characters mean something else: ``2012<http://example.org>`` is a free
link MediaWiki shows between angle brackets, ``[Paris](France)`` is text. So these repairs apply
only to a page that shows the mirror's marks: pandoc's ``"wikilink"`` and ``"fig:"`` link titles, the mirror's
``../Page/`` paths, or the converter's header line. Wikitext repairs (external links to the wiki
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


class MirrorForms(enum.StrEnum):
    """Where the Markdown forms are repaired."""

    AUTO = "auto"  # on pages that show the mirror's marks
    ALWAYS = "always"  # on every page (the operator knows the pages are the mirror's)
    NEVER = "never"  # on no page: wikitext repairs only


# pandoc's titles on links it made from wikilinks and on figures, the mirror's page paths (Markdown and HTML), and
# the header the converter puts first ("本文内容由…转换而来。", "この記事は…", "This article is converted…").
_MARK = re.compile(r"""\s"(?:wikilink|fig:[^"\n]*)"\)|\]\(\.\./Page/|href=["']?\.\./Page/""")
_HEADER = re.compile(r"\A\s*>\s*(?:本文内容由|本文內容由|この記事は|This article is converted from)")


def shows_mirror_marks(text: str) -> bool:
    """Whether ``text`` carries a mark only the Markdown mirror writes."""
    return _MARK.search(text) is not None or _HEADER.match(text) is not None


def mirror_forms_apply(text: str, setting: MirrorForms) -> bool:
    """Whether the Markdown forms are repaired on the page whose text is ``text``."""
    if setting is MirrorForms.AUTO:
        return shows_mirror_marks(text)
    return setting is MirrorForms.ALWAYS


def not_wikitext(model: str) -> str | None:
    """Why a page of content model ``model`` is not analysed, or None for a wikitext page."""
    if model == "wikitext":
        return None
    return f"not wikitext (content model {model or 'unknown'})"
