"""A cheap test that a page cannot have anything to change, so the full analysis can be skipped.

Conservative by construction: every link form the detector looks for starts with one of a few
character sequences (``](`` for Markdown, ``<a`` for HTML links, ``<http``/``<ftp`` for autolinks,
``[`` + the URL of this wiki or one it has interwikis for). A page with none of them has no
finding; a page with one is analysed in full. The property tests check that a page this filter
rejects never has a change.

As selective as the analysis: the Markdown forms count only where they are repaired
(``Options.mirror_forms``; by default on pages that show the mirror's marks, bot.core.pagekind),
and a Markdown link is ``](`` with nothing between, as in CommonMark and the detector. On real
articles ``]] (`` (``[[Paris]] (France)``) and ``<ref>`` are everywhere; ordinary pages are then
candidates only for a bracketed link to this wiki or one of its interwikis.

Speed matters here more than anywhere (it reads every page of a dump): each test is a substring
search or a pattern that starts with a literal (which lets the regex engine skip ahead at memchr
speed), so a page's XML is read four times over at 1-2 GB/s each; and the hosts are looked up in a
set rather than tried as a regex alternation of hundreds of names.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot.core.options import Options
from bot.core.pagekind import MirrorForms, mirror_forms_apply
from bot.core.profile import SiteProfile, mobile_host

_MARKDOWN = "]("  # CommonMark: a link's ``]`` and ``(`` touch (the detector's rule too)
# ``<a`` + white space (the detector's HTML link), or an autolink to an http(s) or ftp URL.
_ANGLE = re.compile(r"<(?:[aA]\s|(?i:https?|ftp)://)")
# ``[`` + optional scheme + ``//`` and the run of characters a host is read from.
# (Possessive: ``[[Category:X]]`` is not tried again a character shorter: a third of the time.)
_BRACKETED_URL = re.compile(r"\[\s*+(?:[a-zA-Z][a-zA-Z0-9+.-]*+:)?//([^\s/\]]*)")
_HOST_END = re.compile(r"[:?#]")


@lru_cache(maxsize=8)
def _host_test(profile: SiteProfile):
    """A cached ``run -> bool`` for this profile's hosts: a dump names the same few thousand hosts
    over and over."""
    # Mobile hosts resolve to their desktop wiki (zh.m.wikipedia.org, en.m.wikipedia.org): list both.
    # Other language editions of the sister projects (de.wiktionary.org) are subdomains of their domain.
    desktop = profile.hosts | set(profile.interwiki_by_host) | set(profile.sister_by_domain)
    hosts = frozenset(host.lower() for host in desktop | {mobile_host(host) for host in desktop} - {""})

    @lru_cache(maxsize=16384)
    def names_host(run: str) -> bool:
        return _names_host(run, hosts)

    return names_host


def might_change(text: str, profile: SiteProfile, options: Options) -> bool:
    """False only when ``analyze(text, profile, options)`` certainly proposes no link change."""
    if options.mirror_forms is not MirrorForms.NEVER and (_MARKDOWN in text or _ANGLE.search(text)):
        # (the marks last: a page without ](, <a or <http has no Markdown form to repair)
        if mirror_forms_apply(text, options.mirror_forms):
            return True
    names_host = _host_test(profile)
    return any(names_host(match.group(1)) for match in _BRACKETED_URL.finditer(text))


def _names_host(run: str, hosts: frozenset[str]) -> bool:
    """Whether ``run`` (what follows ``//`` up to a space, ``/`` or ``]``) is one of ``hosts`` or a
    subdomain of one, followed by the end, a port, a query or a fragment (a trailing dot allowed)."""
    run = run.lower()
    start = 0
    while start <= len(run):
        end = _HOST_END.search(run, start)
        name = run[start : end.start() if end else len(run)]
        if name in hosts or (name.endswith(".") and name[:-1] in hosts):
            return True
        dot = run.find(".", start)
        if dot < 0:
            return False
        start = dot + 1
    return False


# The same tests on a page's raw XML in a MediaWiki export, so that a page with nothing to change
# need not even be parsed. An export escapes only < > & in text (Wikimedia's dumps also escape
# quotes; other writers may write numeric references, or CDATA). Where the text tests allow white
# space, the raw tests also allow any non-ASCII byte (Unicode spaces are multibyte); a numeric
# reference or a CDATA section anywhere, or an escape or a non-ASCII byte in a host, makes the page
# a candidate: it is then parsed and tested as text. The mirror's marks are looked for more loosely
# than in the text (anywhere in the page, without the white space before ``"wikilink")``). So these
# accept every page the text tests accept (a property test holds them to it).

# A numeric reference (it may hide any character), or an HTML link or autolink: both begin with
# ``&``, so one search finds them (two would each stop at every ``&lt;`` and ``&quot;``).
_XML_ESCAPES = re.compile(rb"&(?:#|lt;(?:[aA][\s\x80-\xff]|(?i:https?|ftp)://))")
_XML_MARKDOWN = re.compile(rb"\]\(")  # (the regex engine finds two bytes twice as fast as ``in``)
# (A host's run also stops at "<": in an export that is the markup after the text, never the text.)
_XML_BRACKETED_URL = re.compile(rb"\[[\s\x80-\xff]*+(?:[a-zA-Z][a-zA-Z0-9+.-]*+:)?//([^\s/\]<]*)")
# Every ``//`` and its host's run, bracketed or not. Real pages have a ``[`` every 60 bytes (``[[``)
# but a ``//`` every 1,500: these are found in half the time, and only a page where one names a
# host is searched for bracketed ones. (It finds every run the bracketed search finds: that one's
# ``//`` never follows a ``/``, so no earlier match can have taken it.)
_XML_SLASHES_RUN = re.compile(rb"//([^\s/\]<]*)")
_XML_WIKILINK_MARK = re.compile(rb'wikilink(?:"|&quot;)\)')
# Each mark of bot.core.pagekind as it may be written: ``](../Page/`` and ``href="../Page/`` hold
# ``../Page/``; the converter's header line is told by its words.
_XML_MARKS = (b"../Page/", "本文内容由".encode(), "本文內容由".encode(), "この記事は".encode(), b"This article is converted from")


def might_change_xml(raw: bytes, profile: SiteProfile, options: Options) -> bool:
    """False only when the page whose export XML is ``raw`` certainly has nothing to change."""
    angle = False
    for found in _XML_ESCAPES.finditer(raw):
        if found[0] == b"&#":
            return True
        angle = True
    if b"<![CDATA[" in raw or b"<!--" in raw or b"<?" in raw:  # (text the parser joins across them)
        return True
    if options.mirror_forms is not MirrorForms.NEVER and (angle or _XML_MARKDOWN.search(raw)):
        if options.mirror_forms is MirrorForms.ALWAYS or _may_show_marks(raw):
            return True
    may_name_host = _raw_host_test(profile)  # (the runs alone, no match objects; the loops in C)
    return any(map(may_name_host, _XML_SLASHES_RUN.findall(raw))) and any(
        map(may_name_host, _XML_BRACKETED_URL.findall(raw))
    )


@lru_cache(maxsize=8)
def _raw_host_test(profile: SiteProfile):
    """A cached ``raw run -> bool``: whether a run of a page's XML may name one of the profile's
    hosts (an escape or a non-ASCII byte in it: maybe, the page is read as text)."""
    names_host = _host_test(profile)

    @lru_cache(maxsize=16384)
    def may_name_host(run: bytes) -> bool:
        return not run.isascii() or b"&" in run or names_host(run.decode("ascii"))

    return may_name_host


def _may_show_marks(raw: bytes) -> bool:
    """Whether the page whose export XML is ``raw`` may show the mirror's marks (``shows_mirror_marks``)."""
    if b"wikilink" in raw and _XML_WIKILINK_MARK.search(raw) or b"fig:" in raw:
        return True
    return any(mark in raw for mark in _XML_MARKS)
