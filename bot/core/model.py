"""Values that flow through the pipeline: rules, link occurrences, changes, skips, page results.

Every value is a frozen dataclass so it can be hashed, compared in tests and handed
between layers without anyone mutating it on the way. Offsets are always indices
into the page text the value was computed from (Python ``str`` indices, i.e. code points).
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import html
import re
from dataclasses import dataclass, field


class Decision(enum.StrEnum):
    """A change's decision: in the review queue (its latest row in the audit trail), on the review page."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class Rule(enum.StrEnum):
    """Stable rule ids: used in output, edit summaries and configuration."""

    MD_MIRROR = "md-mirror"  # [L](../Page/T.md "wikilink"), <a href="../Page/T.md">
    MD_URL = "md-url"  # [L](https://zh.wikipedia.org/wiki/T "wikilink"), <a href=URL>
    EXT_SELF = "ext-self"  # [https://zh.wikipedia.org/wiki/T L] (CheckWiki 90)
    INTERWIKI = "interwiki"  # broken wikilink markup pointing at another wiki we know
    EXT_INTERWIKI = "ext-interwiki"  # valid [https://en.wikipedia.org/wiki/T L] to another wiki (CheckWiki 91; opt-in)
    CATEGORY = "category"  # category links: closing-block tags or inline [[:Category:X]]
    FILE = "file"  # file links and pandoc figures
    MD_EXTERNAL = "md-external"  # [L](https://example.org), <https://example.org>
    MEMBER_ADD = "member-add"  # a registry member missing from its section of a member list
    MEMBER_REMOVE = "member-remove"  # a listed member the registry does not have (needs review)
    MEMBER_DUPLICATE = "member-duplicate"  # a member listed twice in one section (needs review)
    MEMBER_SECTION = "member-section"  # a member listed under the wrong section (needs review)
    MEMBER_NEW_SECTION = "member-new-section"  # a registry section the page lacks, with its members (needs review)
    MEMBER_TOTAL = "member-total"  # a stated total brought to the registry's count (needs review)


ALL_RULES: frozenset[Rule] = frozenset(Rule)
# Rules that rewrite valid markup rather than repair broken markup: a different bot task, run only
# when named (``--rules default,ext-interwiki``).
OPT_IN_RULES: frozenset[Rule] = frozenset({Rule.EXT_INTERWIKI})
DEFAULT_RULES: frozenset[Rule] = ALL_RULES - OPT_IN_RULES
MEMBER_RULES: frozenset[Rule] = frozenset({Rule.MEMBER_ADD, Rule.MEMBER_REMOVE, Rule.MEMBER_DUPLICATE, Rule.MEMBER_SECTION,
                                           Rule.MEMBER_NEW_SECTION, Rule.MEMBER_TOTAL})  # fmt: skip
LINK_RULES: frozenset[Rule] = ALL_RULES - MEMBER_RULES


class Syntax(enum.StrEnum):
    """The markup an occurrence was written in; decides how its label is read."""

    MARKDOWN = "markdown"  # [label](dest "title")
    HTML_A = "html-a"  # <a href="dest">label</a>
    AUTOLINK = "autolink"  # <https://...>
    EXTLINK = "extlink"  # [https://... label] (wikitext)


class Display(enum.StrEnum):
    """What happens to a change's visible text.

    ``KEPT`` is the rule; the others are deliberate exceptions the invariants
    check allows, and the output labels so a reviewer sees them.
    """

    KEPT = "kept"
    CATEGORY_TAG = "category-tag"  # inline text becomes an invisible category tag
    INTERLANGUAGE = "interlanguage"  # inline text becomes an interlanguage link (shown beside the page)
    IMAGE = "image"  # a link becomes an embedded image
    NUMBERED = "numbered"  # [https://.../wiki/T] showed "[1]", now shows the title
    BRACKETS = "brackets"  # [[https://.../wiki/T L]] showed "[L]": the stray brackets go
    MEMBER = "member-list"  # a member-list item added or removed (its text is the point)


