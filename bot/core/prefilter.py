"""A cheap test that a page cannot have anything to change, so the full analysis can be skipped.

Conservative by construction: every link form the detector looks for starts with one of a few
character sequences (``](`` for Markdown, ``<a`` for HTML links, ``<http``/``<ftp`` for autolinks,
``[`` + the URL of this wiki or one it has interwikis for). A page with none of them has no
finding; a page with one is analysed in full. The property tests check that a page this filter
rejects never has a change.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot.core.profile import SiteProfile, mobile_host


@lru_cache(maxsize=8)
def _pattern(profile: SiteProfile) -> re.Pattern[str]:
    # Mobile hosts resolve to their desktop wiki (zh.m.wikipedia.org, en.m.wikipedia.org): list both.
    desktop = profile.hosts | set(profile.interwiki_by_host)
    hosts = sorted(desktop | {mobile_host(host) for host in desktop} - {""}, key=len, reverse=True)
    host_part = "|".join(re.escape(host) for host in hosts)
    return re.compile(
        r"\]\s*\(|<a[\s>]|<(?:https?|ftp)://|\[\s*(?:[a-z][a-z0-9+.-]*:)?//(?:[^\s/\]]*\.)?(?:" + host_part + r")\.?(?=[:/\s\]?#]|$)",
        re.IGNORECASE,
    )


def might_change(text: str, profile: SiteProfile) -> bool:
    """False only when ``analyze(text, profile)`` certainly proposes no link change."""
    return _pattern(profile).search(text) is not None
