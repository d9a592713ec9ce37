"""Where pages come from: pywikibot's page generators, titles (a dump's preselection, member lists,
proposals), recent changes; and single pages' latest revision or text (talk page, ``members extract``).

Pages are read in batches as large as the API allows the account (one request per batch
of page texts and revision ids), each batch retried as a whole on transient failures.
A dump only preselects: the text analysed and saved is always the wiki's current one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice

from bot.errors import ConfigError
from bot.settings import RetryPolicy
from bot.wiki.retry import is_transient, with_retries
from bot.wiki.shutoff import Shutoff

DUMP_PREFIX = "-xml:"


@dataclass
class LivePage:
    """A page's current revision as read from the wiki."""

    title: str
    text: str
    revision_id: int
    page: object  # pywikibot.Page, kept for saving
    model: str = "wikitext"  # the page's content model (a Lua module, CSS or JSON page is not analysed)


def split_source_args(args: Iterable[str]) -> tuple[list[str], list[str]]:
    """(generator arguments for pywikibot, XML dump paths)."""
    generators, dumps = [], []
    for arg in args:
        if arg.startswith(DUMP_PREFIX):
            dumps.append(arg[len(DUMP_PREFIX) :])
        else:
            generators.append(arg)
    return generators, dumps


_NAMESPACE_ARGS = ("-ns:", "-namespace:", "-namespaces:")


def generator_pages(site, generator_args: list[str]) -> Iterator:
    """Pages (without text yet) from pywikibot's standard generator arguments."""
    from pywikibot import pagegenerators

    factory = pagegenerators.GeneratorFactory(site=site)
    # A namespace filter applies to every generator, but pywikibot accepts it only before those that
    # read namespaces (-cat:, -newpages...): given anywhere on linkbot's command line, it goes first.
    ordered = sorted(generator_args, key=lambda arg: not arg.startswith(_NAMESPACE_ARGS))
    try:
        unknown = [arg for arg in ordered if not factory.handle_arg(arg)]
    except (RuntimeError, ValueError, KeyError) as error:  # pywikibot's word on a malformed argument
        raise ConfigError(f"page generator arguments: {error}") from None
    if unknown:
        raise ConfigError(f"unknown page generator argument: {unknown[0]}")
    generator = factory.getCombinedGenerator()
    if generator is None:
        raise ConfigError("no pages selected: give a page generator (-page:, -cat:, ...) or -xml:DUMP")
    return generator


def pages_named(site, titles: Iterable[str]) -> Iterator:
    """Pages (without text yet) by title: a dump's preselection, the member lists' pages, proposals."""
    import pywikibot

    for title in titles:
        yield pywikibot.Page(site, title)


def recent_changes(site, since: str, namespaces: tuple[int, ...], skip_user: str) -> Iterator:
    """Pages edited or created since ``since`` (ISO 8601, UTC), oldest first, but for ``skip_user``'s edits."""
    import pywikibot

    changes = site.recentchanges(
        start=pywikibot.Timestamp.fromISOformat(since.replace("+00:00", "Z")),
        reverse=True,
        changetype="edit|new",
        namespaces=list(namespaces) or None,
    )
    for change in changes:
        if change.get("user") != skip_user:
            yield pywikibot.Page(site, change["title"])


def latest_revision(site, title: str) -> tuple[int, str]:
    """(the page's latest revision id, its author); (0, "") when the page does not exist."""
    import pywikibot

    page = pywikibot.Page(site, title)
    if not page.exists():
        return 0, ""
    return page.latest_revision_id, page.latest_revision.user


def revision_text(site, title: str, revision: int, policy: RetryPolicy) -> str | None:
    """The text of one revision of a page (None when the wiki no longer has it)."""
    import pywikibot
    from pywikibot.exceptions import Error

    def fetch() -> str | None:
        try:
            return pywikibot.Page(site, title).getOldVersion(revision)
        except Error as error:
            if is_transient(error):
                raise
            return None

    return with_retries(fetch, policy, f"reading revision {revision} of {title}")


def page_text(site, title: str) -> tuple[str, str] | None:
    """(the page's title as the wiki writes it, its current text), or None when it does not exist."""
    import pywikibot

    page = pywikibot.Page(site, title)
    if not page.exists():
        return None
    return page.title(), page.text


def read_pages(
    site,
    pages: Iterable,
    policy: RetryPolicy,
    batch_size: int | None = None,
    namespaces: tuple[int, ...] = (),
    shutoff: Shutoff | None = None,
) -> Iterator[LivePage]:
    """The current text and revision of each page, fetched in batches; missing pages and pages
    outside ``namespaces`` (when given) are skipped before any text is fetched. With ``shutoff``
    (live runs), each batch also reads the emergency-stop page for it."""
    size = batch_size or _batch_size(site)
    iterator = iter(pages)
    if namespaces:
        iterator = (page for page in iterator if page.namespace() in namespaces)
    stop_page = _stop_page(site, shutoff)
    while batch := list(islice(iterator, size - (stop_page is not None))):
        if stop_page is not None and stop_page not in batch:
            batch.append(stop_page)  # the emergency-stop page rides along: no request of its own
        loaded = with_retries(
            lambda batch=batch: list(site.preloadpages(batch, groupsize=len(batch), content=True)),
            policy,
            f"reading {len(batch)} page(s)",
        )
        for page in loaded:  # the stop page first: it is for the saves of this very batch
            if page == stop_page:
                shutoff.note(page.text if page.exists() else None)
        for page in loaded:
            if page != stop_page and page.exists():
                yield LivePage(page.title(), page.text, page.latest_revision_id, page, _model(page))


def _stop_page(site, shutoff):
    if shutoff is None or not shutoff.page_title:
        return None
    import pywikibot

    return pywikibot.Page(site, shutoff.page_title)


def reread(page: LivePage, policy: RetryPolicy) -> LivePage:
    """The page's current revision again (after an edit conflict), dropping any text assigned to it."""
    raw = page.page

    def fetch():
        del raw.text  # a text assigned earlier would survive get(force=True) and overwrite the new revision
        raw.get(force=True)
        return LivePage(raw.title(), raw.text, raw.latest_revision_id, raw, _model(raw))

    return with_retries(fetch, policy, f"re-reading {page.title}")


def _model(page) -> str:
    """The page's content model, as the preloading query's page info gave it ("" when the wiki said none)."""
    return page.content_model or ""


def _batch_size(site) -> int:
    # Page texts come 50 to a request, 500 with apihighlimits (bots, admins).
    return 500 if site.has_right("apihighlimits") else 50


def resolve_redirects(site, titles: list[str], policy: RetryPolicy, batch: int = 50) -> dict[str, str]:
    """title -> the page it redirects to, for the titles that are redirects (50 titles a request)."""
    result: dict[str, str] = {}
    for start in range(0, len(titles), batch):
        chunk = titles[start : start + batch]
        request = site.simple_request(action="query", titles="|".join(chunk), redirects=1, formatversion=2)
        answer = with_retries(request.submit, policy, f"resolving {len(chunk)} redirect(s)")["query"]
        normalized = {entry["to"]: entry["from"] for entry in answer.get("normalized", [])}
        for entry in answer.get("redirects", []):
            result[normalized.get(entry["from"], entry["from"])] = entry["to"]
    return result
