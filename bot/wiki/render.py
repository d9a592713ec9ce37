"""Asking the wiki how it renders a text (``action=parse``, POST, in the page's title's context)."""

from __future__ import annotations

from bot.core.rendering import Rendering, rendering_from_parse
from bot.settings import RetryPolicy
from bot.wiki.retry import describe, with_retries

PROPS = "text|links|externallinks|images|categories|langlinks|iwlinks|templates|sections|properties"


def rendering_of(site, title: str, text: str, policy: RetryPolicy) -> Rendering | str:
    """The wiki's rendering of ``text`` as the page ``title``, as a preview of the bot's own save; or
    why it could not render it."""
    # preview: what the bot's own save would render ({{REVISIONUSER}} is the bot, as it will be after the save)
    request = site.simple_request(action="parse", title=title, text=text, contentmodel="wikitext", prop=PROPS, preview=1,
                                  disableeditsection=1, disablelimitreport=1, formatversion=2)  # fmt: skip
    request.use_get = False  # a page's text does not fit in a URL
    return _rendering(request, policy, f"rendering {title}")


def stored_rendering(site, revision: int, policy: RetryPolicy) -> Rendering | str:
    """The wiki's rendering of a stored revision, as its readers get it (``action=parse&oldid=``:
    magic words such as ``{{REVISIONUSER}}`` read the revision's own author, not the bot's)."""
    request = site.simple_request(action="parse", oldid=revision, prop=PROPS, disableeditsection=1, disablelimitreport=1,
                                  formatversion=2)  # fmt: skip
    return _rendering(request, policy, f"rendering revision {revision}")


def _rendering(request, policy: RetryPolicy, what: str) -> Rendering | str:
    """The parse request's answer as a ``Rendering``, or why there is none."""
    from pywikibot.exceptions import Error

    try:
        answer = with_retries(request.submit, policy, what)
    except Error as error:
        return describe(error)
    if "parse" not in answer:
        return f"the wiki gave no rendering ({', '.join(answer) or 'empty answer'})"
    return rendering_from_parse(answer["parse"])


def html_of(site, title: str, text: str, policy: RetryPolicy) -> str | None:
    """The HTML the wiki renders of ``text`` as the page ``title`` (a preview); None when it cannot."""
    from pywikibot.exceptions import Error

    request = site.simple_request(action="parse", title=title, text=text, contentmodel="wikitext", prop="text", preview=1,
                                  disableeditsection=1, disablelimitreport=1, formatversion=2)  # fmt: skip
    request.use_get = False
    try:
        answer = with_retries(request.submit, policy, f"rendering the images of {title}")
    except Error:
        return None
    return answer.get("parse", {}).get("text")
