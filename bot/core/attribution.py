"""Who set each status field of the on-wiki review page, from the page's raw history.

A field is ``{{linkbot change|id=12.3|status=...}}``. Two readings of each revision:

- **What readers see** (``shown_fields``): the fields MediaWiki renders in the bot's part (or, with
  a marker broken, on the whole page), their values read as MediaWiki shows them: comments left
  out, character references decoded; a value holding a template, a parser function or other
  markup is *unreadable* (refused loudly, never guessed).
- **What the raw text holds** (``raw_fields``): every occurrence of a field in the same region,
  wherever it sits: inside ``<nowiki>``, a comment, ``<pre>`` or doubled braces too, each value
  normalised the same way (so a tidy-up that only changes how a value is written is no change).

A field's value belongs to the author of the revision whose *raw* text changed it, never to one
that only made an existing value visible (unwrapping a ``<nowiki>``, a comment, extra braces): a
laundered approval stays its writer's. A field that reappears (after a blanking, a broken marker)
with the value it had keeps its setter; one that reappears with another value, appears more than
once, or whose history passes through a revision whose text the wiki hides, is *unattributable*
until the bot publishes the page again. Whether an author may decide is the wiki adapter's
question (bot.wiki.reviewpage): the groups come from the API.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

import mwparserfromhell

from bot.core.model import Decision
from bot.core.reviewpage import APPROVE_WORDS, BEGIN, END, REJECT_WORDS

PENDING_WORDS = ("pending", "待审核", "待審核", "")
_WORDS = {**dict.fromkeys(APPROVE_WORDS, Decision.APPROVED), **dict.fromkeys(REJECT_WORDS, Decision.REJECTED),
          **dict.fromkeys(PENDING_WORDS, Decision.PENDING)}  # fmt: skip
UNREADABLE = "unreadable"  # a shown value that is not plain text: a template, a parser function, markup

Key = tuple[int, int]  # (proposal id, change number)


@dataclass(frozen=True)
class PageRevision:
    """One revision of the review page, as the history gives it."""

    revid: int
    user: str  # "" when the wiki hides it
    text: str | None  # None when the wiki hides the revision's text


@dataclass(frozen=True)
class FieldDecision:
    """A status field set to approved or rejected (or to something unreadable), and whose it is."""

    proposal_id: int
    number: int
    decision: str  # Decision.APPROVED, Decision.REJECTED, or UNREADABLE
    user: str  # who changed the field's raw value ("" when that cannot be established: see why)
    revid: int  # the revision where it was set
    restored_by: str = ""  # brought back unchanged by this user (after a blanking or a broken marker)
    why: str = ""  # not "": the decision cannot be taken, and why


def shown_fields(page_text: str) -> dict[Key, str]:
    """Each field as readers see it: a ``Decision`` value, or ``UNREADABLE``. Fields are found as
    MediaWiki finds them: the template's name resolved as a title, parameters by exact name (the
    last of a name wins), nothing inside ``<includeonly>`` (not shown on the page itself)."""
    found: dict[Key, str] = {}
    code = mwparserfromhell.parse(_region(page_text))
    for template in code.ifilter_templates(recursive=True):
        if not _is_field(template.name) or any(_is_tag(node, "includeonly") for node in code.get_ancestors(template)):
            continue
        params = _params_of(template)
        key = _key(_shown(params["id"])) if "id" in params else None
        if key is not None:
            found[key] = _decision(_shown(params["status"])) if "status" in params else Decision.PENDING
    return found


def statuses(page_text: str) -> dict[Key, str]:
    """The fields of the bot's part as readers see them (none when its markers are broken)."""
    start, end = page_text.find(BEGIN), page_text.find(END)
    return shown_fields(page_text) if 0 <= start < end else {}


UNUSUAL = "\x00unusual"  # a raw value standing for markup linkbot cannot follow (see raw_fields)


def raw_fields(page_text: str) -> dict[Key, tuple[str, ...]]:
    """Every occurrence of each field in the raw text, wherever it sits (inside nowiki, a comment,
    pre, includeonly or doubled braces too), its value normalised. A field that a looser search of the
    text finds more often than this reading (an odd way of writing its name or parameters) gets an
    ``UNUSUAL`` value: nobody can be said to have set it."""
    region = _region(page_text)
    found: dict[Key, list[str]] = {}
    for template in _all_fields(region):
        params = _params_of(template)
        key = _key(_normalised(str(params.get("id", ""))))
        if key is not None:
            found.setdefault(key, []).append(_normalised(str(params["status"])) if "status" in params else "pending")
    for key, count in _loose_counts(region).items():
        if count != len(found.get(key, ())):
            found.setdefault(key, []).append(UNUSUAL)
    return {key: tuple(values) for key, values in found.items()}