class SkipReason(enum.StrEnum):
    """Why a detected occurrence was left alone."""

    PROTECTED = "protected"  # inside nowiki, pre, code, comment, template, ...
    NOT_PLAIN = "not-plain"  # URL carries oldid, diff, action, text fragment, ...
    INVALID_TITLE = "invalid-title"  # decodes to a title MediaWiki cannot have
    BAD_ENCODING = "bad-encoding"  # invalid or truncated percent-encoding
    UNSAFE_LABEL = "unsafe-label"  # label cannot be carried into wikitext safely
    RULE_DISABLED = "rule-disabled"  # the rule is switched off in the options
    CHECK_FAILED = "check-failed"  # a safety check rejected the change
    INCOMPLETE = "incomplete"  # conversion cut the link apart (a <gallery> line split at a space)


@dataclass(frozen=True)
class Occurrence:
    """One link found in the page text, before any decision about it."""

    syntax: Syntax
    start: int
    end: int
    raw: str  # text[start:end]
    href: str  # the destination as written (escapes still in place)
    label: str  # the label as written (raw markup of its syntax)
    title_attr: str = ""  # Markdown link title / HTML title attribute
    is_image: bool = False  # Markdown image (``![...](...)``)
    verbatim_label_at: int = -1  # where a label carried over byte for byte starts (wikitext, HTML)
    doubled: bool = False  # [[https://...]]: an external link written inside a wikilink's brackets
    piped: bool = False  # [https://...|label]: the label after a pipe (MediaWiki reads it as the URL's)
    caption: str | None = None  # a figure's caption as wikitext, when its label holds links

    @property
    def destination(self) -> str:
        """The destination with its syntax's escaping undone (Markdown backslashes, HTML entities)."""
        href = self.href
        if self.syntax is Syntax.MARKDOWN:
            href = _MD_ESCAPE.sub(r"\1", href)
        return html.unescape(href)


_MD_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")  # CommonMark: a backslash before ASCII punctuation


@dataclass(frozen=True)
class Change:
    """A proposed replacement of ``old`` (at ``start:end``) by ``new``."""

    rule: Rule
    start: int
    end: int
    old: str
    new: str
    needs_review: bool = False
    display: Display = Display.KEPT
    note: str = ""
    id: str = field(default="", compare=False)
    # MediaWiki's word on it (bot.core.proof): "proven", "disagrees: why", "unproven: why", "" = not asked.
    proof: str = field(default="", compare=False)
    # An image change as the wiki renders it, for a person to see (JSON, bot.core.preview; "" = none).
    preview: str = field(default="", compare=False)

    def with_id(self, ordinal: int) -> Change:
        """Return a copy with a stable id: same rule, same old and new text, same ordinal => same id.

        The id does not depend on offsets, so a change that survives an unrelated
        edit elsewhere on the page keeps its id (the review queue relies on this).
        """
        digest = hashlib.sha1(
            f"{self.rule.value}\x1f{self.old}\x1f{self.new}\x1f{ordinal}".encode()
        ).hexdigest()[:12]
        return dataclasses.replace(self, id=digest)


@dataclass(frozen=True)
class Skip:
    """A detected occurrence left unchanged, and why."""

    start: int
    end: int
    text: str
    reason: SkipReason
    detail: str = ""
    rule: Rule | None = None


@dataclass(frozen=True)
class PageResult:
    """Everything the core says about one page."""

    title: str
    text: str
    new_text: str
    changes: tuple[Change, ...]
    skipped: tuple[Skip, ...]
    form_counts: tuple[tuple[str, int], ...]  # (rule id, occurrences found, changed or not), in rule order
    diff: str
    warnings: tuple[str, ...] = ()  # things a person should know that no change can fix (member lists)

    @classmethod
    def unchanged(cls, title: str, text: str) -> PageResult:
        """A page with nothing to change (none found, or none analysed)."""
        return cls(title, text, text, (), (), (), "")

    @property
    def forms(self) -> dict[str, int]:
        """Rule id -> occurrences found (a new dict: the value itself stays frozen and hashable)."""
        return dict(self.form_counts)

    @property
    def changed(self) -> bool:
        return self.new_text != self.text

    @property
    def mixed_forms(self) -> bool:
        """True when the page carries more than one broken link form."""
        return sum(1 for rule, count in self.form_counts if count and not rule.startswith("member-")) > 1

