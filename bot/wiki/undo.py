"""Undoing the bot's revisions with MediaWiki's own undo (``undo``/``undoafter`` of the edit API).

MediaWiki computes the reverted text itself; linkbot only decides whether a revision may be undone:
it must still be the page's latest (``page_states``; the text before it: ``bot.wiki.save.revision_facts``),
and the edit is based on it (``baserevid``),
so a revision someone edited after is never reverted over.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.settings import RetryPolicy
from bot.wiki.retry import describe, with_retries

BATCH = 50  # titles or revision ids per query


@dataclass(frozen=True)
class PageState:
    title: str
    latest: int  # the latest revision's id (0: the page is gone)
    user: str  # who saved it
    sha1: str
    base: int = 0  # the revision an undo is based on, when not ``latest`` (after null revisions: a move)


def page_states(site, titles: Iterable[str], policy: RetryPolicy) -> dict[str, PageState]:
    """Each page's latest revision (one query per 50 titles)."""
    titles = list(dict.fromkeys(titles))
    states: dict[str, PageState] = {}
    for start in range(0, len(titles), BATCH):
        batch = titles[start : start + BATCH]
        request = site.simple_request(action="query", prop="revisions", titles="|".join(batch), rvprop="ids|user|sha1", formatversion=2)
        answer = with_retries(request.submit, policy, f"reading {len(batch)} page(s)")
        for page in answer["query"]["pages"]:
            revisions = page.get("revisions") or [{}]
            states[page["title"]] = PageState(page["title"], revisions[0].get("revid", 0), revisions[0].get("user", ""),
                                              revisions[0].get("sha1", ""))  # fmt: skip
    return states


def current_titles(site, revisions: Iterable[int], policy: RetryPolicy) -> dict[int, str]:
    """The title each revision's page has now (a page moved since keeps its revisions under its new
    title; a revision that is gone is left out), one query per 50 revisions."""
    revisions = list(dict.fromkeys(revisions))
    titles: dict[int, str] = {}
    for start in range(0, len(revisions), BATCH):
        batch = revisions[start : start + BATCH]
        request = site.simple_request(action="query", prop="revisions", revids="|".join(map(str, batch)), rvprop="ids",
                                      formatversion=2)  # fmt: skip
        answer = with_retries(request.submit, policy, f"reading {len(batch)} revision(s)")
        for page in answer["query"].get("pages", []):
            for revision in page.get("revisions", []):
                titles[revision["revid"]] = page["title"]
    return titles


def unchanged_since(site, title: str, revision: int, policy: RetryPolicy) -> bool:
    """Whether every revision of the page after ``revision`` has its very text (null revisions, such as
    a move's): no edit since that an undo could revert over, not even one undone by hand later."""
    request = site.simple_request(action="query", prop="revisions", titles=title, rvstartid=revision, rvdir="newer",
                                  rvprop="ids|sha1", rvlimit=50, formatversion=2)  # fmt: skip
    answer = with_retries(request.submit, policy, f"reading the history of {title}")
    revisions = (answer["query"]["pages"] or [{}])[0].get("revisions", [])
    if not revisions or revisions[0].get("revid") != revision or len(revisions) == 50:
        return False  # (more than 50 since: not worth reading on; a person looks)
    return all(entry.get("sha1") == revisions[0].get("sha1") for entry in revisions)


def undo_revision(site, title: str, revision: int, summary: str, policy: RetryPolicy, base: int = 0) -> tuple[int, str]:
    """Undo ``revision`` of ``title``, which must still be its latest (or ``base`` must be, a null
    revision after it): (the new revision, "") or (0, why not)."""
    import pywikibot
    from pywikibot.exceptions import EditConflictError, Error

    page = pywikibot.Page(site, title)
    try:
        with_retries(
            lambda: site.editpage(page, summary=summary, undo=revision, baserevid=base or revision, bot=True, minor=False,
                                  nocreate=True, watch="nochange"),  # fmt: skip
            policy,
            f"undoing revision {revision} of {title}",
        )
    except EditConflictError:
        return 0, "someone edited the page meanwhile: not reverted"
    except Error as error:
        return 0, describe(error)
    return page.latest_revision_id, ""
