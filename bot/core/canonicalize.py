"""Turn one link occurrence, and what it resolves to, into its canonical wikitext.

Output rules (see README, "Canonical output"):
``[[T]]`` when the label is the title as written, else ``[[T|label]]``; fragments
kept; pandoc's glued link trail split back off (``[[计算机]]系统与``) when the site
has no link trail for those letters; interwikis and inline category/file links get
a leading colon; closing-block categories become tags; figures become images.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.core import labels
from bot.core.labels import Label, UnsafeLabel
from bot.core.model import Change, Display, Occurrence, Rule, Skip, SkipReason, Syntax
from bot.core.options import Options
from bot.core.profile import SiteProfile
from bot.core.titles import Title, comparable
from bot.core.urls import Kind, Origin, Resolved
from bot.core.variants import fold

# Characters after which a bare URL ends in MediaWiki's free-link parser.
_URL_SAFE_FOLLOWER = re.compile(r"(?:[\s<\[\]\"]|$)")
_URL_UNSAFE = re.compile(r"[\s\[\]<>\"{}|]")


@dataclass(frozen=True)
class Context:
    """What canonicalization needs to know about the occurrence's surroundings."""

    following: str  # the character after the occurrence ("" at the end of the page)
    closing_block: bool  # the occurrence sits in the page's trailing block of category links


def rule_for(occurrence: Occurrence, resolved: Resolved) -> Rule | None:
    """The rule an occurrence falls under; None when it is not a broken link at all."""
    title = resolved.title
    if resolved.kind is Kind.UNRELATED:
        return None
    if resolved.kind is Kind.INTERWIKI:
        return Rule.INTERWIKI
    if resolved.kind is Kind.LOCAL and title is not None:
        if title.is_category:
            return Rule.CATEGORY
        if title.is_file or _is_figure(occurrence):
            return Rule.FILE
    if resolved.kind is Kind.EXTERNAL:
        return None if occurrence.syntax is Syntax.EXTLINK else Rule.MD_EXTERNAL
    if occurrence.syntax is Syntax.EXTLINK:
        return Rule.EXT_SELF
    if occurrence.syntax is Syntax.AUTOLINK:
        return Rule.MD_EXTERNAL
    return Rule.MD_MIRROR if resolved.origin in (Origin.MIRROR, Origin.RELATIVE) else Rule.MD_URL


def canonicalize(
    occurrence: Occurrence,
    resolved: Resolved,
    rule: Rule,
    context: Context,
    profile: SiteProfile,
    options: Options,
) -> Change | Skip:
    """The change that makes ``occurrence`` canonical, or the reason to leave it alone."""
    old_span = (occurrence.start, occurrence.end)
    if resolved.kind in (Kind.NOT_PLAIN, Kind.INVALID, Kind.BAD_ENCODING):
        reason = {
            Kind.NOT_PLAIN: SkipReason.NOT_PLAIN,
            Kind.INVALID: SkipReason.INVALID_TITLE,
            Kind.BAD_ENCODING: SkipReason.BAD_ENCODING,
        }[resolved.kind]
        return Skip(*old_span, occurrence.raw, reason, resolved.detail, rule)
    if rule not in options.rules:
        return Skip(*old_span, occurrence.raw, SkipReason.RULE_DISABLED, f"rule {rule} is disabled", rule)
    try:
        label = read_label(occurrence)
        new, display, review, note = _render(occurrence, resolved, rule, label, context, profile, options)
    except UnsafeLabel as error:
        return Skip(*old_span, occurrence.raw, SkipReason.UNSAFE_LABEL, str(error), rule)
    return Change(
        rule,
        occurrence.start,
        occurrence.end,
        occurrence.raw,
        new,
        needs_review=review or rule in options.review_rules,
        display=display,
        note=note,
    )


@lru_cache(maxsize=64)  # the page pipeline reads each label twice: to render it, then to check it
def read_label(occurrence: Occurrence) -> Label:
    if occurrence.syntax is Syntax.MARKDOWN:
        return labels.from_markdown(occurrence.label)
    if occurrence.syntax is Syntax.AUTOLINK:
        return Label(occurrence.label, occurrence.label, True)
    if occurrence.syntax is Syntax.EXTLINK and not occurrence.label.strip():
        return Label("", "", True)  # [https://own.wiki/wiki/T]: shown as a number
    return labels.from_wikitext(occurrence.label)


