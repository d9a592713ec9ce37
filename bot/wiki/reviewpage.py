"""The on-wiki review pages, on the wiki: whose decisions count, and publishing the pages.

A decision is taken from the page's revision history, never from its text: the history is read
from the bot's last publication, and each status word is its author's only when the revision that
changed it keeps the bot's part exactly as published but for status words (bot.core.attribution).
A change across revisions that altered more, a value brought back by someone else's revert, and
anything after a revision whose text the wiki hides are nobody's. The author's groups come from
the API. Decisions by users outside the allowed groups and names, and decisions whose author the
history cannot establish, are ignored and reported. Which of many pages have newer revisions, and
what they hold now, is asked for 50 pages a request (``latest_revisions``, ``current_texts``).
"""

from __future__ import annotations

from dataclasses import dataclass

from collections.abc import Sequence

from bot.core.attribution import FieldDecision, PageRevision, WikiDecision, beside_is_plain, decisions_from_history, is_redirect, read_bot_part
from bot.core.model import Decision
from bot.core.review_messages import ReviewMessages
from bot.core.reviewpage import BEGIN, TEMPLATE_TITLE, FieldId, change_template, holds_part, replace_bot_part, stamped
from bot.settings import RetryPolicy
from bot.wiki.retry import describe, with_retries

HISTORY_LIMIT = 500  # revisions read back at most, newest first




REVERT_TAGS = frozenset({"mw-undo", "mw-rollback", "mw-manual-revert"})  # MediaWiki's own tags for reverts


@dataclass(frozen=True)
class PageReading:
    """What the review page's history gives: decisions after the taken revision, the latest
    revision, and why the latest revision's bot part cannot be read ("" when it can)."""

    decisions: list[WikiDecision]
    latest: int
    damaged: str = ""


def read_decisions(site, title: str, published: int, taken: int, allowed_groups: frozenset[str],
                   allowed_users: frozenset[str], bot_user: str, policy: RetryPolicy) -> PageReading:  # fmt: skip
    """Decisions made on the page after revision ``taken``, oldest first, read from the history since
    the bot's publication ``published``, a revision the bot saved with nobody's edit merged in (0: none
    yet, and nothing is read before the bot's first).

    Each decision is its author's (bot.core.attribution.decisions_from_history): whoever changed the
    status word, never whoever restored or re-saved the text. It counts only when that author is in
    ``allowed_groups`` or ``allowed_users``; the others are returned with ``accepted`` False and why.
    """
    import pywikibot

    page = pywikibot.Page(site, title)
    history, complete = with_retries(lambda: _history(page, published), policy, f"reading the history of {title}")
    if not history:
        return PageReading([], 0)
    found = [decision for decision in decisions_from_history(history, bot_user) if decision.revid > taken]
    groups = _groups(site, {d.user for d in found if d.user}, policy)
    checked = []
    for decision in found:
        why = _untrusted(decision, groups, allowed_groups, allowed_users, complete)
        who = decision.user or "(unknown)"
        checked.append(WikiDecision(decision.field, decision.decision, who, decision.revid, not why, why, decision.shown))
    latest = history[-1]
    damaged = "" if latest.text is None or read_bot_part(latest.text) else DAMAGED.format(revision=latest.revid)
    return PageReading(checked, latest.revid, damaged)


DAMAGED = ("revision {revision} cannot be read: the bot's part was changed beyond its status words, or something beside it is "
           "more than plain text (a template, styled markup): no decision made there counts until the bot publishes the page "
           "again and the page beside the part is plain")  # fmt: skip


def _untrusted(decision: FieldDecision, groups: dict[str, set[str]], allowed_groups, allowed_users, complete: bool) -> str:
    """Why a decision is not taken, or "" when it is."""
    if decision.why:
        return decision.why
    if not complete:
        return f"the page's history since the bot's last publication is longer than {HISTORY_LIMIT} revisions: its authors cannot be established"
    if not decision.user:
        return "the wiki hides the author of the revision that set it"
    if decision.user in allowed_users or groups.get(decision.user, set()) & allowed_groups:
        return ""
    restored = f"; restored by {decision.restored_by}, which does not make it theirs" if decision.restored_by else ""
    return f"{decision.user} is not allowed to decide (groups: {', '.join(sorted(groups.get(decision.user, ()))) or 'none'}){restored}"