def _all_fields(text: str, depth: int = 0):
    """The field templates of ``text``, and those in what MediaWiki does not read as markup there
    (comments, nowiki, pre, includeonly, a doubled brace): each wrapper's contents read again."""
    code = mwparserfromhell.parse(text)
    for node in code.ifilter(recursive=True):
        if isinstance(node, mwparserfromhell.nodes.Template) and _is_field(node.name):
            yield node
        elif depth < 4 and isinstance(node, mwparserfromhell.nodes.Comment):
            yield from _all_fields(str(node.contents), depth + 1)
        elif depth < 4 and isinstance(node, mwparserfromhell.nodes.Tag) and node.contents is not None:
            unread = not any(isinstance(inner, mwparserfromhell.nodes.Template) for inner in node.contents.ifilter(recursive=True))
            if unread and str(node.tag).strip().lower() in _WRAPPERS:  # (contents the parser kept as text: read them)
                yield from _all_fields(str(node.contents), depth + 1)
        elif depth < 4 and isinstance(node, mwparserfromhell.nodes.Argument):  # {{{{field}}}} parsed as {{{...}}}
            yield from _all_fields("{{" + str(node)[3:-3] + "}}", depth + 1)


_WRAPPERS = frozenset({"nowiki", "pre", "includeonly", "noinclude", "onlyinclude", "source", "syntaxhighlight", "code"})


def _loose_counts(text: str) -> dict[Key, int]:
    """How many times each field appears to a loose search: tags and comment delimiters dropped,
    character references decoded, names and parameter names in any case."""
    flat = html.unescape(re.sub(r"<!--|-->|</?[A-Za-z][^<>]*>", "", text))
    counts: dict[Key, int] = {}
    for opening in _OPENING.finditer(flat):
        for name, value in _split_params(_balanced(flat, opening.end())):
            if name.strip().lower() == "id" and (key := _key(_normalised(value))) is not None:
                counts[key] = counts.get(key, 0) + 1
    return counts


def _params_of(template) -> dict[str, object]:
    """A template's parameters as MediaWiki names them: comments dropped, space trimmed, case kept,
    no character references decoded; the last of a name wins."""
    params = {}
    for param in template.params:
        name = "".join(str(node) for node in param.name.nodes if not isinstance(node, mwparserfromhell.nodes.Comment)).strip()
        params[name] = param.value
    return params


def _region(page_text: str) -> str:
    """The bot's part, or with a marker broken the whole page (a value typed while a marker was
    broken stays its typist's, not whoever mends the marker)."""
    start, end = page_text.find(BEGIN), page_text.find(END)
    return page_text[start:end] if 0 <= start < end else page_text


def _is_field(name) -> bool:
    """Whether a template's name is {{linkbot change}} as MediaWiki resolves a title: comments
    dropped, references decoded, spaces and underscores alike, any namespace prefix, the first
    letter in either case."""
    text = "".join(str(node) for node in name.nodes if not isinstance(node, mwparserfromhell.nodes.Comment))
    bare = re.sub(r"[\s_]+", " ", html.unescape(text)).strip().rpartition(":")[2].strip()
    return bare[:1].lower() + bare[1:] == "linkbot change"


def _is_tag(node, name: str) -> bool:
    return isinstance(node, mwparserfromhell.nodes.Tag) and str(node.tag).strip().lower() == name


def _shown(value) -> str | None:
    """A parameter's value as MediaWiki shows it: text and character references; comments dropped;
    None for anything else (a template, a parser function, a tag, a link)."""
    parts = []
    for node in value.nodes:
        if isinstance(node, mwparserfromhell.nodes.Text):
            parts.append(str(node))
        elif isinstance(node, mwparserfromhell.nodes.HTMLEntity):
            parts.append(node.normalize())
        elif not isinstance(node, mwparserfromhell.nodes.Comment):
            return None
    return "".join(parts)


def _decision(shown: str | None) -> str:
    if shown is None:
        return UNREADABLE
    return _WORDS.get(shown.strip().lower(), UNREADABLE if shown.strip() else Decision.PENDING)


def _key(text: str | None) -> Key | None:
    match = re.fullmatch(r"\s*(\d{1,18})\.(\d{1,9})\s*", text or "")
    return (int(match.group(1)), int(match.group(2))) if match else None


# A field's opening to the loose search: "{{", any prefix, then the template's name in any case.
_OPENING = re.compile(r"\{\{\s*(?:[^{}|:]*:\s*)?linkbot[\s_]+change\s*(?=[|}])", re.I)


def _balanced(text: str, start: int) -> str:
    """The text from ``start`` to the ``}}`` that closes the field (nested braces counted)."""
    depth, position = 1, start
    while depth and position < len(text):
        if text.startswith("{{", position):
            depth, position = depth + 1, position + 2
        elif text.startswith("}}", position):
            depth, position = depth - 1, position + 2
        else:
            position += 1
    return text[start : position - 2 if depth == 0 else position]


def _split_params(body: str) -> list[tuple[str, str]]:
    """``|name=value`` parameters at the field's own level (not inside nested braces or links)."""
    params, depth, current = [], 0, []
    for piece in re.split(r"(\{\{|\}\}|\[\[|\]\]|\|)", body) + ["|"]:
        depth += {"{{": 1, "}}": -1, "[[": 1, "]]": -1}.get(piece, 0)
        if piece == "|" and depth <= 0:
            name, _, value = "".join(current).partition("=")
            params.append((name, value))
            current = []
        else:
            current.append(piece)
    return params