def _render(occurrence, resolved, rule, label, context, profile, options):
    """(new text, display, needs review, note) for one occurrence."""
    if rule is Rule.MD_EXTERNAL:
        return _external(resolved.url or occurrence.href, label, context), Display.KEPT, False, ""
    title = resolved.title
    assert title is not None
    if rule is Rule.CATEGORY and context.closing_block:
        return _category_tag(title, label, profile)
    if rule is Rule.FILE and _is_figure(occurrence):
        return _figure(title, occurrence, label)
    if rule is Rule.EXT_SELF and not label.visible:
        return f"[[{title.full}]]", Display.NUMBERED, True, "numbered external link becomes the title"
    if title.interwiki or title.is_category or title.is_file:
        return _colon_link(title, label), Display.KEPT, False, ""
    return _wikilink(title, label, profile, options), Display.KEPT, False, ""


def _is_figure(occurrence: Occurrence) -> bool:
    return occurrence.is_image or occurrence.title_attr.startswith("fig:")


def _external(url: str, label: Label, context: Context) -> str:
    url = _URL_UNSAFE.sub(lambda m: f"%{ord(m.group()):02X}", url.strip())
    if label.plain and label.visible == url:
        # A bare URL reads the same, but only if MediaWiki's free-link parser stops where it ends.
        if _URL_SAFE_FOLLOWER.match(context.following):
            return url
        return f"[{url} {url}]"
    return f"[{url} {label.wikitext}]"


def _category_tag(title: Title, label: Label, profile: SiteProfile):
    text = title.text
    if label.plain and comparable(label.visible, profile) == comparable(text, profile):
        return f"[[{text}]]", Display.CATEGORY_TAG, False, ""
    note = "label kept as the sort key; check it"
    return f"[[{text}|{label.wikitext}]]", Display.CATEGORY_TAG, True, note


def _figure(title: Title, occurrence: Occurrence, label: Label):
    if not title.is_file:
        raise UnsafeLabel(f"an image of {title.text!r}, which is not a file")
    caption = occurrence.title_attr[4:] if occurrence.title_attr.startswith("fig:") else label.visible
    name = title.text.split(":", 1)[1]
    note = "image options and caption were lost in conversion; check size, placement and caption"
    if caption.strip() and caption.strip() != name:
        safe = labels.escape_text(caption.strip())
        return f"[[{title.text}|thumb|{safe}]]", Display.IMAGE, True, note
    return f"[[{title.text}]]", Display.IMAGE, True, note


def _colon_link(title: Title, label: Label) -> str:
    if label.plain and not title.fragment and label.visible == title.text:
        return f"[[:{title.text}]]"
    return f"[[:{title.full}|{label.wikitext}]]"


def _wikilink(title: Title, label: Label, profile: SiteProfile, options: Options) -> str:
    if label.plain and _same_as_written(label.visible, title, profile):
        return f"[[{label.visible}]]"
    if options.split_trails and label.plain and not title.fragment:
        split = _split_trail(label.visible, title, profile)
        if split is not None:
            head, trail = split
            linked = f"[[{head}]]" if _same_as_written(head, title, profile) else f"[[{title.text}|{head}]]"
            return linked + trail
    return f"[[{title.full}|{label.wikitext}]]"


def _same_as_written(text: str, title: Title, profile: SiteProfile) -> bool:
    """``[[text]]`` shows ``text`` and links to ``title``: same title but for the first letter's case."""
    if title.fragment or text != text.strip() or "_" in text or "  " in text:
        return False
    return text[1:] == title.text[1:] and comparable(text, profile) == comparable(title.text, profile)


def _split_trail(label: str, title: Title, profile: SiteProfile) -> tuple[str, str] | None:
    """Undo pandoc gluing the letters after ``]]`` into the label: ``计算机系统与`` -> (``计算机``, ``系统与``)."""
    size = len(title.text)
    head, trail = label[:size], label[size:]
    if not trail or not trail.isalpha():
        # pandoc glues letters only: anything else means the original was piped.
        return None
    if profile.trail_length(trail):
        return None  # the site would glue these letters back onto the link
    scheme = profile.variant_fold
    if fold(comparable(head, profile), scheme) != fold(comparable(title.text, profile), scheme):
        return None
    return head, trail
