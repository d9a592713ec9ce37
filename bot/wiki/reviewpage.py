"""The on-wiki review page, on the wiki: whose decisions count, and publishing the list.

A decision is taken from the page's revision history, never from its text: each revision since
the bot last published the page is compared with the one before it, and every status field it
set to approve/reject is attributed to that revision's author. The author's groups come from the
API. Decisions by users outside the allowed groups and names are ignored and reported.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.reviewpage import changed_statuses, render, replace_bot_part
from bot.settings import RetryPolicy
from bot.wiki.retry import describe, with_retries

HISTORY_LIMIT = 500  # revisions read back at most, newest first


@dataclass(frozen=True)
class WikiDecision:
    proposal_id: int
    number: int
    decision: str  # approved | rejected
    user: str
    revision: int
    accepted: bool
    why: str = ""


def read_decisions(site, title: str, since: int, allowed_groups: frozenset[str], allowed_users: frozenset[str],
                   bot_user: str, policy: RetryPolicy) -> tuple[list[WikiDecision], int]:  # fmt: skip
    """Decisions made on the page after revision ``since``, oldest first; and the page's latest revision."""
    import pywikibot

    page = pywikibot.Page(site, title)
    history = with_retries(lambda: _history(page, since), policy, f"reading the history of {title}")
    if not history:
        return [], 0
    decisions = []
    for older, newer in zip(history, history[1:]):
        if newer.user == bot_user:
            continue
        for (proposal_id, number), decision in changed_statuses(older.text or "", newer.text or "").items():
            decisions.append(WikiDecision(proposal_id, number, decision, newer.user, newer.revid, False))
    groups = _groups(site, {d.user for d in decisions}, policy)
    checked = []
    for decision in decisions:
        allowed = decision.user in allowed_users or bool(groups.get(decision.user, set()) & allowed_groups)
        why = "" if allowed else f"{decision.user} is not allowed to decide (groups: {', '.join(sorted(groups.get(decision.user, ()))) or 'none'})"
        checked.append(WikiDecision(**{**decision.__dict__, "accepted": allowed, "why": why}))
    return checked, history[-1].revid


def _history(page, since: int):
    """Revisions from ``since`` (included, as the base to compare with) to the latest, oldest first."""
    if not page.exists():
        return []
    revisions = []
    for revision in page.revisions(content=True, total=HISTORY_LIMIT):
        revisions.append(revision)
        if revision.revid <= since:
            break
    if since == 0 and revisions:
        revisions.append(_Empty())  # the page's first revision is compared with an empty page
    return list(reversed(revisions))


class _Empty:
    revid, user, text = 0, "", ""


def _groups(site, users: set[str], policy: RetryPolicy) -> dict[str, set[str]]:
    if not users:
        return {}
    answer = with_retries(lambda: list(site.users(sorted(users))), policy, "reading user groups")
    return {entry["name"]: set(entry.get("groups", [])) for entry in answer if "missing" not in entry}


def publish(site, title: str, proposals, bot_user: str, base_revision: int, policy: RetryPolicy) -> tuple[int, str]:
    """Rewrite the bot's part of the page; (new revision or 0, why not saved)."""
    import pywikibot
    from pywikibot.exceptions import EditConflictError, PageSaveRelatedError

    page = pywikibot.Page(site, title)
    current = page.text if page.exists() else ""
    new_text = replace_bot_part(current, render(proposals, bot_user))
    if new_text.rstrip() == current.rstrip():
        return 0, "unchanged"
    page.text = new_text
    count = sum(1 for proposal in proposals if any(item.decision == "pending" for item in proposal.changes))
    kwargs = {"baserevid": base_revision, "basetimestamp": None} if base_revision else {}
    try:
        with_retries(
            lambda: page.save(summary=f"linkbot: review list, {count} proposal(s)", bot=True, minor=False,
                              force=True, apply_cosmetic_changes=False, quiet=True, **kwargs),  # fmt: skip
            policy,
            f"publishing {title}",
        )
    except EditConflictError:
        return 0, "someone edited the review page during the run; it is published again next run"
    except PageSaveRelatedError as error:
        return 0, describe(error)
    return page.latest_revision_id, ""
