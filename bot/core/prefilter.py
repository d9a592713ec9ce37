"""A cheap test that a page cannot have anything to change, so the full analysis can be skipped.

Conservative by construction: every link form the detector looks for starts with one of a few
character sequences (``](`` for Markdown, ``<a`` for HTML links, ``<http``/``<ftp`` for autolinks,
``[`` + the URL of this wiki or one it has interwikis for). A page with none of them has no
finding; a page with one is analysed in full. The property tests check that a page this filter
rejects never has a change.

Speed matters here more than anywhere (it reads every page of a dump): each pattern starts with
a literal character, which lets the regex engine skip ahead at memchr speed, and the hosts are
looked up in a set rather than tried as a regex alternation of hundreds of names.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot.core.profile import SiteProfile, mobile_host

_MARKDOWN = re.compile(r"\]\s*\(")
_ANGLE = re.compile(r"<(?:[aA][\s>]|(?i:https?|ftp)://)")
# ``[`` + optional scheme + ``//`` and the run of characters a host is read from.
_BRACKETED_URL = re.compile(r"\[\s*(?:[a-zA-Z][a-zA-Z0-9+.-]*:)?//([^\s/\]]*)")
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


def might_change(text: str, profile: SiteProfile) -> bool:
    """False only when ``analyze(text, profile)`` certainly proposes no link change."""
    if _MARKDOWN.search(text) or _ANGLE.search(text):
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
# need not even be parsed. An export escapes only < > & in text (other writers may also escape
# quotes, or write numeric references). Where the text tests allow white space, the raw tests also
# allow any non-ASCII byte (Unicode spaces are multibyte); a numeric reference anywhere, or an
# escape or a non-ASCII byte in a host, makes the page a candidate: it is then parsed and tested
# as text. So these accept every page the text tests accept (a property test holds them to it).
_XML_MARKDOWN = re.compile(rb"\](?:\s|[\x80-\xff])*\(")
_XML_ANGLE = re.compile(rb"&lt;(?:[aA](?:\s|[\x80-\xff]|&gt;)|(?i:https?|ftp)://)")
# (A host's run also stops at "<": in an export that is the markup after the text, never the text.)
_XML_BRACKETED_URL = re.compile(rb"\[(?:\s|[\x80-\xff])*(?:[a-zA-Z][a-zA-Z0-9+.-]*:)?//([^\s/\]<]*)")


def might_change_xml(raw: bytes, profile: SiteProfile) -> bool:
    """False only when the page whose export XML is ``raw`` certainly has nothing to change."""
    if b"&#" in raw or _XML_MARKDOWN.search(raw) or _XML_ANGLE.search(raw):
        return True
    names_host = _host_test(profile)
    for run in _XML_BRACKETED_URL.findall(raw):  # (the runs alone: no match objects to build)
        if not run.isascii() or b"&" in run or names_host(run.decode("ascii")):
            return True
    return False
