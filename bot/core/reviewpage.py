"""The on-wiki review page as text: render pending proposals, read status fields, keep editors' text.

The bot owns only what lies between its two markers; everything else on the page is the
editors'. Each change has a status field ``{{linkbot change|id=12.3|status=pending}}`` that an
editor sets to ``approve`` or ``reject``. Who set it is not read from here: the wiki adapter
compares revisions of the page and asks the API about the user (bot.wiki.reviewpage).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

import mwparserfromhell

BEGIN = "<!-- linkbot:begin: the bot rewrites everything down to linkbot:end; edit only the status= fields -->"
END = "<!-- linkbot:end -->"
TEMPLATE = "linkbot change"
HEADER = (
    "This page lists the link changes [[User:{bot}|{bot}]] proposes. To decide on a change, set its "
    "<code>status=</code> to <code>approve</code> or <code>reject</code> and save. The bot takes a decision "
    "only from users allowed by its operator, verified from this page's history; it applies approved "
    "changes on its next run and then removes them from the list."
)
_STATUS_WORDS = {"approve": "approved", "approved": "approved", "reject": "rejected", "rejected": "rejected"}


def render(proposals: Iterable, bot: str, excerpt: int = 120) -> str:
    """The bot's part of the page (markers included) for the given open proposals."""
    lines = [BEGIN, HEADER.format(bot=bot), ""]
    for proposal in proposals:
        pending = [item for item in proposal.changes if item.decision == "pending"]
        if not pending:
            continue
        lines.append(f"== [[{proposal.title}]] (proposal {proposal.id}, revision {proposal.base_revid}) ==")
        for item in pending:
            change = item.change
            review = " ''needs review''" if change.needs_review else ""
            lines.append(
                f"* {{{{{TEMPLATE}|id={proposal.id}.{item.number}|status=pending}}}} "
                f"<code>{_literal(change.old, excerpt)}</code> → <code>{_literal(change.new, excerpt)}</code> "
                f"({change.rule}){review}"
            )
        lines.append("")
    lines.append(END)
    return "\n".join(lines)


def _literal(text: str, limit: int) -> str:
    shown = text if len(text) <= limit else text[: limit - 1] + "…"
    # nowiki keeps wikitext from rendering; the entity keeps a literal "</nowiki>" from closing it.
    return "<nowiki>" + html.escape(shown, quote=False).replace("\n", "↵") + "</nowiki>"


def replace_bot_part(page_text: str, bot_part: str) -> str:
    """The page with the bot's part replaced; text outside the markers is kept as it is."""
    start, end = page_text.find(BEGIN), page_text.find(END)
    if start < 0 or end < start:
        separator = "\n\n" if page_text.strip() else ""
        return page_text.rstrip() + separator + bot_part + "\n"
    return page_text[:start] + bot_part + page_text[end + len(END) :]


def statuses(page_text: str) -> dict[tuple[int, int], str]:
    """(proposal id, change number) -> "approved"/"rejected"/"pending", from the bot's part of the page."""
    start, end = page_text.find(BEGIN), page_text.find(END)
    if start < 0 or end < start:
        return {}
    found: dict[tuple[int, int], str] = {}
    for template in mwparserfromhell.parse(page_text[start:end]).ifilter_templates(recursive=True):
        if template.name.strip().lower() != TEMPLATE or not template.has("id"):
            continue
        match = re.fullmatch(r"\s*(\d+)\.(\d+)\s*", str(template.get("id").value))
        if match is None:
            continue
        status = str(template.get("status").value).strip().lower() if template.has("status") else "pending"
        found[(int(match.group(1)), int(match.group(2)))] = _STATUS_WORDS.get(status, "pending")
    return found


def changed_statuses(before: str, after: str) -> dict[tuple[int, int], str]:
    """The status fields an edit set to approved or rejected (what one revision decided)."""
    old, new = statuses(before), statuses(after)
    return {key: value for key, value in new.items() if value != "pending" and old.get(key) != value}
