"""The on-wiki review page as text: render pending proposals, keep editors' text.

The bot owns only what lies between its two markers; everything else on the page is the
editors'. Each change has a status field ``{{linkbot change|id=12.3|status=pending}}`` that an
editor sets to ``approve`` or ``reject``. What the fields say and who set them is read from the
page's history (bot.core.attribution); whether they may decide, from the API (bot.wiki.reviewpage).
"""

from __future__ import annotations

import html
import string
from collections.abc import Iterable


from bot.core.model import Decision
from bot.core.review_messages import ReviewMessages, review_messages

BEGIN = "<!-- linkbot:begin: the bot rewrites everything down to linkbot:end; edit only the status= fields -->"
END = "<!-- linkbot:end -->"
TEMPLATE = "linkbot change"
TEMPLATE_TITLE = "Template:Linkbot change"
# What an editor may type in a status field (the template shows each in the page's language).
APPROVE_WORDS = ("approve", "approved", "批准")
REJECT_WORDS = ("reject", "rejected", "拒绝", "拒絕")


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
                f"<code>{literal(change.old, excerpt)}</code> → <code>{literal(change.new, excerpt)}</code> "
                f"({change.rule}){review}"
            )
        lines.append("")
    lines.append(END)
    return "\n".join(lines)


def literal(text: str, limit: int = 0) -> str:
    """``text`` shown as it is in wikitext: nothing in it transcludes, links, categorises, signs or
    switches (inside ``<nowiki>``, with ``<``, ``>`` and ``&`` as references, so that a ``</nowiki>``
    in it cannot end the ``<nowiki>``, and ``{`` too, so that no status field can be spelt in it); cut
    to ``limit`` characters (0: whole); line breaks shown as ↵."""
    shown = text if not limit or len(text) <= limit else text[: limit - 1] + "…"
    return "<nowiki>" + html.escape(shown, quote=False).replace("{", "&#123;").replace("\n", "↵") + "</nowiki>"


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
