"""Member lists read from the wiki: another page holding the same list (``linkbot members import
--from-page``, on this wiki or, through an interlanguage prefix such as ``en:``, on another one; a
redirect followed), and its member names made this wiki's titles (interlanguage links of the other
wiki's pages, then this wiki's redirects)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.errors import InputError
from bot.settings import RetryPolicy
from bot.wiki.retry import with_retries
from bot.wiki.sources import resolve_redirects


@dataclass(frozen=True)
class SourcePage:
    site: object  # pywikibot's site the page is on
    title: str
    text: str


def source_page(site, title: str) -> SourcePage:
    """The page ``title`` names (``en:Title`` on the wiki its interlanguage prefix names), past a redirect."""
    import pywikibot
    from pywikibot.exceptions import Error

    try:
        page = pywikibot.Page(pywikibot.Link(title, source=site))
        if page.isRedirectPage():
            page = page.getRedirectTarget()
        if not page.exists():
            raise InputError(title, "no such page on the wiki")
        return SourcePage(page.site, page.title(), page.text)
    except Error as error:
        raise InputError(title, f"cannot read the page: {error}") from None


def local_titles(site, source_site, names: list[str], policy: RetryPolicy, batch: int = 50) -> dict[str, str]:
    """name -> this wiki's title, for names on ``source_site``'s pages: through their interlanguage
    links when that is another wiki (a name without one is left out: it has no page here), then
    through this wiki's redirects."""
    titles = dict.fromkeys(names, "")
    if not same_wiki(site, source_site):
        for start in range(0, len(names), batch):
            titles.update(_language_links(site, source_site, names[start : start + batch], policy))
    local = {name: title or name for name, title in titles.items() if title or same_wiki(site, source_site)}
    redirects = resolve_redirects(site, sorted(set(local.values())), policy)
    return {name: redirects.get(title, title) for name, title in local.items()}


def same_wiki(site, other) -> bool:
    return site.sitename == other.sitename


def _language_links(site, source_site, chunk: list[str], policy: RetryPolicy) -> dict[str, str]:
    request = source_site.simple_request(
        action="query", titles="|".join(chunk), prop="langlinks", lllang=site.lang, lllimit="max", redirects=1, formatversion=2
    )
    answer = with_retries(request.submit, policy, f"reading {len(chunk)} page(s)' language links")["query"]
    back = {entry["to"]: entry["from"] for key in ("normalized", "redirects") for entry in answer.get(key, [])}
    found = {}
    for page in answer.get("pages", []):
        links = page.get("langlinks", [])
        if links:
            original = page["title"]
            while original in back:  # a normalized title that also redirected: back to the source's own name
                original = back[original]
            found[original] = links[0]["title"]
    return found
