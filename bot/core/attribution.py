"""Who set each status field of an on-wiki review page, from the page's history since the bot's
last publication. The same rules for every field, whatever it decides (one change, a class of a
proposal's changes, the whole proposal: bot.core.reviewpage.FieldId): a field is its id as written.

The bot's part of the page (between its markers) is the bot's: editors change only the status words
in it. So a revision is read only when its bot's part is exactly the published one but for the
status words (the *skeleton*: the published text with each status word left out), each status is a
plain word MediaWiki's template shows as such (approve, reject, pending..., in any case, with spaces
around it), and what stands beside the part is inert (plain text, links, headings, lists, comments,
simple formatting: nothing that could wrap, hide, overlay or restyle the part). Anything else (a
field written otherwise, in nowiki or a comment, a second field, ids or descriptions moved, markup or
a signature in a status, a marker moved or broken, a template or a styled tag beside the part) makes
the revision *unreadable*, and the bot reads no decision from it: it cannot be sure what readers saw
or who meant what.

A status word belongs to the author of the readable revision that changed it from the previous
readable revision. A change across unreadable revisions (say, the page blanked and restored, a
field wrapped in nowiki by one user and unwrapped by another) is nobody's: the value is known, who
chose it is not (a value that merely comes back as it was is no change). A value brought back by a
revert (an undo, a rollback, a revision repeating an earlier text) is the reverter's only if it is
their own latest choice for that field, or pending (a withdrawal); otherwise nobody's. After a
revision whose text the wiki hides, no change is anybody's. Only the bot's publications the caller
vouches for (``PageRevision.published``: saved by the bot with no one's edit merged in) start
afresh; before the first of them nothing is read. Whether an author may decide is the wiki
adapter's question (bot.wiki.reviewpage): the groups come from the API.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import mwparserfromhell
from mwparserfromhell.nodes import Argument, Tag, Template, Text

from bot.core.model import Decision
from bot.core.reviewpage import APPROVE_WORDS, BEGIN, END, FIELD_ID, REJECT_WORDS, TEMPLATE, FieldId

PENDING_WORDS = ("pending", "待审核", "待審核", "")
_WORDS = {**dict.fromkeys(APPROVE_WORDS, Decision.APPROVED), **dict.fromkeys(REJECT_WORDS, Decision.REJECTED),
          **dict.fromkeys(PENDING_WORDS, Decision.PENDING)}  # fmt: skip
# A field exactly as the bot writes it; its status a run of characters no markup is made of.
_FIELD = re.compile(r"\{\{" + TEMPLATE + r"\|id=(" + FIELD_ID + r")\|status=([^{}|\[\]<>&~'=\n]*)\}\}")
_TRIM = " \t\n\r\0\x0b"  # what MediaWiki's template trims from a value (PHP's trim: not a no-break space)

Key = str  # a field's id as written: "12.3", "12/md-mirror/title/proven", "12"


@dataclass(frozen=True)
class PageRevision:
    """One revision of the review page, as the history gives it."""

    revid: int
    user: str  # "" when the wiki hides it
    text: str | None  # None when the wiki hides the revision's text
    restores: bool = False  # tagged as a revert by MediaWiki (undo, rollback, manual revert); repeating an earlier text counts too
    published: bool = False  # the bot's own publication, saved with nobody's edit merged in


@dataclass(frozen=True)
class FieldDecision:
    """A status field set to another value, and whose it is."""

    field: Key
    decision: str  # Decision.APPROVED, REJECTED, or PENDING (a decision withdrawn)
    user: str  # who set it ("" when that cannot be established: see why)
    revid: int  # the revision where it was set
    restored_by: str = ""  # brought back by a revert of this user
    why: str = ""  # not "": the decision cannot be taken, and why
    shown: frozenset[Key] = field(default=frozenset(), compare=False)  # every field the page showed where it was set


@dataclass(frozen=True)
class BotPart:
    """The bot's part of a revision, read: its skeleton and each field's status."""

    skeleton: str
    values: dict[Key, str]


def read_bot_part(page_text: str) -> BotPart | None:
    """The bot's part as its skeleton and statuses; None when it cannot be read (markers missing or
    repeated, a field twice, a status that is not a plain word, a field or template written otherwise
    than the bot writes them, something beside the part that is not inert)."""
    if page_text.count(BEGIN) != 1 or page_text.count(END) != 1:
        return None
    start, end = page_text.index(BEGIN), page_text.index(END)
    if end < start or not (_inert(page_text[:start]) and _inert(page_text[end + len(END) :])):
        return None
    region = page_text[start:end]
    values: dict[Key, str] = {}
    for match in _FIELD.finditer(region):
        key, word = match.group(1), match.group(2).strip(_TRIM).lower()
        if key in values or word not in _WORDS or FieldId.parse(key) is None:
            return None
        values[key] = _WORDS[word]
    if "{{" in _FIELD.sub("", region):  # a field written otherwise, or a template the bot never writes
        return None
    return BotPart(_FIELD.sub(lambda match: f"{{{{{TEMPLATE}|id={match.group(1)}|status=}}}}", region), values)


def is_redirect(page_text: str) -> bool:
    """Whether MediaWiki reads the page as a redirect (one left behind by a move, say)."""
    return bool(_REDIRECT.match(page_text))


def beside_is_plain(page_text: str) -> bool:
    """Whether what editors wrote beside the bot's part can only show itself (``_inert``); a page
    without the part is plain when it is not a redirect (the bot's part goes after what it holds)."""
    start, end = page_text.find(BEGIN), page_text.find(END)
    if start < 0 or end < start:
        return not _REDIRECT.search(page_text)
    return _inert(page_text[:start]) and _inert(page_text[end + len(END) :])


# Tags that only format text in place (no attributes allowed on any tag: no style, class or id).
_PLAIN_TAGS = frozenset({"b", "i", "u", "s", "em", "strong", "code", "small", "sup", "sub", "del", "ins", "br", "p", "span"})
_NOT_INERT = ("{{", "{|", "<", "-{")  # what is left as text only when unclosed: it would open over the part
# A redirect, in any case, in English or in Chinese (MediaWiki's magic word on a zh wiki), at the start of a line.
_REDIRECT = re.compile(r"^\s*#\s*(?:redirect|重定向)", re.I | re.M)


def _inert(text: str) -> bool:
    """Whether wikitext beside the bot's part can only show itself: no template, parser function,
    variant rule, attribute or tag beyond simple formatting, nothing left open, no redirect (the page
    would lead readers elsewhere), no formatting tag written self-closing (MediaWiki leaves ``<s/>``
    open: it would strike through the whole part)."""
    if _REDIRECT.search(text):
        return False
    for node in mwparserfromhell.parse(text).filter(recursive=True):
        if isinstance(node, (Template, Argument)):
            return False
        if isinstance(node, Tag) and (node.attributes or not (node.wiki_markup or str(node.tag).lower() in _PLAIN_TAGS)):
            return False
        if isinstance(node, Tag) and node.self_closing and not node.wiki_markup and str(node.tag).lower() != "br":
            return False
        if isinstance(node, Text) and any(opening in node.value for opening in _NOT_INERT):
            return False
    return True


def statuses(page_text: str) -> dict[Key, str]:
    """Each field's status in the bot's part (none when it cannot be read)."""
    part = read_bot_part(page_text)
    return dict(part.values) if part else {}


HIDDEN = "a revision since the bot's last publication has its text hidden: who set the field cannot be established until the bot publishes again"
STRETCH = ("the bot's part was changed beyond its status words in between (revisions {revisions}): who set the field cannot be "
           "established until the bot publishes again")  # fmt: skip
REVERTED = ("brought back by a revert to an earlier text of the page, and not the reverter's own latest choice: who chose it "
            "cannot be established")  # fmt: skip


@dataclass
class _Reading:
    """Where the history stands: the skeleton readable revisions must have, the last readable
    statuses, each user's latest choice per field, and what happened since the last readable revision."""

    skeleton: str | None
    values: dict[Key, str]
    choices: dict[tuple[Key, str], str] = field(default_factory=dict)  # (field, user): their latest choice
    hidden: bool = False
    unread: list[int] = field(default_factory=list)  # unreadable revisions since the last readable one


def decisions_from_history(revisions: Sequence[PageRevision], bot_user: str) -> list[FieldDecision]:
    """The decisions the page's history shows, oldest first. ``revisions[0]`` is the base (the bot's
    last publication, or an empty page), the rest follow in order."""
    if not revisions:
        return []
    base = read_bot_part(revisions[0].text or "") if revisions[0].published else None
    reading = _Reading(base.skeleton if base else None, dict(base.values) if base else {}, hidden=revisions[0].text is None)
    earlier = {revisions[0].text}  # a revision repeating one of these texts is a revert, tagged or not
    decisions: list[FieldDecision] = []
    for revision in revisions[1:]:
        part = read_bot_part(revision.text) if revision.text is not None else None
        if revision.published and part is not None:  # the bot's own publication: a fresh start
            reading = _Reading(part.skeleton, dict(part.values))
        elif revision.text is None:
            reading.hidden = True
        elif revision.user == bot_user or part is None or part.skeleton != reading.skeleton:
            reading.unread.append(revision.revid)  # a bot's save it does not vouch for (a merge) included
        else:
            decisions += _read(reading, part, revision, revision.restores or revision.text in earlier)
        earlier.add(revision.text)
    return decisions


def _read(reading: _Reading, part: BotPart, revision: PageRevision, restores: bool) -> list[FieldDecision]:
    """The decisions of a readable revision: each status it changed since the last readable one."""
    decisions = []
    for key, value in part.values.items():
        if value == reading.values.get(key):
            continue
        why = ""
        if reading.hidden:
            why = HIDDEN
        elif reading.unread:
            why = STRETCH.format(revisions=", ".join(map(str, reading.unread)))
        elif restores and value != Decision.PENDING and reading.choices.get((key, revision.user)) != value:
            why = REVERTED
        reading.values[key] = value
        if not why:
            reading.choices[(key, revision.user)] = value
        decisions.append(FieldDecision(key, value, "" if why else revision.user, revision.revid,
                                       revision.user if restores and not why else "", why, frozenset(part.values)))  # fmt: skip
    reading.unread = []
    return decisions


@dataclass(frozen=True)
class WikiDecision:
    """A decision read from the review pages, and whether its author may decide (the wiki adapter asks
    the API for the groups): what a run takes into the queue, or reports."""

    field: str  # the field's id as written (bot.core.reviewpage.FieldId)
    decision: Decision  # approved, rejected, or pending (a decision withdrawn)
    user: str
    revision: int
    accepted: bool
    why: str = ""
    shown: frozenset[str] = frozenset()  # every field the page showed where it was set (the changes a class decision may take)

    @property
    def target(self) -> FieldId:
        """What the field decides (a field the bot reads always has an id it writes)."""
        parsed = FieldId.parse(self.field)
        assert parsed is not None, self.field
        return parsed
