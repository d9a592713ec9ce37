"""The on-wiki review page as text: render pending proposals, read status fields, keep editors' text.

The bot owns only what lies between its two markers; everything else on the page is the
editors'. Each change has a status field ``{{linkbot change|id=12.3|status=pending}}`` that an
editor sets to ``approve`` or ``reject``. Who set it is not read from here: the wiki adapter
compares revisions of the page and asks the API about the user (bot.wiki.reviewpage).
"""

from __future__ import annotations

import html
import re
import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import mwparserfromhell

from bot.core.model import Decision
from bot.core.review_messages import ReviewMessages, review_messages

BEGIN = "<!-- linkbot:begin: the bot rewrites everything down to linkbot:end; edit only the status= fields -->"
END = "<!-- linkbot:end -->"
TEMPLATE = "linkbot change"
TEMPLATE_TITLE = "Template:Linkbot change"
# What an editor may type in a status field (the template shows each in the page's language).
APPROVE_WORDS = ("approve", "approved", "批准")
REJECT_WORDS = ("reject", "rejected", "拒绝", "拒絕")
_STATUS_WORDS = {**dict.fromkeys(APPROVE_WORDS, Decision.APPROVED), **dict.fromkeys(REJECT_WORDS, Decision.REJECTED)}


def bot_part(proposals: Iterable, bot: str, messages: ReviewMessages | None = None, excerpt: int = 120) -> str:
    """The bot's part of the page (markers included) for the given open proposals, in the
    language of ``messages`` (English when None)."""
    messages = messages or review_messages("en")
    lines = [BEGIN, messages.header.format(bot=bot), ""]
    for proposal in proposals:
        pending = [item for item in proposal.changes if item.decision == Decision.PENDING]
        if not pending:
            continue
        heading = messages.heading.format(title=proposal.title, id=proposal.id, revision=proposal.base_revid)
        lines.append(f"== {heading} ==")
        for item in pending:
            change = item.change
            review = f" ''{messages.needs_review}''" if change.needs_review else ""
            review += f" {messages.proven}" if change.proof == "proven" else ""
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


def change_template(skeleton: str, messages: ReviewMessages) -> str:
    """The ``{{linkbot change}}`` template's text: the skeleton shipped with linkbot
    (bot/present/templates/linkbot-change.wikitext) with the labels of ``messages``."""
    return string.Template(skeleton).substitute(
        approve_words="|".join(APPROVE_WORDS), reject_words="|".join(REJECT_WORDS), pending=messages.pending,
        approved=messages.approved, rejected=messages.rejected, doc=messages.template_doc,
    )  # fmt: skip


def replace_bot_part(page_text: str, bot_part: str) -> str:
    """The page with the bot's part replaced; text outside the markers is kept as it is."""
    start, end = page_text.find(BEGIN), page_text.find(END)
    if start < 0 or end < start:
        separator = "\n\n" if page_text.strip() else ""
        return page_text.rstrip() + separator + bot_part + "\n"
    return page_text[:start] + bot_part + page_text[end + len(END) :]


def statuses(page_text: str) -> dict[tuple[int, int], str]:
    """(proposal id, change number) -> its decision, from the bot's part of the page."""
    start, end = page_text.find(BEGIN), page_text.find(END)
    if start < 0 or end < start:
        return {}
    return _fields(page_text[start:end])


def field_values(page_text: str) -> dict[tuple[int, int], Decision]:
    """The status fields a revision shows, for telling who set them: the bot's part's, or with its
    markers broken, every field on the page (a decision typed while a marker was broken is still
    its typist's, not whoever mends the marker)."""
    start, end = page_text.find(BEGIN), page_text.find(END)
    return _fields(page_text[start:end] if 0 <= start < end else page_text)


def _fields(text: str) -> dict[tuple[int, int], Decision]:
    found: dict[tuple[int, int], Decision] = {}
    for template in mwparserfromhell.parse(text).ifilter_templates(recursive=True):
        if template.name.strip().lower() != TEMPLATE or not template.has("id"):
            continue
        match = re.fullmatch(r"\s*(\d+)\.(\d+)\s*", str(template.get("id").value))
        if match is None:
            continue
        status = str(template.get("status").value).strip().lower() if template.has("status") else "pending"
        found[(int(match.group(1)), int(match.group(2)))] = _STATUS_WORDS.get(status, Decision.PENDING)
    return found


@dataclass(frozen=True)
class PageRevision:
    """One revision of the review page, as the history gives it."""

    revid: int
    user: str  # "" when the wiki hides it
    text: str
    restores: bool = False  # an undo, rollback or revert to an earlier text (MediaWiki's tags, or a same sha1)


@dataclass(frozen=True)
class FieldDecision:
    """A status field set to approved or rejected, and whose decision that is."""

    proposal_id: int
    number: int
    decision: Decision  # approved or rejected
    user: str  # who changed the field's value: never one who only restored or re-saved it
    revid: int  # the revision where that user set it
    restored_by: str = ""  # set again by restoring an earlier text (an undo, a revert)


def decisions_from_history(revisions: Sequence[PageRevision], bot_user: str) -> list[FieldDecision]:
    """The decisions the page's history shows, oldest first. ``revisions[0]`` is the base (the bot's
    last publication, or an empty page), the rest follow in order.

    A field's value counts as decided by the author of the revision that changed it from the value
    it last had: a revision in which the field is missing (the page blanked, a marker broken) does
    not reset it, so restoring the text never makes the restorer its author. A revision that
    restores earlier text gives each value it brings back to whoever last set that value.
    """
    last: dict[tuple[int, int], str] = dict(field_values(revisions[0].text)) if revisions else {}
    setters: dict[tuple[tuple[int, int], str], tuple[str, int]] = {}
    decisions: list[FieldDecision] = []
    for revision in revisions[1:]:
        for key, value in field_values(revision.text).items():
            before = last.get(key)
            last[key] = value
            if value == before or revision.user == bot_user:
                continue
            if revision.restores:
                setter = setters.get((key, value))
                if setter is not None and value != Decision.PENDING:
                    decisions.append(FieldDecision(*key, value, *setter, restored_by=revision.user or "(hidden)"))
                continue
            setters[(key, value)] = (revision.user, revision.revid)
            if value != Decision.PENDING:
                decisions.append(FieldDecision(*key, value, revision.user, revision.revid))
    return decisions
