"""The on-wiki review pages as text: markers, status fields, literal text, editors' text kept.

The bot owns only what lies between its two markers on each page; everything else is the editors'.
Its decisions are status fields of one template, ``{{linkbot change|id=...|status=pending}}``, that an
editor sets to ``approve`` or ``reject``; the id's form says what the field decides (``FieldId``):
``12.3`` one change, ``12/md-mirror/title/proven`` one class of proposal 12's changes, ``12`` the
whole proposal. One template for all three: one page to protect, one way to write a status. What
the fields say and who set them is read from the page's history (bot.core.attribution); whether
they may decide, from the API (bot.wiki.reviewpage). The pages' texts are bot.core.review_subpages.
"""

from __future__ import annotations

import enum
import html
import re
import string
from dataclasses import dataclass

from bot.core.classes import ChangeClass
from bot.core.review_messages import ReviewMessages

BEGIN = "<!-- linkbot:begin: the bot rewrites everything down to linkbot:end; edit only the status= fields -->"
END = "<!-- linkbot:end -->"
TEMPLATE = "linkbot change"
TEMPLATE_TITLE = "Template:Linkbot change"
# What an editor may type in a status field (the template shows each in the page's language).
APPROVE_WORDS = ("approve", "approved", "批准")
REJECT_WORDS = ("reject", "rejected", "拒绝", "拒絕")
# A field's id as the bot writes it: a change (12.3), a class (12/rule/outcome/proof), a proposal (12).
FIELD_ID = r"\d{1,18}(?:\.\d{1,9}|(?:/[a-z][a-z-]{0,23}){3})?"


class FieldKind(enum.StrEnum):
    CHANGE = "change"
    CLASS = "class"
    PROPOSAL = "proposal"


@dataclass(frozen=True)
class FieldId:
    """What a status field decides: one change, one class of a proposal's changes, or the proposal."""

    kind: FieldKind
    proposal_id: int
    number: int = 0  # a change's number
    class_id: str = ""  # a class's id (bot.core.classes.ChangeClass.id)

    def __str__(self) -> str:
        if self.kind == FieldKind.CHANGE:
            return f"{self.proposal_id}.{self.number}"
        return f"{self.proposal_id}/{self.class_id}" if self.kind == FieldKind.CLASS else str(self.proposal_id)

    @classmethod
    def parse(cls, text: str) -> FieldId | None:
        """The field of an id as the bot writes it (None for anything else, a class of changes
        that need review included: those are decided one by one)."""
        if not re.fullmatch(FIELD_ID, text):
            return None
        if "/" in text:
            proposal, _, class_id = text.partition("/")
            parsed = ChangeClass.parse(class_id)
            if parsed is None or parsed.needs_review:
                return None
            return cls(FieldKind.CLASS, int(proposal), class_id=parsed.id)
        if "." in text:
            proposal, _, number = text.partition(".")
            return cls(FieldKind.CHANGE, int(proposal), int(number))
        return cls(FieldKind.PROPOSAL, int(text))


def status_field(field: FieldId) -> str:
    """A pending status field, as the bot writes it."""
    return f"{{{{{TEMPLATE}|id={field}|status=pending}}}}"


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


_STAMP = re.compile(r"\n<!-- linkbot:published on revision \d{1,18} -->(?=\n" + re.escape(END) + ")")


def stamped(bot_part: str, base_revision: int) -> str:
    """The bot's part as published on ``base_revision``: that number in a comment before the end marker.
    No two publications of a page are the same text (a save resent after a lost answer is: the same
    base), so an editor's status word set on one is never taken by MediaWiki for a revert to an
    earlier revision where someone else set it."""
    return bot_part.removesuffix(END) + f"<!-- linkbot:published on revision {base_revision} -->\n{END}"


def holds_part(page_text: str, bot_part: str) -> bool:
    """Whether the page already holds ``bot_part`` (as published on any revision)."""
    return _STAMP.sub("", replace_bot_part(page_text, bot_part)).rstrip() == _STAMP.sub("", page_text).rstrip()


def replace_bot_part(page_text: str, bot_part: str) -> str:
    """The page with the bot's part replaced; text outside the markers is kept as it is."""
    start, end = page_text.find(BEGIN), page_text.find(END)
    if start < 0 or end < start:
        separator = "\n\n" if page_text.strip() else ""
        return page_text.rstrip() + separator + bot_part + "\n"
    return page_text[:start] + bot_part + page_text[end + len(END) :]