def _history(page, since: int) -> tuple[list[PageRevision], bool]:
    """Revisions from the bot's publication ``since`` (included, as the base to compare with; 0: an
    empty page before the first) to the latest, oldest first, and whether the history reached back
    that far. A revision whose text the wiki hides (revision deletion, suppression) has text None;
    one MediaWiki tags as a revert ``restores``; only ``since`` itself is ``published``."""
    if not page.exists():
        return [], True
    revisions, reached = [], False
    for revision in page.revisions(content=True, total=HISTORY_LIMIT):
        revisions.append(revision)
        if revision.revid <= since or (not since and not revision.get("parentid")):
            reached = True
            break
    revisions.reverse()
    history = [] if since else [PageRevision(0, "", "")]  # the page's first revision is compared with an empty page
    for revision in revisions:
        user = "" if revision.get("userhidden") else (revision.user or "")
        restores = bool(REVERT_TAGS & set(revision.get("tags") or ()))
        history.append(PageRevision(revision.revid, user, revision.text, restores, published=bool(since) and revision.revid == since))
    return history, reached


def _groups(site, users: set[str], policy: RetryPolicy) -> dict[str, set[str]]:
    if not users:
        return {}
    answer = with_retries(lambda: list(site.users(sorted(users))), policy, "reading user groups")
    return {entry["name"]: set(entry.get("groups", [])) for entry in answer if "missing" not in entry}


EDIT_CONFLICT = "someone edited the page meanwhile"


def publish(site, title: str, part: str, summary: str, base_revision: int, policy: RetryPolicy) -> tuple[int, str]:
    """Rewrite the bot's part of page ``title`` with ``part`` (stamped with ``base_revision``), on
    ``base_revision``: (new revision or 0, why not saved). "unchanged": ``base_revision`` already holds
    exactly the bot's part."""
    import pywikibot

    page = pywikibot.Page(site, title)
    current, current_revision = with_retries(lambda: (page.text, page.latest_revision_id) if page.exists() else ("", 0), policy,
                                             f"reading {title}")  # fmt: skip
    # A page moved away leaves a redirect: the bot's page is published there again, whole (reviewers follow
    # the index to this title, never to the copy the mover keeps).
    moved = is_redirect(current) and BEGIN not in current
    if not moved and not beside_is_plain(current):  # the bot keeps editors' text: it cannot make the page readable, only say so
        return 0, NOT_PLAIN
    if holds_part(current, part):
        return (0, "unchanged") if current_revision == base_revision else (0, EDIT_CONFLICT)  # else: decisions not taken yet
    return save_text(page, current, replace_bot_part("" if moved else current, stamped(part, base_revision)), summary,
                     base_revision, policy)  # fmt: skip


NOT_PLAIN = ("not published: something beside the bot's part is more than plain text (a template, styled markup, a redirect, "
             "a self-closing tag): no decision there can be read until an editor makes it plain again (or moves a moved page back)")


def latest_revisions(site, titles: Sequence[str], policy: RetryPolicy) -> dict[str, int]:
    """Each page's latest revision (0: the page does not exist), 50 pages a request."""
    return {title: revision for title, (_, revision) in _preloaded(site, titles, policy, content=False).items()}


def current_texts(site, titles: Sequence[str], policy: RetryPolicy) -> dict[str, tuple[str, int]]:
    """Each page's text and latest revision ("", 0 when it does not exist), 50 pages a request."""
    return _preloaded(site, titles, policy, content=True)