def _normalised(raw: str) -> str:
    """A raw value as a person would read it, whatever wraps it: comments (even unclosed), nowiki
    and pre tags dropped, character references decoded, space and case folded."""
    text = re.sub(r"<!--.*?(?:-->|$)", "", raw, flags=re.S)
    text = re.sub(r"</?\s*(?:nowiki|pre)\b[^>]*>", "", text, flags=re.I)
    return re.sub(r"\s+", " ", html.unescape(text)).strip().lower()


@dataclass
class _Field:
    raw: tuple[str, ...] | None  # the last raw value seen (None: never)
    present: bool  # in the previous readable revision
    setter: tuple[str, int] | None  # (user, revision) of the raw value; None: the bot's, or no one's yet
    restored_by: str = ""
    unknown: str = ""  # not "": its setter cannot be established, and why
    unknown_since: int = 0  # the revision that made it so
    shown: str = Decision.PENDING  # the value readers saw in the previous readable revision
    emitted: tuple | None = None  # the last decision reported for it


def decisions_from_history(revisions: Sequence[PageRevision], bot_user: str) -> list[FieldDecision]:
    """The decisions the page's history shows, oldest first. ``revisions[0]`` is the base (the
    revision whose decisions were last taken, or an empty page), the rest follow in order."""
    base = revisions[0].text or "" if revisions else ""
    fields = {key: _Field(raw, True, None) for key, raw in raw_fields(base).items()}
    for key, shown in shown_fields(base).items():
        fields.setdefault(key, _Field(None, False, None)).shown = shown
    hidden = revisions[0].text is None if revisions else False  # a hidden base: nothing after it is anyone's either
    decisions: list[FieldDecision] = []
    for revision in revisions[1:]:
        if revision.text is None:  # what this revision did is unknown: nothing after it is anyone's...
            hidden = True
            continue
        if revision.user == bot_user:  # ...until the bot publishes the page again
            hidden = False
        raw, shown = raw_fields(revision.text), shown_fields(revision.text)
        for key in fields.keys() | raw.keys():
            field = fields.setdefault(key, _Field(None, False, None))
            _follow(field, raw.get(key), revision, bot_user, hidden)
            decision = _reported(key, field, shown.get(key), revision)
            if decision is not None:
                decisions.append(decision)
    return decisions


def _follow(field: _Field, raw: tuple[str, ...] | None, revision: PageRevision, bot_user: str, hidden: bool) -> None:
    """Who the field's raw value is now from, after ``revision``."""
    before = field.unknown
    _set_by(field, raw, revision, bot_user, hidden)
    if field.unknown and field.unknown != before:
        field.unknown_since = revision.revid


def _set_by(field: _Field, raw: tuple[str, ...] | None, revision: PageRevision, bot_user: str, hidden: bool) -> None:
    if raw is None:  # missing here (blanked, a marker broken): not a change of its value
        field.present = False
        return
    if raw == field.raw:
        field.restored_by = "" if field.present else revision.user or "(hidden)"
    elif revision.user == bot_user:  # the bot's own rewrite (a publication): a fresh start
        field.setter, field.unknown, field.restored_by = None, "", ""
    elif not field.present and field.raw is not None:
        field.unknown = "the field came back with another value than it had: who set it cannot be established"
    elif UNUSUAL in raw or (field.raw is not None and UNUSUAL in field.raw):
        field.unknown = "the field is written in a way linkbot cannot follow (an odd template name or parameter): who set it cannot be established"
    elif len(raw) > 1 or (field.raw is not None and len(field.raw) > 1):
        field.unknown = "the field appears more than once on the page: who set it cannot be established"
    else:
        field.setter, field.unknown, field.restored_by = (revision.user, revision.revid), "", ""
    if hidden and revision.user != bot_user:
        field.unknown = "a revision since the bot's last publication has its text hidden: who set the field cannot be established"
    field.raw, field.present = raw, True


def _reported(key: Key, field: _Field, shown: str | None, revision: PageRevision) -> FieldDecision | None:
    """The decision a revision shows for a field, once per setter and value (None: nothing new)."""
    field.shown = shown or Decision.PENDING
    if shown is None or shown == Decision.PENDING or field.setter is None and not field.unknown:
        return None
    user, revid = field.setter or ("", field.unknown_since or revision.revid)
    current = (shown, user, revid, field.unknown)
    if current == field.emitted:  # (a value brought back as it was is not news)
        return None
    field.emitted = current
    written = " | ".join(value for value in field.raw or () if value != UNUSUAL)
    if field.unknown:
        why, user = field.unknown, ""
    elif not field.raw or _decision(field.raw[0]) != shown:  # readers see one thing, the text holds another
        why, user = "what readers see of the field and what its text holds differ: who set it cannot be established", ""
    elif shown == UNREADABLE:
        why = f"the status is not a plain word the bot reads ({written!r}): write {APPROVE_WORDS[0]} or {REJECT_WORDS[0]}"
    else:
        why = ""
    return FieldDecision(*key, shown, user, revid, field.restored_by, why)