def _preloaded(site, titles: Sequence[str], policy: RetryPolicy, content: bool) -> dict[str, tuple[str, int]]:
    import pywikibot

    if not titles:
        return {}
    pages = [pywikibot.Page(site, title) for title in titles]
    loaded = with_retries(lambda: list(site.preloadpages(pages, groupsize=50, content=content)), policy, "reading the review pages")
    found = {page.title(): (page.text if content and page.exists() else "", page.latest_revision_id if page.exists() else 0)
             for page in loaded}  # fmt: skip
    return {title: found.get(page.title(), ("", 0)) for title, page in zip(titles, pages, strict=True)}


def save_text(page, current: str, new_text: str, summary: str, base_revision: int, policy: RetryPolicy) -> tuple[int, str]:
    """Save a page the bot keeps (its review page, its template) on ``base_revision``: (new revision
    or 0, why not saved). A concurrent edit is never overwritten: an edit conflict is
    ``EDIT_CONFLICT``, and the caller reads the newer revision before saving again."""
    from pywikibot.exceptions import EditConflictError, PageSaveRelatedError

    if new_text.rstrip() == current.rstrip():
        return 0, "unchanged"
    page.text = new_text
    kwargs = {"baserevid": base_revision, "basetimestamp": None} if base_revision else {}
    try:
        with_retries(
            lambda: page.save(summary=summary, bot=True, minor=False, force=True, apply_cosmetic_changes=False,
                              quiet=True, **kwargs),  # fmt: skip
            policy,
            f"saving {page.title()}",
        )
    except EditConflictError:
        return 0, EDIT_CONFLICT
    except PageSaveRelatedError as error:
        return 0, describe(error)
    return page.latest_revision_id, ""


def publish_template(site, skeleton: str, messages: ReviewMessages, policy: RetryPolicy, live: bool) -> tuple[str, str, int, str]:
    """Create or update ``{{linkbot change}}`` from the shipped skeleton in the review language:
    (current text, new text, new revision or 0, why not saved). A dry run saves nothing."""
    import pywikibot

    page = pywikibot.Page(site, TEMPLATE_TITLE)
    current = with_retries(lambda: page.text if page.exists() else "", policy, f"reading {TEMPLATE_TITLE}")
    new_text = change_template(skeleton, messages)
    if not live:
        return current, new_text, 0, "dry run"
    base = page.latest_revision_id if current else 0
    revision, why = save_text(page, current, new_text, messages.template_summary, base, policy)
    return current, new_text, revision, why


PROTECTION = {"edit": "sysop", "move": "sysop"}  # only administrators may change how statuses show


def protect_template(site, policy: RetryPolicy, live: bool) -> str:
    """The template's protection, one line: whether it is protected, protected now (live, when the
    account may protect pages), or must be. Anyone who can edit it can make "pending" show as
    "approved" to every reviewer, so an unprotected template is said every time."""
    import pywikibot
    from pywikibot.exceptions import Error

    page = pywikibot.Page(site, TEMPLATE_TITLE)
    if not with_retries(page.exists, policy, f"reading {TEMPLATE_TITLE}"):
        return f"{TEMPLATE_TITLE} does not exist yet"
    levels = with_retries(page.protection, policy, f"reading the protection of {TEMPLATE_TITLE}")
    if levels.get("edit", ("",))[0] == "sysop":
        return f"{TEMPLATE_TITLE} is protected (only administrators may edit it)"
    if not live or not site.has_right("protect"):
        return (f"{TEMPLATE_TITLE} is NOT protected: anyone who can edit it can make a pending change show as approved; "
                "an administrator must protect it (edit and move: administrators only)")  # fmt: skip
    try:
        with_retries(lambda: page.protect(reason="linkbot: the review page's status template", protections=PROTECTION),
                     policy, f"protecting {TEMPLATE_TITLE}")  # fmt: skip
    except Error as error:
        return f"{TEMPLATE_TITLE} is NOT protected, and protecting it failed: {describe(error)}"
    return f"{TEMPLATE_TITLE} protected now (edit and move: administrators only)"
